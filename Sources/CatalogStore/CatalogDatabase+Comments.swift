import CatalogCore
import Foundation
import GRDB

/// One pass of a crawl over files' comments (docs/schema.md, `comment_pass`).
public struct CommentPass: Sendable, Equatable {
    public enum Mode: String, Sendable { case full, delta }
    public var id: Int64
    public var source: Source
    public var mode: Mode
    /// When it began (a resumed pass keeps its first start: the next delta reads from there).
    public var startedAt: Date
    /// A full pass resumed after an interruption: the files it had read, which are not read again.
    public var alreadyRead: Set<String>
    /// Whether the pass logs the comments it adds and edits (`catalog changes`): not on the
    /// source's first pass, whose comments are all new, as a first crawl's items are not
    /// itemised. Deletions are logged always (`catalog pull` learns of them from the log).
    public var logsChanges: Bool
}

/// What writing one file's comments changed.
public struct CommentChanges: Sendable, Equatable {
    public var added = 0
    public var changed = 0
    public var deleted = 0
    public init() {}

    public mutating func add(_ other: CommentChanges) {
        added += other.added
        changed += other.changed
        deleted += other.deleted
    }
}

/// What `catalog comments` lists.
public struct CommentFilter: Sendable {
    /// An FTS5 expression on the comments' text and author (already checked), or nil.
    public var match: String?
    /// Only comments on the files of these projects.
    public var projectIDs: [String]?
    /// Only comments created or edited at or after this time.
    public var since: Date?
    /// Only comments still to address (not completed; replies of such comments included).
    public var openOnly = false
    /// Only the comments of this file.
    public var fileID: String?
    /// The service whose comments are listed.
    public var source = Source.frameio
    public init() {}

    /// The FTS5 expression of a query's words (each word or "quoted phrase" in the comment's
    /// text or author, `word*` a prefix, `OR` and `-word` as in a search), as a search matches
    /// items' text; nil when it has no word to look for. Its filters are not comments' to answer.
    public static func matching(_ query: SearchQuery) -> String? { SearchSQL.textMatch(query) }
}

extension CatalogDatabase {
    /// Whether the catalog has the comment tables (a read-only catalog made before them has not).
    public func hasComments() throws(StoreError) -> Bool {
        try read { db in try db.tableExists("comment") }
    }

    /// Where a comments delta of `source` starts: the start of its last complete comments pass;
    /// nil when there is none, or when the last pass is a full one that did not complete (the
    /// next pass is full, and resumes it).
    public func commentWatermark(source: Source) throws(StoreError) -> Date? {
        try read { db in
            guard try db.tableExists("comment_pass"),
                let last = try Row.fetchOne(
                    db, sql: "SELECT mode, status FROM comment_pass WHERE source = ? ORDER BY id DESC LIMIT 1", arguments: [source.rawValue]),
                last["mode"] as String != "full" || last["status"] as String == "complete"
            else { return nil }
            let started = try String.fetchOne(
                db, sql: "SELECT started_at FROM comment_pass WHERE source = ? AND status = 'complete' ORDER BY id DESC LIMIT 1",
                arguments: [source.rawValue])
            return started.flatMap(Timestamp.parse)
        }
    }

    /// The number of files of `source` the catalog holds.
    public func fileCount(source: Source) throws(StoreError) -> Int {
        try read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM item WHERE source = ? AND kind = 'file'", arguments: [source.rawValue]) ?? 0
        }
    }

    /// Begins a comments pass of `source`. A full pass resumes the last one when that was a full
    /// pass that never completed (its files already read are in ``CommentPass/alreadyRead``).
    public func beginCommentPass(source: Source, mode: CommentPass.Mode, since: Date?, at now: Date = Date()) async throws(StoreError)
        -> CommentPass
    {
        try await write { db in
            // Whether the catalog holds a complete reading of the source's comments already.
            func completed() throws -> Bool {
                try Bool.fetchOne(
                    db, sql: "SELECT EXISTS (SELECT 1 FROM comment_pass WHERE source = ? AND status = 'complete')", arguments: [source.rawValue])
                    ?? false
            }
            if mode == .full,
                let row = try Row.fetchOne(
                    db, sql: "SELECT id, mode, status, started_at FROM comment_pass WHERE source = ? ORDER BY id DESC LIMIT 1",
                    arguments: [source.rawValue]),
                row["mode"] as String == "full", row["status"] as String != "complete",
                let started = (row["started_at"] as String?).flatMap(Timestamp.parse)
            {
                let id: Int64 = row["id"]
                try db.execute(sql: "UPDATE comment_pass SET status = 'running', finished_at = NULL WHERE id = ?", arguments: [id])
                let read = try String.fetchSet(
                    db, sql: "SELECT file_id FROM comment_file WHERE source = ? AND pass_id = ?", arguments: [source.rawValue, id])
                return CommentPass(id: id, source: source, mode: .full, startedAt: started, alreadyRead: read, logsChanges: try completed())
            }
            let earlier = try completed()
            try db.execute(
                sql: "INSERT INTO comment_pass (source, mode, started_at, since, status) VALUES (?, ?, ?, ?, 'running')",
                arguments: [source.rawValue, mode.rawValue, Timestamp.format(now), since.map(Timestamp.format)])
            return CommentPass(id: db.lastInsertedRowID, source: source, mode: mode, startedAt: now, alreadyRead: [], logsChanges: earlier)
        }
    }

    /// Replaces the comments of file `fileID` with `comments` (what the service lists now) in
    /// one transaction, records the file as read by `pass`, and logs what changed.
    public func replaceComments(
        _ comments: [CatalogComment], source: Source, fileID: String, pass: CommentPass, at now: Date = Date()
    ) async throws(StoreError) -> CommentChanges {
        try await write { db in
            var changes = CommentChanges()
            let stamp = Timestamp.format(now)
            var old: [String: (digest: String, text: String)] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT id, digest, text FROM comment WHERE source = ? AND file_id = ?", arguments: [source.rawValue, fileID])
            {
                old[row["id"]] = (row["digest"], row["text"])
            }
            func log(_ id: String, _ change: String, _ text: String) throws {
                // Deletions always: a laptop that pulled during a first pass learns of them only here.
                guard pass.logsChanges || change == "deleted" else { return }
                try db.execute(
                    sql: "INSERT INTO comment_change (pass_id, source, comment_id, file_id, change, at, text) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    arguments: [pass.id, source.rawValue, id, fileID, change, stamp, text])
            }
            var listed = Set<String>()
            for comment in comments {
                listed.insert(comment.id)
                let digest = Digest.xxh3_128(comment.record).hex
                let previous = old[comment.id]
                if previous?.digest == digest { continue }
                // An id listed under another file moves here (the upsert takes it over).
                try db.execute(
                    sql: """
                        INSERT INTO comment (source, id, file_id, parent_id, text, author_name, author_email, timestamp, duration, timecode,
                            page, completed_at, completer_id, created_at, updated_at, text_edited_at, digest, record, pass_id)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT (source, id) DO UPDATE SET file_id = excluded.file_id, parent_id = excluded.parent_id,
                            text = excluded.text, author_name = excluded.author_name, author_email = excluded.author_email,
                            timestamp = excluded.timestamp, duration = excluded.duration, timecode = excluded.timecode, page = excluded.page,
                            completed_at = excluded.completed_at, completer_id = excluded.completer_id, created_at = excluded.created_at,
                            updated_at = excluded.updated_at, text_edited_at = excluded.text_edited_at, digest = excluded.digest,
                            record = excluded.record, pass_id = excluded.pass_id
                        """,
                    arguments: [
                        source.rawValue, comment.id, fileID, comment.parentID, comment.text, comment.authorName, comment.authorEmail,
                        comment.timestamp, comment.duration, comment.timecode, comment.page, comment.completedAt.map(Timestamp.format),
                        comment.completerID, comment.createdAt.map(Timestamp.format), comment.updatedAt.map(Timestamp.format),
                        comment.textEditedAt.map(Timestamp.format), digest, comment.record, pass.id,
                    ])
                if previous == nil {
                    changes.added += 1
                    try log(comment.id, "added", comment.text)
                } else {
                    changes.changed += 1
                    try log(comment.id, "changed", comment.text)
                }
            }
            for (id, previous) in old where !listed.contains(id) {
                try db.execute(sql: "DELETE FROM comment WHERE source = ? AND id = ?", arguments: [source.rawValue, id])
                changes.deleted += 1
                try log(id, "deleted", previous.text)
            }
            try db.execute(
                sql: """
                    INSERT INTO comment_file (source, file_id, pass_id, comment_count, read_at, error) VALUES (?, ?, ?, ?, ?, NULL)
                    ON CONFLICT (source, file_id) DO UPDATE SET pass_id = excluded.pass_id, comment_count = excluded.comment_count,
                        read_at = excluded.read_at, error = NULL
                    """,
                arguments: [source.rawValue, fileID, pass.id, comments.count, stamp])
            try db.execute(sql: "UPDATE comment_pass SET files_read = files_read + 1 WHERE id = ?", arguments: [pass.id])
            return changes
        }
    }

    /// Records that `pass` could not read the comments of `fileID` (its comments are kept as
    /// they were).
    public func recordCommentFailure(source: Source, fileID: String, pass: Int64, error: String, at now: Date = Date()) async throws(StoreError) {
        try await write { db in
            try db.execute(
                sql: """
                    INSERT INTO comment_file (source, file_id, pass_id, comment_count, read_at, error)
                    VALUES (?, ?, ?, (SELECT count(*) FROM comment WHERE source = ? AND file_id = ?), ?, ?)
                    ON CONFLICT (source, file_id) DO UPDATE SET pass_id = excluded.pass_id, read_at = excluded.read_at, error = excluded.error
                    """,
                arguments: [source.rawValue, fileID, pass, source.rawValue, fileID, Timestamp.format(now), error])
            try db.execute(sql: "UPDATE comment_pass SET files_failed = files_failed + 1 WHERE id = ?", arguments: [pass])
        }
    }

    /// Completes `pass` once its crawl is committed: the comments of files the catalog no longer
    /// holds (deleted, or never catalogued) go, with their ledger rows. Returns the comments removed.
    public func completeCommentPass(_ pass: CommentPass, at now: Date = Date()) async throws(StoreError) -> Int {
        try await write { db in
            let stamp = Timestamp.format(now)
            let orphan = "NOT EXISTS (SELECT 1 FROM item WHERE item.source = comment.source AND item.id = comment.file_id)"
            try db.execute(
                sql: """
                    INSERT INTO comment_change (pass_id, source, comment_id, file_id, change, at, text)
                    SELECT ?, source, id, file_id, 'deleted', ?, text FROM comment WHERE source = ? AND \(orphan)
                    """,
                arguments: [pass.id, stamp, pass.source.rawValue])
            try db.execute(sql: "DELETE FROM comment WHERE source = ? AND \(orphan)", arguments: [pass.source.rawValue])
            let removed = db.changesCount
            try db.execute(
                sql: """
                    DELETE FROM comment_file WHERE source = ?
                        AND NOT EXISTS (SELECT 1 FROM item WHERE item.source = comment_file.source AND item.id = comment_file.file_id)
                    """,
                arguments: [pass.source.rawValue])
            try db.execute(sql: "UPDATE comment_pass SET status = 'complete', finished_at = ? WHERE id = ?", arguments: [stamp, pass.id])
            return removed
        }
    }

    /// Marks `pass` failed: what it read stays, and the next full pass resumes it.
    public func failCommentPass(_ pass: CommentPass, at now: Date = Date()) async throws(StoreError) {
        try await write { db in
            try db.execute(
                sql: "UPDATE comment_pass SET status = 'failed', finished_at = ? WHERE id = ?", arguments: [Timestamp.format(now), pass.id])
        }
    }

    /// The files of catalogued comments, by comment id (those of `ids` the catalog holds).
    public func commentFiles(source: Source, ids: [String]) throws(StoreError) -> [String: String] {
        try read { db in
            var files: [String: String] = [:]
            for chunk in stride(from: 0, to: ids.count, by: 500).map({ Array(ids[$0..<min($0 + 500, ids.count)]) }) {
                let marks = chunk.map { _ in "?" }.joined(separator: ", ")
                for row in try Row.fetchAll(
                    db, sql: "SELECT id, file_id FROM comment WHERE source = ? AND id IN (\(marks))",
                    arguments: StatementArguments([source.rawValue] + chunk))
                {
                    files[row["id"]] = row["file_id"]
                }
            }
            return files
        }
    }

    /// Calls `body` with the comments `filter` selects, each file's together, in path order and
    /// by creation within a file (a reply after the comment it answers).
    public func forEachComment(_ filter: CommentFilter, _ body: (ListedComment) throws -> Void) throws {
        let source = filter.source
        guard try hasComments() else { return }
        var conditions = ["c.source = ?"]
        var arguments: [any DatabaseValueConvertible] = [source.rawValue]
        if let match = filter.match {
            conditions.append("c.seq IN (SELECT rowid FROM comment_fts WHERE comment_fts MATCH ?)")
            arguments.append(match)
        }
        if let fileID = filter.fileID {
            conditions.append("c.file_id = ?")
            arguments.append(fileID)
        }
        if let projects = filter.projectIDs {
            conditions.append("i.project_id IN (\(projects.map { _ in "?" }.joined(separator: ", ")))")
            arguments += projects
        }
        if let since = filter.since {
            conditions.append("max(coalesce(c.created_at, ''), coalesce(c.text_edited_at, ''), coalesce(c.updated_at, '')) >= ?")
            arguments.append(Timestamp.format(since))
        }
        if filter.openOnly {
            // A note still to address, and the replies under one.
            conditions.append(
                """
                (c.parent_id IS NULL AND c.completed_at IS NULL OR c.parent_id IN
                    (SELECT id FROM comment p WHERE p.source = c.source AND p.completed_at IS NULL))
                """)
        }
        let sql = """
            SELECT c.*, i.path AS item_path, i.project_id AS item_project
            FROM comment c LEFT JOIN item i ON i.source = c.source AND i.id = c.file_id
            WHERE \(conditions.joined(separator: " AND "))
            ORDER BY i.path IS NULL, i.path, c.file_id, coalesce(
                (SELECT p.created_at FROM comment p WHERE p.source = c.source AND p.id = c.parent_id), c.created_at),
                coalesce(c.parent_id, c.id), c.parent_id IS NOT NULL, c.created_at, c.id
            """
        do {
            try writer.unsafeReentrantRead { db in
                let rows = try Row.fetchCursor(db, sql: sql, arguments: StatementArguments(arguments))
                while let row = try rows.next() {
                    try body(ListedComment(comment: try Self.comment(row), path: row["item_path"], projectID: row["item_project"]))
                }
            }
        } catch let error as DatabaseError {
            throw Self.map(error, path: path)
        }
    }

    /// The number of comments (replies included) in the catalog, of `source`.
    public func commentCount(source: Source = .frameio) throws(StoreError) -> Int {
        try read { db in
            guard try db.tableExists("comment") else { return 0 }
            return try Int.fetchOne(db, sql: "SELECT count(*) FROM comment WHERE source = ?", arguments: [source.rawValue]) ?? 0
        }
    }

    static func comment(_ row: Row) throws -> CatalogComment {
        func date(_ column: String) -> Date? { (row[column] as String?).flatMap(Timestamp.parse) }
        return CatalogComment(
            source: Source(rawValue: row["source"]) ?? .frameio, id: row["id"], fileID: row["file_id"], parentID: row["parent_id"],
            text: row["text"], authorName: row["author_name"], authorEmail: row["author_email"], timestamp: row["timestamp"],
            duration: row["duration"], timecode: row["timecode"], page: row["page"], completedAt: date("completed_at"),
            completerID: row["completer_id"], createdAt: date("created_at"), updatedAt: date("updated_at"),
            textEditedAt: date("text_edited_at"), record: row["record"])
    }
}

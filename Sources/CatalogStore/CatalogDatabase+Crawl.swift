import CatalogCore
import Foundation
import GRDB

/// What merging a complete crawl did to the catalog.
public struct MergeResult: Sendable, Equatable {
    /// Items new to the catalog.
    public var added = 0
    /// Items whose record, path or text changed.
    public var changed = 0
    /// Items removed because the service no longer has them.
    public var deleted = 0
    /// Items left as they were.
    public var unchanged = 0

    /// Creates a result.
    public init(added: Int = 0, changed: Int = 0, deleted: Int = 0, unchanged: Int = 0) {
        self.added = added
        self.changed = changed
        self.deleted = deleted
        self.unchanged = unchanged
    }
}

extension CatalogDatabase {
    /// Starts a crawl of `source`: takes the crawl lock, records a `running` crawl, and clears
    /// what interrupted crawls left staged.
    public func beginCrawl(source: Source, mode: String = "full") throws(StoreError) -> CrawlSession {
        let lock = path == ":memory:" ? nil : try CrawlLock(databasePath: path)
        let now = Timestamp.format(Date())
        try attachStaging()
        let id = try writeSync { db -> Int64 in
            // Holding the lock, any crawl still marked running was interrupted (killed, crashed).
            try db.execute(
                sql: "UPDATE crawl SET status = 'failed', finished_at = ?, error = 'interrupted' WHERE status = 'running'",
                arguments: [now])
            try db.execute(
                sql: "INSERT INTO crawl (source, mode, started_at, status) VALUES (?, ?, ?, 'running')",
                arguments: [source.rawValue, mode, now])
            return db.lastInsertedRowID
        }
        return CrawlSession(id: id, source: source, lock: lock)
    }

    /// Stages a batch of items for the crawl (invisible to searches until ``complete(_:stats:)``).
    /// An item staged twice (the same id on two pages) is kept once, last version winning.
    public func stage(_ items: [CatalogItem], in session: CrawlSession) async throws(StoreError) {
        guard !items.isEmpty else { return }
        let crawlID = session.id
        try await write { db in try Self.insertStaged(items, crawlID: crawlID, db: db) }
    }

    /// Synchronous form of ``stage(_:in:)``, for benchmarks and tests.
    public func stageSync(_ items: [CatalogItem], in session: CrawlSession) throws(StoreError) {
        let crawlID = session.id
        try writeSync { db in try Self.insertStaged(items, crawlID: crawlID, db: db) }
    }

    private static func insertStaged(_ items: [CatalogItem], crawlID: Int64, db: Database) throws {
        let columns = CatalogSchema.itemColumns
        let statement = try db.cachedStatement(
            sql:
                "INSERT OR REPLACE INTO staging.crawl_item (crawl_id, \(columns.joined(separator: ", "))) VALUES (?\(String(repeating: ", ?", count: columns.count)))"
        )
        for item in items {
            var arguments: StatementArguments = [crawlID]
            arguments += ItemRow.arguments(item)
            try statement.execute(arguments: arguments)
        }
    }

    /// Commits a crawl: in one transaction, merges its staged items into the catalog (adding,
    /// updating and deleting items of its source, keeping the full-text index in step) and marks it
    /// complete. Until this returns, searches see the previous complete catalog.
    @discardableResult
    public func complete(
        _ session: CrawlSession, stats: CrawlStats, fields: [CatalogField]? = nil, options: [CatalogFieldOption]? = nil
    ) async throws(StoreError) -> MergeResult {
        let crawlID = session.id
        let source = session.source.rawValue
        defer {
            detachStaging()
            session.finish()
        }
        return try await write { db in
            if let fields { try Self.replaceFields(fields, options: options ?? [], source: source, db: db) }
            let result = try Self.merge(crawlID: crawlID, source: source, db: db)
            try db.execute(
                sql: """
                    UPDATE crawl SET status = 'complete', finished_at = ?, item_count = ?, added_count = ?,
                      changed_count = ?, deleted_count = ?, unchanged_count = ?, request_count = ?, retry_count = ?,
                      throttled_count = ?
                    WHERE id = ?
                    """,
                arguments: [
                    Timestamp.format(Date()), result.added + result.changed + result.unchanged, result.added,
                    result.changed, result.deleted, result.unchanged, stats.requests, stats.retries, stats.throttled, crawlID,
                ])
            return result
        }
    }

    /// Marks a crawl failed and drops what it staged; the catalog stays as it was.
    public func fail(_ session: CrawlSession, error: String, stats: CrawlStats) async throws(StoreError) {
        let crawlID = session.id
        defer {
            detachStaging()
            session.finish()
        }
        try await write { db in
            try db.execute(
                sql: """
                    UPDATE crawl SET status = 'failed', finished_at = ?, error = ?, item_count = ?, request_count = ?,
                      retry_count = ?, throttled_count = ?
                    WHERE id = ?
                    """,
                arguments: [Timestamp.format(Date()), error, stats.items, stats.requests, stats.retries, stats.throttled, crawlID])
        }
    }

    private static let ftsColumns = "name, path, label, text"

    /// Replaces a source's fields and options (they are small: a full set comes with every crawl).
    private static func replaceFields(_ fields: [CatalogField], options: [CatalogFieldOption], source: String, db: Database) throws {
        try db.execute(sql: "DELETE FROM field WHERE source = ?", arguments: [source])
        try db.execute(sql: "DELETE FROM field_option WHERE source = ?", arguments: [source])
        let insertField = try db.cachedStatement(
            sql: """
                INSERT OR REPLACE INTO field (source, id, name, position, has_fixed_options, hierarchical, multi_value, is_folders, record)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
        for f in fields {
            try insertField.execute(arguments: [
                source, f.id, f.name, f.position, f.hasFixedOptions, f.hierarchical, f.multiValue, f.isFolders, f.record,
            ])
        }
        let insertOption = try db.cachedStatement(
            sql: """
                INSERT OR REPLACE INTO field_option (source, id, field_id, parent_id, value, position, path, record)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """)
        for o in options {
            try insertOption.execute(arguments: [source, o.id, o.fieldID, o.parentID, o.value, o.position, o.path, o.record])
        }
    }

    private static func merge(crawlID: Int64, source: String, db: Database) throws -> MergeResult {
        var result = MergeResult()
        let columns = CatalogSchema.itemColumns.joined(separator: ", ")
        let staged = try Int.fetchOne(db, sql: "SELECT count(*) FROM staging.crawl_item WHERE crawl_id = ?", arguments: [crawlID]) ?? 0
        let existing = try Int.fetchOne(db, sql: "SELECT count(*) FROM item WHERE source = ?", arguments: [source]) ?? 0

        if existing == 0 {
            // Bulk path: plain inserts, then index the new rows in one pass.
            let catalogWasEmpty = try Int.fetchOne(db, sql: "SELECT NOT EXISTS (SELECT 1 FROM item)") == 1
            try db.execute(
                sql: "INSERT INTO item (source, \(columns), crawl_id) SELECT ?, \(columns), crawl_id FROM staging.crawl_item WHERE crawl_id = ?",
                arguments: [source, crawlID])
            if catalogWasEmpty {
                try db.execute(sql: "INSERT INTO item_fts(item_fts) VALUES ('rebuild')")
            } else {
                try db.execute(
                    sql: "INSERT INTO item_fts (rowid, \(ftsColumns)) SELECT seq, \(ftsColumns) FROM item WHERE source = ?",
                    arguments: [source])
            }
            result.added = staged
        } else {
            // Incremental path: touch only rows that differ.
            let differs = """
                (c.digest IS NOT i.digest OR c.path IS NOT i.path OR c.parent_id IS NOT i.parent_id
                 OR c.project_id IS NOT i.project_id OR c.text IS NOT i.text OR c.name IS NOT i.name
                 OR c.folders IS NOT i.folders OR c.metadata IS NOT i.metadata)
                """
            // 1. Take changed and vanished rows out of the full-text index (old values needed).
            try db.execute(
                sql: """
                    INSERT INTO item_fts (item_fts, rowid, \(ftsColumns))
                    SELECT 'delete', i.seq, i.name, i.path, i.label, i.text FROM item i
                    LEFT JOIN staging.crawl_item c ON c.crawl_id = ? AND c.id = i.id
                    WHERE i.source = ? AND (c.id IS NULL OR \(differs))
                    """,
                arguments: [crawlID, source])
            // 2. Delete vanished rows.
            try db.execute(
                sql: """
                    DELETE FROM item WHERE source = ?
                      AND NOT EXISTS (SELECT 1 FROM staging.crawl_item c WHERE c.crawl_id = ? AND c.id = item.id)
                    """,
                arguments: [source, crawlID])
            result.deleted = db.changesCount
            // 3. Update changed rows in place (their seq, and so their rowid in the index, stays).
            let assignments = CatalogSchema.itemColumns.filter { $0 != "id" }.map { "\($0) = c.\($0)" }.joined(separator: ", ")
            try db.execute(
                sql: """
                    UPDATE item AS i SET \(assignments), crawl_id = c.crawl_id
                    FROM staging.crawl_item AS c
                    WHERE c.crawl_id = ? AND i.source = ? AND c.id = i.id AND \(differs)
                    """,
                arguments: [crawlID, source])
            result.changed = db.changesCount
            // 4. Insert new rows.
            try db.execute(
                sql: """
                    INSERT INTO item (source, \(columns), crawl_id)
                    SELECT ?, \(columns), crawl_id FROM staging.crawl_item c
                    WHERE c.crawl_id = ? AND NOT EXISTS (SELECT 1 FROM item i WHERE i.source = ? AND i.id = c.id)
                    """,
                arguments: [source, crawlID, source])
            result.added = db.changesCount
            // 5. Index the changed and new rows.
            try db.execute(
                sql: "INSERT INTO item_fts (rowid, \(ftsColumns)) SELECT seq, \(ftsColumns) FROM item WHERE source = ? AND crawl_id = ?",
                arguments: [source, crawlID])
            result.unchanged = staged - result.added - result.changed
        }
        return result
    }
}

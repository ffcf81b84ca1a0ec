import CatalogCore
import Foundation
import GRDB

extension CatalogDatabase {
    /// Starts a crawl of `source`: takes the crawl lock, records a `running` crawl, and clears
    /// what interrupted crawls left staged.
    public func beginCrawl(source: Source, mode: CrawlMode = .full, since: Date? = nil, api: ServiceAPI = .v2) throws(StoreError) -> CrawlSession {
        let lock = path == ":memory:" ? nil : try CrawlLock(databasePath: path)
        let now = Timestamp.format(Date())
        try attachStaging()
        let id = try writeSync { db -> Int64 in
            // Holding the lock, any crawl still marked running was interrupted (killed, crashed).
            try db.execute(
                sql: "UPDATE crawl SET status = 'failed', finished_at = ?, error = 'interrupted' WHERE status = 'running'",
                arguments: [now])
            try db.execute(
                sql: "INSERT INTO crawl (source, mode, started_at, status, since, api) VALUES (?, ?, ?, 'running', ?, ?)",
                arguments: [source.rawValue, mode.rawValue, now, since.map(Timestamp.format), api.rawValue])
            return db.lastInsertedRowID
        }
        return CrawlSession(id: id, source: source, mode: mode, api: api, startedAt: Timestamp.parse(now) ?? Date(), lock: lock)
    }

    /// Stages a batch of items for the crawl (invisible to searches until ``complete(_:stats:)``).
    /// An item staged twice (the same id on two pages) is kept once, last version winning.
    public func stage(_ items: [CatalogItem], in session: CrawlSession) async throws(StoreError) {
        guard !items.isEmpty else { return }
        let crawlID = session.id
        try await write { db in try Self.insertStaged(items, crawlID: crawlID, db: db) }
    }

    /// Marks items of a delta crawl as deleted on the service (applied when the crawl completes).
    public func stageDeletions(_ ids: [String], in session: CrawlSession) async throws(StoreError) {
        guard !ids.isEmpty else { return }
        try await write { db in
            let statement = try db.cachedStatement(sql: "INSERT OR IGNORE INTO staging.crawl_deleted (id) VALUES (?)")
            for id in ids { try statement.execute(arguments: [id]) }
        }
    }

    /// Stages items. An id staged again at the same path replaces what was staged (a list read
    /// again); an id staged at another path (listed in two projects, or under its own descendant)
    /// keeps the smaller path whatever the order the pages arrived in, so two identical crawls
    /// never disagree on where it is, and is recorded in `staging.crawl_conflict`
    /// (``stagedConflicts(limit:)``).
    private static func insertStaged(_ items: [CatalogItem], crawlID: Int64, db: Database) throws {
        let columns = CatalogSchema.itemColumns
        let updates = (["crawl_id"] + columns).map { "\($0) = excluded.\($0)" }.joined(separator: ", ")
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO staging.crawl_item (crawl_id, \(columns.joined(separator: ", "))) VALUES \
                (?\(String(repeating: ", ?", count: columns.count)))
                ON CONFLICT (id) DO UPDATE SET \(updates) WHERE excluded.path <= crawl_item.path
                """
        )
        for item in items {
            var arguments: StatementArguments = [crawlID]
            arguments += ItemRecord.arguments(item)
            try statement.execute(arguments: arguments)
        }
    }

    /// How many items of the session's source the catalog holds that this full crawl did not
    /// stage: what completing it would delete. With ``itemCount(source:)``, what the
    /// mass-disappearance guard needs before a full crawl is applied.
    public func unstagedCount(in session: CrawlSession) throws(StoreError) -> Int {
        let source = session.source.rawValue
        let crawlID = session.id
        // On the writer: the staging file is attached to its connection only.
        return try writeSync { db in
            try Int.fetchOne(
                db,
                sql: """
                    SELECT count(*) FROM item i WHERE i.source = ?
                    AND NOT EXISTS (SELECT 1 FROM staging.crawl_item c WHERE c.id = i.id AND c.crawl_id = ?)
                    """,
                arguments: [source, crawlID]) ?? 0
        }
    }

    /// Ids this crawl staged at two different paths (an asset listed in two projects, or a
    /// folder listed under its own descendant): how many, and the first `limit` as (id, the two
    /// paths). The catalog keeps the smaller path of each.
    public func stagedConflicts(limit: Int = 5) throws(StoreError) -> (count: Int, examples: [(id: String, paths: [String])]) {
        // On the writer: the staging file is attached to its connection only.
        try writeSync { db in
            let count = try Int.fetchOne(db, sql: "SELECT count(*) FROM staging.crawl_conflict") ?? 0
            let examples = try Row.fetchAll(
                db, sql: "SELECT id, first_path, second_path FROM staging.crawl_conflict ORDER BY id LIMIT ?", arguments: [limit]
            ).map { row in (id: row["id"] as String, paths: [row["first_path"] as String? ?? "", row["second_path"] as String? ?? ""]) }
            return (count, examples)
        }
    }

    /// Stages again, unchanged, every item the catalog holds in project `projectID` but the
    /// project itself and what this crawl staged already: for a project whose contents could not
    /// be read this time, so the crawl keeps them rather than deleting them. Returns their ids.
    public func stageKept(projectID: String, in session: CrawlSession) async throws(StoreError) -> [String] {
        let crawlID = session.id
        let source = session.source.rawValue
        let columns = CatalogSchema.itemColumns.joined(separator: ", ")
        let selected = CatalogSchema.itemColumns.map { "i.\($0)" }.joined(separator: ", ")
        return try await write { db in
            try String.fetchAll(
                db,
                sql: """
                    INSERT INTO staging.crawl_item (crawl_id, \(columns))
                    SELECT ?, \(selected) FROM item i WHERE i.source = ? AND i.project_id = ? AND i.id != ?
                    AND NOT EXISTS (SELECT 1 FROM staging.crawl_item c WHERE c.id = i.id)
                    RETURNING id
                    """,
                arguments: [crawlID, source, projectID, projectID])
        }
    }

    /// Commits a crawl: in one transaction, merges its staged items into the catalog (adding,
    /// updating and deleting items of its source, keeping the full-text index in step) and marks it
    /// complete. Until this returns, searches see the previous complete catalog.
    @discardableResult
    public func complete(
        _ session: CrawlSession, stats: CrawlStats, fields: [CatalogField]? = nil, options: [CatalogFieldOption]? = nil,
        people: [CatalogPerson]? = nil
    ) async throws(StoreError) -> ItemChanges {
        let crawlID = session.id
        let source = session.source.rawValue
        let mode = session.mode
        defer {
            detachStaging()
            session.finish()
        }
        return try await write { db in
            if let fields { try Self.replaceFields(fields, options: options ?? [], source: source, db: db) }
            if let people { try Self.replacePeople(people, source: source, db: db) }
            let result = try Self.merge(crawlID: crawlID, source: source, mode: mode, db: db)
            try db.execute(
                sql: """
                    UPDATE crawl SET status = 'complete', finished_at = ?, item_count = ?, added_count = ?,
                      changed_count = ?, deleted_count = ?, unchanged_count = ?, request_count = ?, retry_count = ?,
                      throttled_count = ?, moved_count = ?, warning_count = ?, warnings = ?
                    WHERE id = ?
                    """,
                arguments: [
                    Timestamp.format(Date()),
                    try Int.fetchOne(db, sql: "SELECT count(*) FROM item WHERE source = ?", arguments: [source]) ?? 0, result.added,
                    result.changed, result.deleted, result.unchanged, stats.http.requests, stats.http.retries, stats.http.throttled, result.moved,
                    stats.warningCount, stats.warningsText, crawlID,
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
                      retry_count = ?, throttled_count = ?, warning_count = ?, warnings = ?
                    WHERE id = ?
                    """,
                arguments: [
                    Timestamp.format(Date()), error, stats.items, stats.http.requests, stats.http.retries, stats.http.throttled, stats.warningCount,
                    stats.warningsText, crawlID,
                ])
        }
    }

    private static let ftsColumns = "name, path, label, text"

    /// The full-text indexes over `item` and the columns each holds.
    static let ftsIndexes = [("item_fts", ftsColumns), ("item_name_fts", "name")]

    /// Replaces a source's people (as small as its fields, and read with every crawl).
    private static func replacePeople(_ people: [CatalogPerson], source: String, db: Database) throws {
        try db.execute(sql: "DELETE FROM person WHERE source = ?", arguments: [source])
        for person in people {
            try db.execute(
                sql: "INSERT OR REPLACE INTO person (source, id, name, email) VALUES (?, ?, ?, ?)",
                arguments: [source, person.id, person.name, person.email])
        }
    }

    /// Replaces a source's fields and options (they are small: a full set comes with every crawl).
    private static func replaceFields(_ fields: [CatalogField], options: [CatalogFieldOption], source: String, db: Database) throws {
        try db.execute(sql: "DELETE FROM field WHERE source = ?", arguments: [source])
        try db.execute(sql: "DELETE FROM field_option WHERE source = ?", arguments: [source])
        let insertField = try db.cachedStatement(
            sql: """
                INSERT OR REPLACE INTO field (source, id, name, position, has_fixed_options, hierarchical, multi_value, is_folders, type, record)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
        for f in fields {
            try insertField.execute(arguments: [
                source, f.id, f.name, f.position, f.hasFixedOptions, f.hierarchical, f.multiValue, f.isFolders, f.type, f.record,
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

    private static func merge(crawlID: Int64, source: String, mode: CrawlMode, db: Database) throws -> ItemChanges {
        var result = ItemChanges()
        let columns = CatalogSchema.itemColumns.joined(separator: ", ")
        if mode.deletesOnlyNamed {
            // An item both re-read and found gone (e.g. re-mapped, then purged) is gone.
            try db.execute(sql: "DELETE FROM staging.crawl_item WHERE id IN (SELECT id FROM staging.crawl_deleted)")
        }
        let staged = try Int.fetchOne(db, sql: "SELECT count(*) FROM staging.crawl_item WHERE crawl_id = ?", arguments: [crawlID]) ?? 0
        let existing = try Int.fetchOne(db, sql: "SELECT count(*) FROM item WHERE source = ?", arguments: [source]) ?? 0

        if existing == 0 {
            // Bulk path: plain inserts, then index the new rows in one pass.
            let catalogWasEmpty = try Int.fetchOne(db, sql: "SELECT NOT EXISTS (SELECT 1 FROM item)") == 1
            // Into an empty table, building each secondary index once from sorted rows beats
            // updating ten indexes row by row (1M items: the merge took 106 s that way).
            let indexes =
                catalogWasEmpty
                ? try Row.fetchAll(
                    db, sql: "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'item' AND sql IS NOT NULL")
                : []
            for index in indexes { try db.execute(sql: "DROP INDEX \(index["name"] as String)") }
            try db.execute(
                sql: """
                    INSERT INTO item (source, \(columns), crawl_id)
                    SELECT ?, \(columns), crawl_id FROM staging.crawl_item WHERE crawl_id = ? ORDER BY id
                    """,
                arguments: [source, crawlID])
            for index in indexes { try db.execute(sql: index["sql"] as String) }
            for (index, indexed) in Self.ftsIndexes {
                if catalogWasEmpty {
                    try db.execute(sql: "INSERT INTO \(index)(\(index)) VALUES ('rebuild')")
                } else {
                    try db.execute(
                        sql: "INSERT INTO \(index) (rowid, \(indexed)) SELECT seq, \(indexed) FROM item WHERE source = ?", arguments: [source])
                }
            }
            result.added = staged
        } else {
            // Incremental path: touch only rows that differ, and log every change.
            let differs = """
                (c.digest IS NOT i.digest OR c.path IS NOT i.path OR c.parent_id IS NOT i.parent_id
                 OR c.project_id IS NOT i.project_id OR c.text IS NOT i.text OR c.name IS NOT i.name
                 OR c.folders IS NOT i.folders OR c.metadata IS NOT i.metadata)
                """
            // Which rows vanish: a full crawl removes what it did not see; a delta or a scan
            // removes only what it was told is gone.
            let vanished =
                !mode.deletesOnlyNamed
                ? "NOT EXISTS (SELECT 1 FROM staging.crawl_item c WHERE c.crawl_id = \(crawlID) AND c.id = i.id)"
                : "i.id IN (SELECT id FROM staging.crawl_deleted)"
            // 0. The change log, and the outgoing versions of changed and vanished rows.
            // A replacement (another API) logs no row per item: the crawl counts say it.
            if mode != .replace {
                try db.execute(
                    sql: """
                        INSERT INTO item_change (crawl_id, source, id, change, kind, name, old_path, new_path, old_digest, new_digest, fields)
                        SELECT ?, ?, c.id, 'added', c.kind, c.name, NULL, c.path, NULL, c.digest, NULL FROM staging.crawl_item c
                        WHERE c.crawl_id = ? AND NOT EXISTS (SELECT 1 FROM item i WHERE i.source = ? AND i.id = c.id)
                        """,
                    arguments: [crawlID, source, crawlID, source])
                try db.execute(
                    sql: """
                        -- fields: the record's top-level keys that changed, and `folders` or `metadata`
                        -- when what the catalog resolved from it changed (a Dash folder or option
                        -- renamed changes the names an unchanged record points at).
                        INSERT INTO item_change (crawl_id, source, id, change, kind, name, old_path, new_path, old_digest, new_digest, fields)
                        SELECT ?, ?, c.id,
                          CASE WHEN c.parent_id IS NOT i.parent_id OR (c.path IS NOT i.path AND c.name IS i.name) THEN 'moved' ELSE 'modified' END,
                          c.kind, c.name, i.path, c.path, i.digest, c.digest,
                          (SELECT group_concat(key, ',') FROM (
                            SELECT n.key AS key FROM json_each(c.record) n
                              WHERE NOT EXISTS (SELECT 1 FROM json_each(i.record) o WHERE o.key = n.key AND o.type = n.type AND o.value IS n.value)
                            UNION
                            SELECT o.key FROM json_each(i.record) o WHERE NOT EXISTS (SELECT 1 FROM json_each(c.record) n WHERE n.key = o.key)
                            UNION
                            SELECT 'folders' WHERE c.folders IS NOT i.folders
                            UNION
                            SELECT 'metadata' WHERE c.metadata IS NOT i.metadata
                            ORDER BY 1))
                        FROM staging.crawl_item c JOIN item i ON i.source = ? AND i.id = c.id
                        WHERE c.crawl_id = ? AND \(differs)
                        """,
                    arguments: [crawlID, source, source, crawlID])
                try db.execute(
                    sql: """
                        INSERT INTO item_change (crawl_id, source, id, change, kind, name, old_path, new_path, old_digest, new_digest, fields)
                        SELECT ?, ?, i.id, 'deleted', i.kind, i.name, i.path, NULL, i.digest, NULL, NULL FROM item i
                        WHERE i.source = ? AND \(vanished)
                        """,
                    arguments: [crawlID, source, source])
                try db.execute(
                    sql: """
                        INSERT OR IGNORE INTO item_version (digest, record)
                        SELECT i.digest, i.record FROM item_change ch JOIN item i ON i.source = ch.source AND i.id = ch.id
                        WHERE ch.crawl_id = ? AND ch.change IN ('modified', 'moved', 'deleted') AND ch.old_digest IS NOT ch.new_digest
                        """,
                    arguments: [crawlID])
            }
            // 1. Take changed and vanished rows out of the full-text indexes (old values needed).
            for (index, indexed) in Self.ftsIndexes {
                let old = indexed.split(separator: ",").map { "i." + $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ", ")
                try db.execute(
                    sql: """
                        INSERT INTO \(index) (\(index), rowid, \(indexed))
                        SELECT 'delete', i.seq, \(old) FROM item i
                        LEFT JOIN staging.crawl_item c ON c.crawl_id = ? AND c.id = i.id
                        WHERE i.source = ? AND ((c.id IS NULL AND \(vanished)) OR (c.id IS NOT NULL AND \(differs)))
                        """,
                    arguments: [crawlID, source])
            }
            // 2. Delete vanished rows.
            try db.execute(sql: "DELETE FROM item AS i WHERE i.source = ? AND \(vanished)", arguments: [source])
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
            result.moved =
                try Int.fetchOne(db, sql: "SELECT count(*) FROM item_change WHERE crawl_id = ? AND change = 'moved'", arguments: [crawlID]) ?? 0
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
            for (index, indexed) in Self.ftsIndexes {
                try db.execute(
                    sql: "INSERT INTO \(index) (rowid, \(indexed)) SELECT seq, \(indexed) FROM item WHERE source = ? AND crawl_id = ?",
                    arguments: [source, crawlID])
            }
            // A delta reads only what changed: everything else it kept is unchanged.
            result.unchanged =
                mode == .delta
                ? (try Int.fetchOne(db, sql: "SELECT count(*) FROM item WHERE source = ?", arguments: [source]) ?? 0) - result.added - result.changed
                : staged - result.added - result.changed
        }
        return result
    }
}

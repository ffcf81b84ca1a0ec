import CatalogCore
import Foundation
import GRDB

/// The drives scanned on a laptop into a pulled catalog (`crawl local`: the DIT's cards on
/// set), carried across the next pull: set aside before the host's catalog comes in, put back
/// after it, under crawl ids after the host's. Only volumes the host does not hold can be
/// carried (a scan of one it holds would be undone by its next crawl): a scan of such a volume
/// here makes the pull refuse until `--replace`.
extension CatalogDatabase {
    /// The rows of the scans made here since the last pull, as they were.
    public struct OwnScans: Sendable {
        /// `crawl` rows (every column), by their old id.
        var crawls: [[DatabaseValue]] = []
        var crawlColumns: [String] = []
        /// `item` rows of the volumes scanned here (every column but `seq`).
        var items: [[DatabaseValue]] = []
        var itemColumns: [String] = []
        /// `item_change` rows of those crawls.
        var changes: [[DatabaseValue]] = []
        var changeColumns: [String] = []

        /// Whether there is anything to carry.
        public var isEmpty: Bool { crawls.isEmpty }
        /// How many scans.
        public var count: Int { crawls.count }
    }

    /// Scans made here touched volumes the host holds: they cannot be carried.
    public struct ScansOfHostVolumes: Error, Sendable {
        public var count: Int
    }

    /// The scans made here since the last pull (none for a catalog that was not pulled).
    public func ownScans() throws -> OwnScans {
        try writer.read { db in try Self.ownScans(db) }
    }

    static func ownScans(_ db: Database) throws -> OwnScans {
        var scans = OwnScans()
        guard try db.tableExists("pull_origin"),
            let last = try Int64.fetchOne(db, sql: "SELECT last_crawl FROM pull_origin WHERE id = 1")
        else { return scans }
        func columns(_ table: String) throws -> [String] {
            try String.fetchAll(db, sql: "SELECT name FROM pragma_table_info(?) ORDER BY cid", arguments: [table])
        }
        scans.crawlColumns = try columns("crawl")
        scans.crawls = try Row.fetchAll(db, sql: "SELECT * FROM crawl WHERE id > ? ORDER BY id", arguments: [last]).map { Array($0.databaseValues) }
        guard !scans.crawls.isEmpty else { return scans }
        // The volumes these scans wrote; each must be wholly this machine's.
        let volumes = try String.fetchAll(
            db, sql: "SELECT DISTINCT project_id FROM item WHERE source = 'local' AND crawl_id > ? AND project_id IS NOT NULL", arguments: [last])
        let shared =
            try Int.fetchOne(
                db,
                sql: """
                    SELECT count(*) FROM crawl WHERE id > ? AND (source != 'local' OR EXISTS (SELECT 1 FROM item WHERE item.crawl_id > ?
                    AND item.source = 'local' AND EXISTS (SELECT 1 FROM item h WHERE h.source = 'local' AND h.project_id = item.project_id
                    AND h.crawl_id <= ?)))
                    """, arguments: [last, last, last]) ?? 0
        let deletedHosts =
            try Int.fetchOne(
                db,
                sql: """
                    SELECT count(*) FROM item_change ch WHERE ch.crawl_id > ? AND ch.change = 'deleted' AND ch.source = 'local'
                    AND NOT EXISTS (SELECT 1 FROM item i WHERE i.source = 'local' AND i.crawl_id > ?
                        AND substr(ch.id, 1, length(i.project_id) + 1) = i.project_id || '/')
                    """, arguments: [last, last]) ?? 0
        guard shared == 0, deletedHosts == 0 else { throw ScansOfHostVolumes(count: scans.crawls.count) }
        scans.itemColumns = try columns("item").filter { $0 != "seq" }
        let selected = scans.itemColumns.map { "\"\($0)\"" }.joined(separator: ", ")
        for volume in volumes {
            scans.items += try Row.fetchAll(
                db, sql: "SELECT \(selected) FROM item WHERE source = 'local' AND project_id = ? ORDER BY seq", arguments: [volume]
            ).map { Array($0.databaseValues) }
        }
        scans.changeColumns = try columns("item_change")
        scans.changes = try Row.fetchAll(db, sql: "SELECT * FROM item_change WHERE crawl_id > ? ORDER BY rowid", arguments: [last]).map {
            Array($0.databaseValues)
        }
        return scans
    }

    /// Takes `scans` out of the catalog (their items with their full-text entries, crawls and
    /// log rows): what is left is the host's catalog as last pulled.
    static func setAside(_ scans: OwnScans, db: Database) throws {
        guard !scans.isEmpty, let idColumn = scans.crawlColumns.firstIndex(of: "id"),
            let sourceColumn = scans.itemColumns.firstIndex(of: "source"), let itemID = scans.itemColumns.firstIndex(of: "id")
        else { return }
        for item in scans.items {
            try deleteRow(of: "item", key: [item[sourceColumn], item[itemID]], db: db)
        }
        for crawl in scans.crawls {
            try db.execute(sql: "DELETE FROM item_change WHERE crawl_id = ?", arguments: [crawl[idColumn]])
            try db.execute(sql: "DELETE FROM crawl WHERE id = ?", arguments: [crawl[idColumn]])
        }
    }

    /// Puts `scans` back after the host's catalog came in (and its origin, whose `last_crawl`
    /// is the host's last crawl, was written): their crawls numbered after it, their items
    /// with new row numbers and full-text entries.
    static func restore(_ scans: OwnScans, db: Database) throws {
        guard !scans.isEmpty, let idColumn = scans.crawlColumns.firstIndex(of: "id"),
            let itemCrawl = scans.itemColumns.firstIndex(of: "crawl_id"), let changeCrawl = scans.changeColumns.firstIndex(of: "crawl_id")
        else { return }
        var next = (try Int64.fetchOne(db, sql: "SELECT coalesce(max(id), 0) FROM crawl") ?? 0) + 1
        var renumbered: [DatabaseValue: DatabaseValue] = [:]
        let crawlInsert = try db.makeStatement(
            sql: "INSERT INTO crawl (\(quoted(scans.crawlColumns))) VALUES (\(scans.crawlColumns.map { _ in "?" }.joined(separator: ", ")))")
        for var crawl in scans.crawls {
            renumbered[crawl[idColumn]] = next.databaseValue
            crawl[idColumn] = next.databaseValue
            try crawlInsert.execute(arguments: StatementArguments(crawl))
            next += 1
        }
        let itemInsert = try db.makeStatement(
            sql: "INSERT INTO item (\(quoted(scans.itemColumns))) VALUES (\(scans.itemColumns.map { _ in "?" }.joined(separator: ", ")))")
        // A volume the host's catalog holds now (it scanned the same drive) is the host's: the
        // scan made here of it is not put back.
        let volume = scans.itemColumns.firstIndex(of: "project_id")
        var hostHolds: [DatabaseValue: Bool] = [:]
        for var item in scans.items {
            if let volume {
                let id = item[volume]
                if hostHolds[id] == nil {
                    hostHolds[id] =
                        try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM item WHERE source = 'local' AND project_id = ?)", arguments: [id])
                        ?? false
                }
                if hostHolds[id] == true { continue }
            }
            if let mapped = renumbered[item[itemCrawl]] { item[itemCrawl] = mapped }
            try itemInsert.execute(arguments: StatementArguments(item))
            try indexItem(seq: db.lastInsertedRowID.databaseValue, db: db, insert: true)
        }
        let changeInsert = try db.makeStatement(
            sql: "INSERT INTO item_change (\(quoted(scans.changeColumns))) VALUES (\(scans.changeColumns.map { _ in "?" }.joined(separator: ", ")))")
        let changeID = scans.changeColumns.firstIndex(of: "id")
        let dropped = hostHolds.filter(\.value).compactMap { String.fromDatabaseValue($0.key) }
        for var change in scans.changes {
            if let changeID, let id = String.fromDatabaseValue(change[changeID]), dropped.contains(where: { id.hasPrefix($0 + "/") || id == $0 }) {
                continue
            }
            if let mapped = renumbered[change[changeCrawl]] { change[changeCrawl] = mapped }
            try changeInsert.execute(arguments: StatementArguments(change))
        }
    }

    private static func quoted(_ columns: [String]) -> String { columns.map { "\"\($0)\"" }.joined(separator: ", ") }

    /// Puts `scans` into the snapshot at `path` (a checked snapshot whose origin is recorded).
    public static func restore(_ scans: OwnScans, inSnapshotAt path: String) throws(StoreError) {
        guard !scans.isEmpty else { return }
        do {
            let queue = try DatabaseQueue(path: path)
            try queue.write { db in try restore(scans, db: db) }
            try queue.close()
        } catch {
            throw map(error, path: path)
        }
    }
}

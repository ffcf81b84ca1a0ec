import CatalogCore
import Foundation
import GRDB

/// A pulled catalog brought up to date with only what changed on the host (`catalog pull`
/// after the first): the rows the host's crawls wrote since the laptop's generation, read from
/// the host's own logs (each item's `crawl_id`, `item_change`, each comment's `pass_id`,
/// `comment_change`), written as NDJSON, replayed on the laptop in one transaction and checked
/// against the host's digest of the whole catalog before it commits. What the logs cannot
/// tell (a replacement crawl, a different schema, more than a quarter of the items changed)
/// is answered with "take the snapshot" instead.
///
/// The file: a header line `{"sync":1,"generation":…,"digest":…,"schema":…}`, then for each
/// table a line `{"table":T,"columns":[…]}` followed by its rows as JSON arrays, a line
/// `{"delete":T,"keys":[[…],…]}` for rows to remove, and a last line `{"end":ROWS}`.
extension CatalogDatabase {
    /// Where a generation (``generation()``) stands in the host's logs.
    public struct SyncPoint: Sendable, Equatable {
        /// The last crawl's id, and the latest time a crawl finished.
        public var crawl: Int64
        public var crawlFinished: String
        /// The last comments pass's id, and the latest time one finished.
        public var pass: Int64
        public var passFinished: String

        /// Reads `maxID.count.finished/maxID.count.finished`; nil for anything else.
        public init?(generation: String) {
            let halves = generation.split(separator: "/", omittingEmptySubsequences: false)
            guard halves.count == 2 else { return nil }
            func parts(_ text: Substring) -> (Int64, String)? {
                let fields = text.split(separator: ".", maxSplits: 2, omittingEmptySubsequences: false)
                guard fields.count == 3, let id = Int64(fields[0]), id >= 0, Int(fields[1]) != nil,
                    fields[2].isEmpty || Timestamp.parse(String(fields[2])) != nil
                else { return nil }
                return (id, String(fields[2]))
            }
            guard let crawls = parts(halves[0]), let passes = parts(halves[1]) else { return nil }
            (crawl, crawlFinished) = crawls
            (pass, passFinished) = passes
        }
    }

    /// Why the host sends its snapshot instead of what changed.
    public struct SnapshotNeeded: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// The last migration this catalog has: host and laptop sync only at the same schema.
    public func schemaIdentifier() throws(StoreError) -> String {
        try read { db in try String.fetchOne(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY rowid DESC LIMIT 1") ?? "" }
    }

    /// The tables a pull makes equal to the host's, and the digest covers. (The full-text
    /// indexes follow their tables; pictures stay on the host, and so does `thumbnail`.)
    static let syncedTables = [
        "crawl", "item", "item_change", "item_version", "field", "field_option", "person", "comment", "comment_pass", "comment_file",
        "comment_change",
    ]

    /// Writes what changed since `generation` to `path` (NDJSON, see the type), from one read
    /// transaction, so it is one committed state; returns the generation and digest it is of.
    /// Throws ``SnapshotNeeded`` when only the snapshot will do.
    public func writeSync(since generation: String, schema: String, to path: String) throws -> (generation: String, digest: String) {
        guard let since = SyncPoint(generation: generation) else {
            throw SnapshotNeeded(description: "the generation '\(generation)' is not one of this host's")
        }
        guard FileManager.default.createFile(atPath: path, contents: nil), let file = FileHandle(forWritingAtPath: path) else {
            throw StoreError.cannotOpen(path: path, reason: "cannot write the changes")
        }
        defer { try? file.close() }
        return try writer.read { db -> (generation: String, digest: String) in
            let current = try Self.generation(db)
            let ours = try String.fetchOne(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY rowid DESC LIMIT 1") ?? ""
            guard ours == schema else { throw SnapshotNeeded(description: "the host's catalog is at schema \(ours), this one at \(schema)") }
            let last = try Int64.fetchOne(db, sql: "SELECT coalesce(max(id), 0) FROM crawl") ?? 0
            let lastPass = try Int64.fetchOne(db, sql: "SELECT coalesce(max(id), 0) FROM comment_pass") ?? 0
            guard since.crawl <= last, since.pass <= lastPass else {
                throw SnapshotNeeded(description: "this catalog is newer than the host's (was the host's catalog replaced?)")
            }
            if try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM crawl WHERE id > ? AND mode = 'replace')", arguments: [since.crawl]) == true {
                throw SnapshotNeeded(description: "a crawl replaced a source since the last pull")
            }
            let items = try Int.fetchOne(db, sql: "SELECT count(*) FROM item") ?? 0
            let changed = try Int.fetchOne(db, sql: "SELECT count(*) FROM item WHERE crawl_id > ?", arguments: [since.crawl]) ?? 0
            guard changed <= max(1000, items / 4) else {
                throw SnapshotNeeded(description: "\(changed) of \(items) items changed since the last pull: the snapshot is as quick")
            }
            var out = SyncWriter(file: file)
            let digest = try Self.catalogDigest(db)
            out.line(.object([("sync", .number("1")), ("generation", .string(current)), ("digest", .string(digest)), ("schema", .string(ours))]))
            let x = since.crawl
            let p = since.pass
            try out.table(
                db, "crawl", where: "id > ? OR status = 'running' OR coalesce(finished_at, '') >= ?", [x, since.crawlFinished])
            // Volumes are stamped after their scan commits (markScanned), without a new crawl_id.
            try out.table(db, "item", where: "crawl_id > ? OR kind = 'volume'", [x])
            try out.deletions(
                db, "item", keys: ["source", "id"],
                sql: """
                    SELECT DISTINCT ch.source, ch.id FROM item_change ch WHERE ch.crawl_id > ? AND ch.change = 'deleted'
                    AND NOT EXISTS (SELECT 1 FROM item i WHERE i.source = ch.source AND i.id = ch.id)
                    """, [x])
            try out.table(db, "item_change", where: "crawl_id > ?", [x])
            try out.table(db, "item_version", where: "digest IN (SELECT old_digest FROM item_change WHERE crawl_id > ?)", [x])
            for table in ["field", "field_option", "person"] { try out.table(db, table, where: "1", []) }
            try out.table(db, "comment", where: "pass_id > ?", [p])
            try out.deletions(
                db, "comment", keys: ["source", "id"],
                sql: """
                    SELECT DISTINCT ch.source, ch.comment_id FROM comment_change ch WHERE ch.pass_id > ? AND ch.change = 'deleted'
                    AND NOT EXISTS (SELECT 1 FROM comment c WHERE c.source = ch.source AND c.id = ch.comment_id)
                    """, [p])
            try out.table(
                db, "comment_pass", where: "id > ? OR status = 'running' OR coalesce(finished_at, '') >= ?", [p, since.passFinished])
            try out.table(db, "comment_file", where: "pass_id > ?", [p])
            try out.table(db, "comment_change", where: "pass_id > ?", [p])
            out.line(.object([("end", .number("\(out.rows)"))]))
            try out.flush()
            return (current, digest)
        }
    }

    /// Replays a sync file written by ``writeSync(since:schema:to:)`` in one transaction: rows
    /// replaced by their keys (and their full-text entries with them), deletions applied, the
    /// host's logs appended; then the whole catalog's digest must be the host's, or nothing is
    /// kept. Returns the generation the catalog is now at and the rows applied.
    public func applySync(from path: String, origin: PullOrigin) throws -> (generation: String, digest: String, rows: Int) {
        let lock = self.path == ":memory:" ? nil : try CrawlLock(databasePath: self.path)
        defer { lock?.release() }
        guard let handle = FileHandle(forReadingAtPath: path) else { throw StoreError.cannotOpen(path: path, reason: "no such file") }
        defer { try? handle.close() }
        var reader = LineReader(handle: handle)
        guard let first = try reader.next(), let header = try? JSONParser.parse(first), header["sync"]?.int64Value == 1,
            let generation = header["generation"]?.stringValue, let digest = header["digest"]?.stringValue,
            SyncPoint(generation: generation) != nil
        else { throw SyncDamaged(reason: "it does not start with a sync header") }
        do {
            return try replay(&reader, generation: generation, digest: digest, origin: origin)
        } catch let damaged as SyncDamaged {
            throw damaged
        } catch let error as DatabaseError where [.SQLITE_BUSY, .SQLITE_LOCKED].contains(error.resultCode) {
            throw Self.map(error, path: self.path)
        } catch let error as DatabaseError {
            // A row that would not go in (a constraint, a column this catalog lacks): nothing was kept.
            throw SyncDamaged(reason: error.message ?? "\(error.resultCode)")
        }
    }

    private func replay(_ reader: inout LineReader, generation: String, digest: String, origin: PullOrigin) throws -> (
        generation: String, digest: String, rows: Int
    ) {
        var lines = reader
        defer { reader = lines }
        return try writer.write { db -> (generation: String, digest: String, rows: Int) in
            // Drives scanned here since the last pull are set aside: what is left is the host's
            // catalog as last pulled, which the changes are from.
            let own = try Self.ownScans(db)
            try Self.setAside(own, db: db)
            var table = ""
            var columns: [String] = []
            var insert: Statement?
            var rows = 0
            var ended = false
            let point = try Self.syncPoint(db)
            while let line = try lines.next() {
                guard let value = try? JSONParser.parse(line) else { throw SyncDamaged(reason: "a line is not JSON") }
                if let name = value["table"]?.stringValue {
                    guard Self.syncedTables.contains(name), let names = value["columns"]?.arrayValue?.compactMap(\.stringValue) else {
                        throw SyncDamaged(reason: "unknown table \(value["table"]?.stringValue ?? "?")")
                    }
                    table = name
                    columns = names
                    try Self.prepareReplay(of: name, from: point, db: db)
                    let quoted = names.map { "\"\($0)\"" }.joined(separator: ", ")
                    insert = try db.makeStatement(
                        sql: "INSERT OR REPLACE INTO \(name) (\(quoted)) VALUES (\(names.map { _ in "?" }.joined(separator: ", ")))")
                } else if let name = value["delete"]?.stringValue, let keys = value["keys"]?.arrayValue {
                    for key in keys {
                        let parts = try (key.arrayValue ?? []).map(Self.databaseValue)
                        try Self.deleteRow(of: name, key: parts, db: db)
                        rows += 1
                    }
                } else if let values = value.arrayValue {
                    guard let insert, values.count == columns.count else { throw SyncDamaged(reason: "a row of \(table) has the wrong columns") }
                    let row = try values.map(Self.databaseValue)
                    try Self.replaceRow(of: table, columns: columns, values: row, insert: insert, db: db)
                    rows += 1
                } else if value["end"] != nil {
                    guard value["end"]?.int64Value == Int64(rows) else { throw SyncDamaged(reason: "rows are missing") }
                    ended = true
                }
            }
            guard ended else { throw SyncDamaged(reason: "it ends early") }
            // Comments' ledger rows of files the catalog no longer holds go when a pass
            // completes, as on the host; pictures stay on the host.
            if try Bool.fetchOne(
                db, sql: "SELECT EXISTS (SELECT 1 FROM comment_pass WHERE id > ? AND status = 'complete')", arguments: [point.pass]) == true
            {
                try db.execute(
                    sql: """
                        DELETE FROM comment_file WHERE NOT EXISTS (SELECT 1 FROM item WHERE item.source = comment_file.source
                        AND item.id = comment_file.file_id)
                        """)
            }
            try db.execute(sql: "DELETE FROM thumbnail")
            let ours = try Self.catalogDigest(db)
            guard ours == digest else { throw SyncDamaged(reason: "after the changes the catalog's digest is \(ours), the host's \(digest)") }
            // Where the catalog now stands, in the same transaction: a pull cut after the
            // changes never leaves the old generation recorded with the new rows.
            var now = origin
            now.snapshot = digest
            now.generation = generation
            try Self.writeOrigin(now, db: db)
            try Self.restore(own, db: db)
            return (generation, digest, rows)
        }
    }

    /// A sync file that cannot be replayed as it is: nothing of it is kept.
    public struct SyncDamaged: Error, Sendable, CustomStringConvertible {
        public var reason: String
        public var description: String { "the changes from the host cannot be applied (\(reason))" }
    }

    static func syncPoint(_ db: Database) throws -> SyncPoint {
        guard let point = SyncPoint(generation: try generation(db)) else { throw SyncDamaged(reason: "this catalog's generation is unreadable") }
        return point
    }

    /// Before a table's rows: the host's log rows after the laptop's point replace its own.
    static func prepareReplay(of table: String, from point: SyncPoint, db: Database) throws {
        switch table {
        case "item_change": try db.execute(sql: "DELETE FROM item_change WHERE crawl_id > ?", arguments: [point.crawl])
        case "comment_change": try db.execute(sql: "DELETE FROM comment_change WHERE pass_id > ?", arguments: [point.pass])
        case "field", "field_option", "person": try db.execute(sql: "DELETE FROM \(table)")
        default: break
        }
    }

    /// One row in: an item's old row and its full-text entries out first (a row keyed by its
    /// `(source, id)` may have had another `seq`), then the row and its entries.
    static func replaceRow(of table: String, columns: [String], values: [DatabaseValue], insert: Statement, db: Database) throws {
        if table == "item" || table == "comment" {
            guard let source = columns.firstIndex(of: "source"), let id = columns.firstIndex(of: "id") else {
                throw SyncDamaged(reason: "\(table) rows without source and id")
            }
            try deleteRow(of: table, key: [values[source], values[id]], db: db)
            if let seq = columns.firstIndex(of: "seq") { try deleteRow(of: table, seq: values[seq], db: db) }
        }
        try insert.execute(arguments: StatementArguments(values))
        if table == "item", let seq = columns.firstIndex(of: "seq") { try indexItem(seq: values[seq], db: db, insert: true) }
    }

    /// Removes a row by its key (`source, id` for items and comments, the primary key else),
    /// with an item's full-text entries.
    static func deleteRow(of table: String, key: [DatabaseValue], db: Database) throws {
        switch table {
        case "item":
            guard
                let seq = try DatabaseValue.fetchOne(db, sql: "SELECT seq FROM item WHERE source = ? AND id = ?", arguments: StatementArguments(key))
            else { return }
            try deleteRow(of: table, seq: seq, db: db)
        case "comment":
            try db.execute(sql: "DELETE FROM comment WHERE source = ? AND id = ?", arguments: StatementArguments(key))
        default:
            throw SyncDamaged(reason: "rows of \(table) are never deleted by key")
        }
    }

    static func deleteRow(of table: String, seq: DatabaseValue, db: Database) throws {
        if table == "item" {
            guard try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM item WHERE seq = ?)", arguments: [seq]) == true else { return }
            try indexItem(seq: seq, db: db, insert: false)
            try db.execute(sql: "DELETE FROM item WHERE seq = ?", arguments: [seq])
        } else {
            try db.execute(sql: "DELETE FROM \(table) WHERE seq = ?", arguments: [seq])
        }
    }

    /// Adds (or removes) the full-text entries of the item row `seq`, as the store's merge does.
    static func indexItem(seq: DatabaseValue, db: Database, insert: Bool) throws {
        for (index, columns) in ftsIndexes {
            let command = insert ? "" : "'delete', "
            let target = insert ? "\(index)(rowid, \(columns))" : "\(index)(\(index), rowid, \(columns))"
            try db.execute(sql: "INSERT INTO \(target) SELECT \(command)seq, \(columns) FROM item WHERE seq = ?", arguments: [seq])
        }
    }

    /// A JSON value of a sync file as the database value it was written from.
    static func databaseValue(_ value: JSONValue) throws -> DatabaseValue {
        switch value {
        case .null: return .null
        case .string(let text): return text.databaseValue
        case .number(let text):
            if let integer = Int64(text) { return integer.databaseValue }
            guard let real = Double(text) else { throw SyncDamaged(reason: "the number \(text)") }
            return real.databaseValue
        case .object:
            guard let base64 = value["b64"]?.stringValue, let data = Data(base64Encoded: base64) else { throw SyncDamaged(reason: "a value") }
            return data.databaseValue
        default:
            throw SyncDamaged(reason: "a value of type \(value.typeName)")
        }
    }

    static func jsonValue(_ value: DatabaseValue) -> JSONValue {
        switch value.storage {
        case .null: .null
        case .int64(let integer): .number(String(integer))
        case .double(let real): .number(real.isFinite ? "\(real)" : "null")
        case .string(let text): .string(text)
        case .blob(let data): .object([("b64", .string(data.base64EncodedString()))])
        }
    }

    /// XXH3-128 over every row of the synced tables, in key order, each value with its type:
    /// equal on host and laptop only when they hold the same rows.
    static func catalogDigest(_ db: Database) throws -> String {
        let hasher = XXH3Hasher(.bits128)
        for table in syncedTables {
            let info = try Row.fetchAll(db, sql: "SELECT name, pk FROM pragma_table_info(?) ORDER BY cid", arguments: [table])
            let keys = info.filter { ($0["pk"] as Int? ?? 0) > 0 }.sorted { ($0["pk"] as Int? ?? 0) < ($1["pk"] as Int? ?? 0) }.map {
                $0["name"] as String? ?? ""
            }
            // A table without a declared key (item_change) is ordered by all its columns.
            let order = (keys.isEmpty ? info.map { $0["name"] as String? ?? "" } : keys).map { "\"\($0)\"" }.joined(separator: ", ")
            var bytes: [UInt8] = Array(table.utf8) + [0]
            let rows = try Row.fetchCursor(db, sql: "SELECT * FROM \(table) ORDER BY \(order)")
            while let row = try rows.next() {
                for value in row.databaseValues {
                    switch value.storage {
                    case .null: bytes.append(0)
                    case .int64(let integer):
                        bytes.append(1)
                        withUnsafeBytes(of: integer.littleEndian) { bytes += $0 }
                    case .double(let real):
                        bytes.append(2)
                        withUnsafeBytes(of: real.bitPattern.littleEndian) { bytes += $0 }
                    case .string(let text):
                        bytes.append(3)
                        withUnsafeBytes(of: Int64(text.utf8.count).littleEndian) { bytes += $0 }
                        bytes += text.utf8
                    case .blob(let data):
                        bytes.append(4)
                        withUnsafeBytes(of: Int64(data.count).littleEndian) { bytes += $0 }
                        bytes += data
                    }
                }
                if bytes.count > 1 << 16 {
                    bytes.withUnsafeBytes { hasher.update($0) }
                    bytes.removeAll(keepingCapacity: true)
                }
            }
            bytes.withUnsafeBytes { hasher.update($0) }
        }
        return "xxh3_128:" + hasher.finalize()
    }

    /// ``generation()`` inside a transaction already open: `X.crawls.lastFinished/P.passes.lastFinished`,
    /// where X is the last crawl that can no longer write (below the first one running) and P
    /// the last comments pass that can no longer write (below the first one running, or the
    /// full pass that will be resumed): a sync from this generation sends everything written
    /// by those after them, even what they wrote before the generation was taken.
    static func generation(_ db: Database) throws -> String {
        let crawls =
            try String.fetchOne(
                db,
                sql: """
                    SELECT coalesce((SELECT min(id) - 1 FROM crawl WHERE status = 'running'), max(id), 0) || '.' || count(*) || '.' ||
                        coalesce(max(finished_at), '') FROM crawl
                    """) ?? ""
        let passes =
            try String.fetchOne(
                db,
                sql: """
                    SELECT coalesce(
                        (SELECT min(p.id) - 1 FROM comment_pass p WHERE p.status = 'running' OR (p.mode = 'full' AND p.status != 'complete'
                            AND p.id = (SELECT max(q.id) FROM comment_pass q WHERE q.source = p.source))),
                        max(id), 0) || '.' || count(*) || '.' || coalesce(max(finished_at), '') FROM comment_pass
                    """) ?? ""
        return crawls + "/" + passes
    }
}

/// Writes a sync file's lines, buffered.
struct SyncWriter {
    let file: FileHandle
    var buffer: [UInt8] = []
    var rows = 0

    init(file: FileHandle) { self.file = file }

    mutating func line(_ value: JSONValue) {
        buffer += Array(JSONWriter.string(value, canonical: false).utf8)
        buffer.append(0x0A)
    }

    /// A table's heading and the rows `where` selects, every column.
    mutating func table(_ db: Database, _ table: String, where condition: String, _ arguments: [any DatabaseValueConvertible]) throws {
        let columns = try String.fetchAll(db, sql: "SELECT name FROM pragma_table_info(?) ORDER BY cid", arguments: [table])
        line(.object([("table", .string(table)), ("columns", .array(columns.map { .string($0) }))]))
        let cursor = try Row.fetchCursor(db, sql: "SELECT * FROM \(table) WHERE \(condition)", arguments: StatementArguments(arguments))
        while let row = try cursor.next() {
            line(.array(row.databaseValues.map(CatalogDatabase.jsonValue)))
            rows += 1
            if buffer.count > 1 << 20 { try flush() }
        }
    }

    /// The keys of rows to remove from `table`.
    mutating func deletions(_ db: Database, _ table: String, keys: [String], sql: String, _ arguments: [any DatabaseValueConvertible]) throws {
        let found = try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments))
        guard !found.isEmpty else { return }
        line(.object([("delete", .string(table)), ("keys", .array(found.map { .array($0.databaseValues.map(CatalogDatabase.jsonValue)) }))]))
        rows += found.count
    }

    mutating func flush() throws {
        try file.write(contentsOf: Data(buffer))
        buffer.removeAll(keepingCapacity: true)
    }
}

/// Lines of a file, read in 1 MiB chunks; a line longer than ``maxLine`` is refused (a file
/// that is one endless line must not fill the memory).
struct LineReader {
    let handle: FileHandle
    var buffer: [UInt8] = []
    var start = 0
    /// Where the search for the next newline goes on (what before it was searched already).
    var searched = 0
    var atEnd = false

    static let maxLine = 64 << 20

    init(handle: FileHandle) { self.handle = handle }

    mutating func next() throws -> String? {
        while true {
            if let newline = buffer[max(start, searched)...].firstIndex(of: 0x0A) {
                defer {
                    start = newline + 1
                    searched = start
                }
                return String(decoding: buffer[start..<newline], as: UTF8.self)
            }
            searched = buffer.count
            if atEnd {
                guard start < buffer.count else { return nil }
                defer { start = buffer.count }
                return String(decoding: buffer[start...], as: UTF8.self)
            }
            guard buffer.count - start <= Self.maxLine else {
                throw CatalogDatabase.SyncDamaged(reason: "a line longer than \(Self.maxLine >> 20) MiB")
            }
            buffer.removeFirst(start)
            searched -= start
            start = 0
            if let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { buffer += chunk } else { atEnd = true }
        }
    }
}

import CatalogCore
import Foundation
import GRDB

/// The thumbnails of a catalog's files, kept beside it for offline viewing: each picture a
/// content-addressed file (`ab/abcdef….jpg`, XXH3-128 of its bytes, so copies are stored once) in
/// a directory next to the catalog, and in the catalog's `thumbnail` table which item each
/// picture shows and for which of its records it was fetched.
///
/// The cache holds at most ``capacity`` bytes: ``evict()`` removes the pictures fetched longest
/// ago, and those of items no longer catalogued.
public final class ThumbnailCache: Sendable {
    /// The directory holding the pictures.
    public let directory: String
    /// The most bytes of pictures kept.
    public let capacity: Int64
    let database: CatalogDatabase

    /// 1 GB: about 100 000 thumbnails of 10 KB.
    public static let defaultCapacity: Int64 = 1_000_000_000
    /// The largest picture kept: a thumbnail bigger than this is not one.
    public static let maxPictureBytes = 2_000_000

    /// The cache of the catalog at `catalogPath`: `<catalog>.thumbnails/`.
    public static func directory(forCatalog catalogPath: String) -> String { catalogPath + ".thumbnails" }

    /// A cache for `database` in `directory` (by default beside the catalog file).
    public init(database: CatalogDatabase, directory: String? = nil, capacity: Int64 = defaultCapacity) {
        self.database = database
        self.directory = directory ?? Self.directory(forCatalog: database.path)
        self.capacity = max(0, capacity)
    }

    /// The items among `items` that have a thumbnail address and no picture fetched for their
    /// current record (new, changed, or never fetched).
    public func wanted(_ items: [CatalogItem]) throws(StoreError) -> [CatalogItem] {
        let candidates = items.filter { $0.thumbnailURL != nil }
        guard !candidates.isEmpty, let source = candidates.first?.source else { return [] }
        let ids = candidates.map(\.id)
        let current = try database.read { db in
            Dictionary(try Self.rows(source: source, ids: ids, in: db).map { ($0["id"] as String, $0["digest"] as String) }) { a, _ in a }
        }
        return candidates.filter { current[$0.id] != $0.digest }
    }

    /// The pictures kept: file extension and media type.
    static let pictureTypes = [("jpg", "image/jpeg"), ("png", "image/png"), ("webp", "image/webp"), ("gif", "image/gif")]

    /// The file extension for a picture's media type, or nil when it is not a picture kept.
    public static func fileExtension(forType type: String) -> String? {
        let essence = type.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        return pictureTypes.first { $0.1 == essence }?.0
    }

    /// The media type of a cached file's name (`….jpg` → `image/jpeg`).
    public static func mediaType(ofFile name: String) -> String? {
        let ext = name.split(separator: ".").last.map(String.init) ?? ""
        return pictureTypes.first { $0.0 == ext }?.1
    }

    /// Keeps `bytes`, a picture with file extension `ext`, as `item`'s thumbnail. Throws
    /// ``StoreError`` when it cannot be written.
    public func store(_ bytes: [UInt8], ext: String, for item: CatalogItem) async throws(StoreError) {
        try await record([(item, try write(bytes, ext: ext), bytes.count)])
    }

    /// Writes `bytes`, a picture with file extension `ext`, into the cache (once: its name is its
    /// content) and returns its file name; ``record(_:)`` then says which items it shows.
    public func write(_ bytes: [UInt8], ext: String) throws(StoreError) -> String {
        let name = Digest.xxh3_128(bytes).hex + "." + ext
        let path = try filePath(name, creatingDirectory: true)
        guard !FileManager.default.fileExists(atPath: path) else { return name }
        // Written whole under a temporary name, then renamed: a reader never sees half a picture.
        let temporary = path + ".\(UUID().uuidString).part"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(bytes), attributes: [.posixPermissions: 0o600]) else {
            throw .cannotOpen(path: temporary, reason: "cannot write a thumbnail there")
        }
        if rename(temporary, path) != 0 {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(atPath: temporary)
            throw .cannotOpen(path: path, reason: reason)
        }
        return name
    }

    /// Records which picture file (of `bytes` bytes) shows each item, for its current record:
    /// one transaction for a whole batch of a crawl.
    public func record(_ pictures: [(item: CatalogItem, file: String, bytes: Int)]) async throws(StoreError) {
        guard !pictures.isEmpty else { return }
        let now = Timestamp.format(Date())
        let rows = pictures.map { [$0.item.source.rawValue, $0.item.id, $0.item.digest, $0.file, String($0.bytes), now] }
        try await database.write { db in
            for row in rows {
                try db.execute(
                    sql: "INSERT OR REPLACE INTO thumbnail (source, id, digest, file, bytes, fetched_at) VALUES (?, ?, ?, ?, CAST(? AS INTEGER), ?)",
                    arguments: StatementArguments(row))
            }
        }
    }

    /// Forgets the pictures of items no longer catalogued, then removes the pictures fetched
    /// longest ago until the cache holds at most ``capacity`` bytes, and deletes the files no
    /// row names any more. Returns the files deleted.
    @discardableResult
    public func evict() async throws(StoreError) -> Int {
        let capacity = self.capacity
        try await database.write { db in
            try db.execute(
                sql: "DELETE FROM thumbnail WHERE NOT EXISTS (SELECT 1 FROM item WHERE item.source = thumbnail.source AND item.id = thumbnail.id)")
            var total =
                try Int64.fetchOne(db, sql: "SELECT coalesce(sum(bytes), 0) FROM (SELECT max(bytes) AS bytes FROM thumbnail GROUP BY file)") ?? 0
            var removed: [String] = []
            if total > capacity {
                let files = try Row.fetchCursor(
                    db, sql: "SELECT file, max(bytes) AS bytes FROM thumbnail GROUP BY file ORDER BY max(fetched_at), file")
                while total > capacity, let row = try files.next() {
                    removed.append(row["file"])
                    total -= row["bytes"] as Int64
                }
                for file in removed { try db.execute(sql: "DELETE FROM thumbnail WHERE file = ?", arguments: [file]) }
            }
        }
        // Files no row names any more: those removed above, and those of items since deleted.
        let kept = try database.read { db in Set(try String.fetchAll(db, sql: "SELECT DISTINCT file FROM thumbnail")) }
        var count = 0
        for file in try cachedFiles().subtracting(kept) {
            if let path = try? filePath(file, creatingDirectory: false), (try? FileManager.default.removeItem(atPath: path)) != nil { count += 1 }
        }
        return count
    }

    /// The names of the picture files in the cache directory.
    func cachedFiles() throws(StoreError) -> Set<String> {
        var names = Set<String>()
        guard let shards = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return names }
        for shard in shards where shard.count == 2 {
            for name in (try? FileManager.default.contentsOfDirectory(atPath: directory + "/" + shard)) ?? [] where Self.isFileName(name) {
                names.insert(name)
            }
        }
        return names
    }

    /// The bytes and number of the pictures kept.
    public func usage() throws(StoreError) -> (files: Int, bytes: Int64) {
        try database.read { db in
            let row = try Row.fetchOne(
                db, sql: "SELECT count(*) AS files, coalesce(sum(bytes), 0) AS bytes FROM (SELECT max(bytes) AS bytes FROM thumbnail GROUP BY file)")
            return (row?["files"] ?? 0, row?["bytes"] ?? 0)
        }
    }

    /// The picture file of each of these items that has one, by item.
    public func files(of items: [CatalogItem]) throws(StoreError) -> [ItemKey: String] {
        guard !items.isEmpty else { return [:] }
        let idsBySource = Dictionary(grouping: items, by: \.source).mapValues { Array(Set($0.map(\.id))) }
        return try database.read { db in
            var found: [ItemKey: String] = [:]
            for (source, ids) in idsBySource {
                for row in try Self.rows(source: source, ids: ids, in: db) { found[ItemKey(source: source, id: row["id"])] = row["file"] }
            }
            return found
        }
    }

    /// The `thumbnail` rows of these items of `source`: one query per 500 ids (a page of results is one).
    static func rows(source: Source, ids: [String], in db: Database) throws -> [Row] {
        var rows: [Row] = []
        for start in stride(from: 0, to: ids.count, by: 500) {
            let part = Array(ids[start..<min(start + 500, ids.count)])
            rows += try Row.fetchAll(
                db, sql: "SELECT id, digest, file FROM thumbnail WHERE source = ? AND id IN (\(part.map { _ in "?" }.joined(separator: ",")))",
                arguments: StatementArguments([source.rawValue] + part))
        }
        return rows
    }

    /// Whether `name` is a cache file's name: 32 lowercase hex digits, a dot, a known extension.
    public static func isFileName(_ name: String) -> Bool {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 32, parts[0].allSatisfy({ ("0"..."9").contains($0) || ("a"..."f").contains($0) }) else {
            return false
        }
        return mediaType(ofFile: name) != nil
    }

    /// The path of the cache file `name` (refused unless ``isFileName(_:)``).
    public func filePath(_ name: String, creatingDirectory: Bool = false) throws(StoreError) -> String {
        guard Self.isFileName(name) else { throw .cannotOpen(path: name, reason: "not a thumbnail's name") }
        let shard = directory + "/" + name.prefix(2)
        if creatingDirectory {
            do {
                try FileManager.default.createDirectory(atPath: shard, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw .cannotOpen(path: shard, reason: "cannot create the thumbnail directory (\(error.localizedDescription))")
            }
        }
        return shard + "/" + name
    }
}

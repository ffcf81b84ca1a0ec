import CatalogCore
import Foundation
import GRDB

/// Where a pulled catalog came from: the team host's address, the snapshot it was made from
/// (its digest) and when.
public struct PullOrigin: Sendable, Equatable {
    /// The host's address as `catalog pull` was given it (`http://host:8420`).
    public var url: String
    /// The snapshot's digest (`xxh3_128:…`), the host's `ETag` for it.
    public var snapshot: String
    /// The host catalog's generation when the snapshot was made (``CatalogDatabase/generation()``).
    public var generation: String
    public var pulledAt: Date
    /// The snapshot's size in bytes.
    public var bytes: Int64

    public init(url: String, snapshot: String, generation: String, pulledAt: Date, bytes: Int64) {
        self.url = url
        self.snapshot = snapshot
        self.generation = generation
        self.pulledAt = pulledAt
        self.bytes = bytes
    }
}

extension CatalogDatabase {
    /// What the catalog holds, as a value that changes whenever a crawl, scan or comments pass
    /// begins or ends (every change to the catalog's contents happens inside one): the
    /// snapshot a host serves is made again only when this has changed.
    public func generation() throws(StoreError) -> String {
        try read { db in try Self.generation(db) }
    }

    /// Which file `path` is, whatever it is called (its device and inode, hashed): a host names
    /// its catalog so (`X-Catalog-File`), and a pull refuses to replace the very file it pulls.
    public static func fileIdentity(_ path: String) -> String? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            let device = attributes[.systemNumber] as? Int, let inode = attributes[.systemFileNumber] as? Int
        else { return nil }
        return Digest.xxh64("\(device):\(inode)").hex
    }

    /// Writes a consistent copy of the catalog, compacted, to `path` (which must not exist)
    /// with SQLite's `VACUUM INTO`: one committed state even while a crawl writes, in rollback
    /// mode (no `-wal` to carry), and readable from a catalog opened read-only.
    public func writeSnapshot(to path: String) throws(StoreError) {
        do {
            try writer.unsafeReentrantRead { db in
                try db.execute(sql: "VACUUM INTO ?", arguments: [path])
            }
        } catch {
            throw Self.map(error, path: path)
        }
    }

    /// The checks a pulled snapshot must pass before it replaces anything: SQLite's
    /// `integrity_check`, a catalog's application id, and a schema this catalog can read
    /// (migrated when older, refused when newer). Returns the number of items it holds.
    public static func checkSnapshot(at path: String) throws(StoreError) -> Int {
        try readingSnapshot(at: path) { queue in
            try identify(queue, path: path)
            return try queue.read { db in
                let verdict = try String.fetchAll(db, sql: "PRAGMA integrity_check")
                guard verdict == ["ok"] else {
                    throw StoreError.database("the snapshot is damaged: \(verdict.prefix(3).joined(separator: "; "))")
                }
                guard try Int32.fetchOne(db, sql: "PRAGMA application_id") == applicationID else { throw StoreError.notACatalog(path: path) }
                return try Int.fetchOne(db, sql: "SELECT count(*) FROM item") ?? 0
            }
        }
    }

    /// Brings the snapshot at `path` to this catalog's schema and records where it came from,
    /// leaving it in rollback mode and closed: the file is ready to be renamed into place.
    public static func recordOrigin(_ origin: PullOrigin, inSnapshotAt path: String) throws(StoreError) {
        do {
            let queue = try DatabaseQueue(path: path)
            try CatalogSchema.migrator.migrate(queue)
            try queue.write { db in
                // The pictures stay on the host (`catalog serve` there shows them).
                try db.execute(sql: "DELETE FROM thumbnail")
                try Self.writeOrigin(origin, db: db)
            }
            try queue.close()
        } catch {
            throw map(error, path: path)
        }
    }

    /// Writes `origin`, with the last crawl the catalog holds now (the host's: later ones are
    /// this machine's own).
    static func writeOrigin(_ origin: PullOrigin, db: Database) throws {
        try db.execute(
            sql: """
                INSERT OR REPLACE INTO pull_origin (id, url, snapshot, generation, pulled_at, bytes, last_crawl)
                VALUES (1, ?, ?, ?, ?, ?, (SELECT coalesce(max(id), 0) FROM crawl))
                """,
            arguments: [origin.url, origin.snapshot, origin.generation, Timestamp.format(origin.pulledAt), origin.bytes])
    }

    /// Where this catalog was pulled from; nil for a catalog of its own crawls.
    public func pullOrigin() throws(StoreError) -> PullOrigin? {
        try read { db in
            guard try db.tableExists("pull_origin"), let row = try Row.fetchOne(db, sql: "SELECT * FROM pull_origin WHERE id = 1") else {
                return nil
            }
            return PullOrigin(
                url: row["url"], snapshot: row["snapshot"], generation: row["generation"],
                pulledAt: (row["pulled_at"] as String?).flatMap(Timestamp.parse) ?? Date(timeIntervalSince1970: 0), bytes: row["bytes"])
        }
    }

    /// The generation of the snapshot at `path` (what it holds, whatever the catalog it was
    /// made from did meanwhile).
    public static func generation(ofSnapshotAt path: String) throws(StoreError) -> String {
        try readingSnapshot(at: path) { queue in try queue.read { db in try Self.generation(db) } }
    }

    /// `body` with the snapshot at `path` opened read-only, closed after.
    private static func readingSnapshot<T>(at path: String, _ body: (DatabaseQueue) throws -> T) throws(StoreError) -> T {
        do {
            var configuration = Configuration()
            configuration.readonly = true
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            defer { try? queue.close() }
            return try body(queue)
        } catch {
            throw map(error, path: path)
        }
    }

    /// Writes what is in the write-ahead log into the file and empties it, so that the file
    /// alone holds the catalog (before it is replaced by a pulled one).
    public func checkpoint() throws(StoreError) {
        do {
            try writer.writeWithoutTransaction { db in _ = try Row.fetchAll(db, sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        } catch {
            throw Self.map(error, path: path)
        }
    }

    /// Puts the checked snapshot at `snapshot` in the place of the catalog at `path`, in one
    /// rename: a reader sees the old catalog or the new, never a mix. The old catalog's crawl
    /// lock is held meanwhile (no crawl or scan is writing it), and its write-ahead log is
    /// written into it first and removed after, so that no `-wal` of the old file is ever
    /// applied to the new one.
    public static func install(snapshot: String, at path: String) throws(StoreError) {
        let exists = FileManager.default.fileExists(atPath: path)
        let lock = exists ? try CrawlLock(databasePath: path) : nil
        defer { lock?.release() }
        if exists {
            let old = try CatalogDatabase(path: path)
            try old.checkpoint()
            try old.closeConnections()
        }
        guard rename(snapshot, path) == 0 else {
            throw .writeFailed(path: path, reason: "cannot move the pulled catalog into place: \(String(cString: strerror(errno)))")
        }
        for suffix in ["-wal", "-shm"] { unlink(path + suffix) }
        // The rename is durable once the directory is.
        let directory = open(URL(fileURLWithPath: path).deletingLastPathComponent().path, O_RDONLY | O_CLOEXEC)
        if directory >= 0 {
            fsync(directory)
            close(directory)
        }
    }

    /// Closes the catalog's connections (before its file is replaced).
    func closeConnections() throws(StoreError) {
        do {
            if let pool = writer as? DatabasePool { try pool.close() } else if let queue = writer as? DatabaseQueue { try queue.close() }
        } catch {
            throw Self.map(error, path: path)
        }
    }
}

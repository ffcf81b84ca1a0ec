import CatalogCore
import Foundation
import GRDB

/// The catalog file: owns the GRDB database writer and its migrations.
///
/// Files are opened as a WAL `DatabasePool`, so searches run while a crawl writes; a new file is
/// created with mode 0600. Tests may use ``inMemory()``.
public final class CatalogDatabase: Sendable {
    /// The file path, or `:memory:`.
    public let path: String
    let writer: any DatabaseWriter

    /// How long a statement waits for another process's lock before failing with
    /// ``StoreError/locked(path:)``: 10 s, or `CATALOG_BUSY_TIMEOUT` seconds.
    ///
    /// Throws ``StoreError/invalidSetting(name:value:expected:)`` when the variable is set to
    /// anything but a number of seconds from 0 to ``maxBusyTimeout``.
    public static func busyTimeout(
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(StoreError) -> TimeInterval {
        guard let text = environment["CATALOG_BUSY_TIMEOUT"] else { return 10 }
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        // SQLite takes the timeout as an Int32 of milliseconds: anything above ~24 days overflows.
        guard let seconds = TimeInterval(trimmed), seconds.isFinite, (0...maxBusyTimeout).contains(seconds) else {
            throw .invalidSetting(
                name: "CATALOG_BUSY_TIMEOUT", value: text, expected: "a number of seconds from 0 to \(Int(maxBusyTimeout)), such as 10 or 0.5")
        }
        return seconds
    }

    /// The longest `CATALOG_BUSY_TIMEOUT` accepted: one day.
    public static let maxBusyTimeout: TimeInterval = 86_400

    /// Opens (creating when missing) the catalog at `path` and migrates it to the current schema.
    ///
    /// - Parameter createDirectory: create the parent directory when it is missing (for the default path).
    public init(path: String, createDirectory: Bool = false) throws(StoreError) {
        self.path = path
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        if !FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) {
            guard createDirectory else { throw .missingDirectory(path: path) }
            do {
                try FileManager.default.createDirectory(
                    atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw .cannotOpen(path: path, reason: "cannot create its directory (\(error.localizedDescription))")
            }
        } else if !isDirectory.boolValue {
            throw .cannotOpen(path: path, reason: "\(directory) is not a directory")
        }
        // Create the file ourselves so that it is private (0600) from its first byte.
        if !FileManager.default.fileExists(atPath: path) {
            let fd = open(path, O_CREAT | O_EXCL | O_RDWR, 0o600)
            if fd < 0 && errno != EEXIST {
                throw .cannotOpen(path: path, reason: String(cString: strerror(errno)))
            }
            if fd >= 0 { close(fd) }
        } else if access(path, R_OK | W_OK) != 0 {
            throw .cannotOpen(path: path, reason: String(cString: strerror(errno)))
        }
        let busyTimeout = try Self.busyTimeout()
        var configuration = Configuration()
        configuration.busyMode = .timeout(busyTimeout)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            // The writer gets 16 MiB of page cache (the default is 2 MiB): a crawl's merge updates
            // ten indexes. Measured on a 1M-item crawl, 64 MiB doubled peak RSS (207 against 103
            // MB) and was no faster; 8–32 MiB ran alike (docs/benchmarks-notes.md, 1a). Readers
            // (search, export) keep the default, so they stay small.
            if !db.configuration.readonly { try db.execute(sql: "PRAGMA cache_size = -16384") }
            // Debian's SQLite zeroes deleted content (SECURE_DELETE); the catalog holds no secrets,
            // and zeroing doubled the cost of replacing rows.
            try db.execute(sql: "PRAGMA secure_delete = OFF")
        }
        do {
            // Look before opening for writing: a pool switches the file to WAL and checkpoints it,
            // which must not happen to a file that is not a catalog or is a newer one. (An empty
            // file is one this init just created.)
            if (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0 > 0 {
                var inspection = Configuration()
                inspection.readonly = true
                inspection.busyMode = .timeout(busyTimeout)
                let queue = try DatabaseQueue(path: path, configuration: inspection)
                defer { try? queue.close() }
                try Self.checkMigrations(queue, path: path)
            }
            let pool = try DatabasePool(path: path, configuration: configuration)
            writer = pool
            try CatalogSchema.migrator.migrate(pool)
        } catch let error as StoreError {
            throw error
        } catch {
            throw Self.map(error, path: path)
        }
    }

    private init(writer: any DatabaseWriter, path: String) {
        self.writer = writer
        self.path = path
    }

    /// An empty catalog held in memory, for tests.
    public static func inMemory() throws(StoreError) -> CatalogDatabase {
        do {
            let queue = try DatabaseQueue()
            try CatalogSchema.migrator.migrate(queue)
            return CatalogDatabase(writer: queue, path: ":memory:")
        } catch let error as StoreError {
            throw error
        } catch {
            throw map(error, path: ":memory:")
        }
    }

    /// Refuses a database that is not a catalog (tables but no catalog migrations) or that a
    /// newer catalog migrated further than this one knows.
    private static func checkMigrations(_ reader: any DatabaseReader, path: String) throws {
        let superseded = try reader.read { db in
            if try db.tableExists("grdb_migrations") == false {
                let tables = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master WHERE type = 'table'") ?? 0
                if tables > 0 { throw StoreError.notACatalog(path: path) }
                return false
            }
            return try CatalogSchema.migrator.hasBeenSuperseded(db)
        }
        if superseded { throw StoreError.newerSchema(path: path) }
    }

    /// Translates GRDB and SQLite errors into ``StoreError``.
    static func map(_ error: any Error, path: String) -> StoreError {
        if let error = error as? StoreError { return error }
        if let error = error as? DatabaseError {
            switch error.resultCode {
            case .SQLITE_NOTADB, .SQLITE_CORRUPT: return .notACatalog(path: path)
            case .SQLITE_BUSY, .SQLITE_LOCKED: return .locked(path: path)
            case .SQLITE_FULL: return .diskFull(path: path)
            case .SQLITE_IOERR: return .writeFailed(path: path, reason: error.message ?? "disk I/O error")
            case .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_READONLY, .SQLITE_AUTH:
                return .cannotOpen(path: path, reason: error.message ?? "\(error.resultCode)")
            default: return .database(error.message ?? "\(error)")
            }
        }
        return .database("\(error)")
    }

    /// Runs a read, mapping failures to ``StoreError``.
    func read<T: Sendable>(_ body: @Sendable (Database) throws -> T) throws(StoreError) -> T {
        do { return try writer.read(body) } catch { throw Self.map(error, path: path) }
    }

    /// Runs a write transaction off the caller's executor, mapping failures to ``StoreError``.
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(StoreError) -> T {
        do { return try await writer.write(body) } catch { throw Self.map(error, path: path) }
    }

    /// Runs a write transaction synchronously, mapping failures to ``StoreError``.
    func writeSync<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        do { return try writer.write(body) } catch { throw Self.map(error, path: path) }
    }

    /// The size of the database file and its WAL, in bytes.
    public var fileSize: Int64 {
        guard path != ":memory:" else { return 0 }
        let main = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int64) ?? 0
        let wal = (try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int64) ?? 0
        return main + wal
    }

    /// `PRAGMA integrity_check`'s verdict: `ok`, or the problems found.
    public func integrityCheck() throws(StoreError) -> String {
        try read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check").joined(separator: "\n") }
    }
}

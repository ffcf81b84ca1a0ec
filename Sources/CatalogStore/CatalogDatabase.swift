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

    /// How a command uses the catalog.
    public enum Access: Sendable {
        /// Crawls: the file is created when missing and migrated to the current schema.
        case readWrite
        /// Searches and reports: the file must exist; it is opened read-only (immutable when its
        /// directory cannot be written, so a catalog on a read-only disk or mode 0400 is searchable)
        /// and never migrated, created or switched to WAL.
        case readOnly
    }

    /// The most of the file a reader maps into memory (`PRAGMA mmap_size`).
    static let readerMapSize = 1 << 31

    /// `catalog_fold(text)`: ``TextFolding/fold(_:)`` in SQL (NULL stays NULL).
    static let fold = DatabaseFunction(TextFolding.sqlFunction, argumentCount: 1, pure: true) { values in
        String.fromDatabaseValue(values[0]).map(TextFolding.fold)
    }

    /// The `application_id` in every catalog's header ("CTLG"): how a catalog is told from
    /// another program's SQLite file.
    public static let applicationID: Int32 = 0x4354_4C47

    /// Opens the catalog at `path`: for ``Access/readWrite`` creating it when missing and migrating
    /// it to the current schema.
    ///
    /// The path must be a regular file (or a symbolic link to one) or, for writing, a new path: a
    /// directory, FIFO or device is refused before SQLite touches it. An existing file is inspected
    /// read-only first and refused, byte for byte unchanged, unless it is a catalog (its
    /// ``applicationID``, or the tables of a catalog made before the id was set) or an empty
    /// SQLite file.
    ///
    /// - Parameter createDirectory: create the parent directory when it is missing (for the default path).
    public init(path: String, createDirectory: Bool = false, access mode: Access = .readWrite) throws(StoreError) {
        self.path = path
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        if !FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) {
            // A reader finds no catalog (the folder it would be in is not there either): the same
            // answer as a missing file, not advice to create a folder that would hold nothing.
            guard mode == .readWrite else { throw .noCatalog(path: path) }
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
        var info = stat()
        let exists = stat(path, &info) == 0
        if exists, let kind = Self.nonRegularKind(info.st_mode) { throw .notARegularFile(path: path, kind: kind) }
        if !exists {
            guard mode == .readWrite else { throw .noCatalog(path: path) }
            // Create the file ourselves so that it is private (0600) from its first byte.
            let fd = open(path, O_CREAT | O_EXCL | O_RDWR, 0o600)
            if fd < 0 && errno != EEXIST {
                throw .cannotOpen(path: path, reason: String(cString: strerror(errno)))
            }
            if fd >= 0 { close(fd) }
        } else if access(path, mode == .readWrite ? R_OK | W_OK : R_OK) != 0 {
            throw .cannotOpen(path: path, reason: String(cString: strerror(errno)))
        }
        let busyTimeout = try Self.busyTimeout()
        var configuration = Configuration()
        configuration.busyMode = .timeout(busyTimeout)
        configuration.readonly = mode == .readOnly
        configuration.prepareDatabase { db in
            // Filters on names, paths and field values fold case in every script (SQLite's
            // LIKE folds A–Z only): `catalog_fold(x)`.
            db.add(function: Self.fold)
            // Readers map the file instead of copying each page they read into SQLite's cache:
            // under `catalog serve`'s load (1M items, 8 clients) the copies were a tenth of the
            // CPU (docs/benchmarks.md). SQLite caps the map at its compiled limit (2 GB).
            if db.configuration.readonly { try db.execute(sql: "PRAGMA mmap_size = \(Self.readerMapSize)") }
            guard !db.configuration.readonly else { return }
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            // The writer gets 16 MiB of page cache (the default is 2 MiB): a crawl's merge updates
            // ten indexes. Measured on a 1M-item crawl, 64 MiB doubled peak RSS (207 against 103
            // MB) and was no faster; 8–32 MiB ran alike (docs/benchmarks-notes.md, 1a). Readers
            // (search, export) keep the default, so they stay small.
            try db.execute(sql: "PRAGMA cache_size = -16384")
            // Debian's SQLite zeroes deleted content (SECURE_DELETE); the catalog holds no secrets,
            // and zeroing doubled the cost of replacing rows.
            try db.execute(sql: "PRAGMA secure_delete = OFF")
        }
        let empty = ((try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0) == 0
        do {
            if mode == .readOnly {
                guard !empty else { throw StoreError.noCatalog(path: path) }
                var reader = try Self.openReadOnly(path: path, configuration: configuration)
                try Self.identify(reader, path: path)
                if try !reader.read({ try CatalogSchema.migrator.hasCompletedMigrations($0) }) {
                    // A catalog from an older catalog: brought up to date once (as any command
                    // did before reads were read-only), or refused when it cannot be written.
                    try reader.close()
                    let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
                    guard access(path, W_OK) == 0, access(directory, W_OK) == 0 else { throw StoreError.needsUpgrade(path: path) }
                    var writing = configuration
                    writing.readonly = false
                    let pool = try DatabasePool(path: path, configuration: writing)
                    try CatalogSchema.migrator.migrate(pool)
                    try pool.close()
                    reader = try Self.openReadOnly(path: path, configuration: configuration)
                }
                writer = reader
                return
            }
            // Look before opening for writing: a pool switches the file to WAL and checkpoints it,
            // which must not happen to a file that is not a catalog or is a newer one. (An empty
            // file is one this init just created.)
            if !empty {
                var inspection = configuration
                inspection.readonly = true
                let queue = try Self.openReadOnly(path: path, configuration: inspection)
                defer { try? queue.close() }
                try Self.identify(queue, path: path)
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

    /// What a path that is not a regular file is, for the message refusing it; nil for a regular file.
    public static func nonRegularKind(_ mode: mode_t) -> String? {
        switch mode & S_IFMT {
        case S_IFREG: nil
        case S_IFDIR: "a directory"
        case S_IFIFO: "a FIFO (named pipe)"
        case S_IFCHR: "a character device"
        case S_IFBLK: "a block device"
        case S_IFSOCK: "a socket"
        default: "not a regular file"
        }
    }

    /// A read-only connection to `path`: a WAL pool when SQLite can share it with a writer; when
    /// it cannot (the directory or the file cannot be written, so no `-shm` can be made), the file
    /// opened immutable, which no crawl can change while it is unwritable.
    static func openReadOnly(path: String, configuration: Configuration) throws -> any DatabaseWriter {
        do {
            return try DatabasePool(path: path, configuration: configuration)
        } catch let error as DatabaseError where [.SQLITE_CANTOPEN, .SQLITE_READONLY].contains(error.resultCode) {
            let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
            guard access(directory, W_OK) != 0 || access(path, W_OK) != 0 else { throw error }
            // Immutable ignores a write-ahead log: only when there is none with content, else a
            // reader would see stale or broken pages.
            let wal = (try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int) ?? 0
            guard wal == 0 else { throw error }
            let escaped = URL(fileURLWithPath: path).standardized.path.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? path
            return try DatabaseQueue(path: "file:\(escaped)?immutable=1", configuration: configuration)
        }
    }

    private init(writer: any DatabaseWriter, path: String) {
        self.writer = writer
        self.path = path
    }

    /// An empty catalog held in memory, for tests.
    public static func inMemory() throws(StoreError) -> CatalogDatabase {
        do {
            var configuration = Configuration()
            configuration.prepareDatabase { db in db.add(function: Self.fold) }
            let queue = try DatabaseQueue(configuration: configuration)
            try CatalogSchema.migrator.migrate(queue)
            return CatalogDatabase(writer: queue, path: ":memory:")
        } catch let error as StoreError {
            throw error
        } catch {
            throw map(error, path: ":memory:")
        }
    }

    /// Refuses a database that is not a catalog, or that a newer catalog migrated further than
    /// this one knows. A catalog carries ``applicationID``; one made before that id was set is
    /// known by its migrations and tables; an SQLite file with nothing in it (no schema, no
    /// application id, no user version) may become one. Anything else, a GRDB app with a
    /// migration named `v1` or a file with only a view, is another program's.
    static func identify(_ reader: any DatabaseReader, path: String) throws {
        let superseded = try reader.read { db in
            let applicationID = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
            switch applicationID {
            case Self.applicationID:
                break
            case 0:
                let objects = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") ?? 0
                let userVersion = try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
                if objects == 0 && userVersion == 0 { return false }
                guard try Self.hasCatalogTables(db) else { throw StoreError.notACatalog(path: path) }
            default:
                throw StoreError.notACatalog(path: path)
            }
            return try CatalogSchema.migrator.hasBeenSuperseded(db)
        }
        if superseded { throw StoreError.newerSchema(path: path) }
    }

    /// Whether `db` has the first migration's tables and the catalog's migration log.
    private static func hasCatalogTables(_ db: Database) throws -> Bool {
        guard try db.tableExists("grdb_migrations"), try db.tableExists("item"), try db.tableExists("crawl"),
            try db.tableExists("item_fts"),
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM grdb_migrations WHERE identifier = 'v1')") == true
        else { return false }
        let itemColumns = Set(try db.columns(in: "item").map(\.name))
        return ["source", "id", "kind", "path", "digest", "record"].allSatisfy(itemColumns.contains)
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
        if let error = error as? RowDecodingError {
            return .database("the catalog holds a value this version of catalog cannot read: \(error)")
        }
        return .database("\(error)")
    }

    /// Runs a read, mapping failures to ``StoreError``; inside ``reading(_:)``, on its connection.
    func read<T: Sendable>(_ body: @Sendable (Database) throws -> T) throws(StoreError) -> T {
        if let bound = Self.bound, bound.catalog == ObjectIdentifier(self) {
            do { return try body(bound.db) } catch { throw Self.map(error, path: path) }
        }
        do { return try writer.read(body) } catch { throw Self.map(error, path: path) }
    }

    /// Runs `body` on one of GRDB's reader connections, off the caller's executor (GRDB's async
    /// read): every read of this catalog `body` makes goes through that connection, in one
    /// transaction, so it sees one state of the catalog (a page's results and their count agree).
    /// For the server, whose requests must not hold Swift's few cooperative threads while SQLite
    /// reads. Errors `body` throws come out as they are. `body` starts no task of its own (the
    /// connection is the block's alone), and calls nothing that reads through GRDB's writer
    /// directly in a transaction of its own (``ownScans()``, ``writeSync(since:schema:to:)``).
    public func reading<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        let catalog = ObjectIdentifier(self)
        let outcome: Result<T, any Error>
        do {
            outcome = try await writer.read { db in Self.$bound.withValue(Bound(catalog: catalog, db: db)) { Result(catching: body) } }
        } catch {
            throw Self.map(error, path: path)
        }
        return try outcome.get()
    }

    /// The connection of the ``reading(_:)`` block running on this thread, and its catalog. Only
    /// ever used on the thread GRDB runs that block on, while it runs.
    private struct Bound: @unchecked Sendable {
        let catalog: ObjectIdentifier
        let db: Database
    }
    @TaskLocal private static var bound: Bound?

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

    /// Writes a consistent copy of the catalog to `path`, a new file, through SQLite's online
    /// backup (safe while a crawl writes: the copy is one committed state), and opens it.
    public func copy(to path: String) throws(StoreError) -> CatalogDatabase {
        let copy = try CatalogDatabase(path: path)
        do {
            try writer.backup(to: copy.writer)
        } catch {
            throw Self.map(error, path: path)
        }
        return copy
    }
}

import CatalogCore

/// Errors of the catalog store, with messages that say what happened.
public enum StoreError: CatalogFailure, Sendable {
    /// The directory that should hold the catalog file does not exist.
    case missingDirectory(path: String)
    /// The file could not be opened or created.
    case cannotOpen(path: String, reason: String)
    /// The file exists but is not an SQLite database or not a catalog.
    case notACatalog(path: String)
    /// The path is a directory, FIFO, device or socket.
    case notARegularFile(path: String, kind: String)
    /// A read command found no catalog at the path.
    case noCatalog(path: String)
    /// A catalog from an older catalog that a read command cannot upgrade (it cannot be written).
    case needsUpgrade(path: String)
    /// The catalog was written by a newer version of catalog.
    case newerSchema(path: String)
    /// Another process holds the database locked for longer than the busy timeout.
    case locked(path: String)
    /// Another crawl of this catalog is running.
    case crawlInProgress(path: String)
    /// Another `catalog pull` of this catalog is running.
    case pullInProgress(path: String)
    /// The disk is full.
    case diskFull(path: String)
    /// Writing the file failed (an I/O error, a file-size limit, a disk that went away).
    case writeFailed(path: String, reason: String)
    /// The crawl id is unknown or not running.
    case unknownCrawl(Int64)
    /// A setting of the store (an environment variable) holds a value it cannot use.
    case invalidSetting(name: String, value: String, expected: String)
    /// Any other database failure.
    case database(String)

    /// A message for people.
    public var description: String {
        switch self {
        case .missingDirectory(let path):
            "the directory for the catalog \(path) does not exist; create it."
        case .cannotOpen(let path, let reason):
            "cannot open the catalog \(path): \(reason). Check the path and its permissions."
        case .notACatalog(let path):
            "\(path) is not a catalog database (not SQLite, or another program's database); it was left unchanged."
        case .notARegularFile(let path, let kind):
            "\(path) is \(kind), not a catalog file; nothing was written to it."
        case .needsUpgrade(let path):
            "the catalog \(path) was written by an older version of catalog and must be upgraded, which needs write access to it and its directory."
        case .noCatalog(let path):
            "no catalog at \(path)."
        case .newerSchema(let path):
            "the catalog \(path) was written by a newer version of catalog. Upgrade catalog to use it; it was left unchanged."
        case .locked(let path):
            "the catalog \(path) is locked by another process. Wait for it to finish and try again."
        case .crawlInProgress(let path):
            "another crawl is already writing to \(path). Wait for it to finish (searches work meanwhile)."
        case .pullInProgress(let path):
            "another catalog pull is already bringing \(path) up to date. Wait for it to finish (searches work meanwhile)."
        case .diskFull(let path):
            "the disk holding \(path) is full. Free some space and run the command again; the catalog was left as it was."
        case .writeFailed(let path, let reason):
            """
            could not write the catalog \(path) (\(reason)); the disk may be full or failing. Free some space or check the disk and run the \
            command again; what was committed before is intact.
            """
        case .unknownCrawl(let id):
            "crawl \(id) is not running in this catalog."
        case .invalidSetting(let name, let value, let expected):
            "\(name) is set to \"\(value)\", which is not \(expected). Fix or unset it."
        case .database(let message):
            "catalog database error: \(message)"
        }
    }

    /// Whether another process holds the catalog (a crawl, a pull, a lock): worth waiting for,
    /// not a reason to do something else.
    public var isCatalogBusy: Bool {
        switch self {
        case .locked, .crawlInProgress, .pullInProgress: true
        default: false
        }
    }

    public var failureClass: FailureClass {
        if case .invalidSetting = self { return .configuration }
        return .database
    }

    public var remedy: Remedy? {
        switch self {
        case .missingDirectory, .cannotOpen, .notACatalog, .notARegularFile: .chooseCatalog
        case .noCatalog: .crawlFirst
        case .needsUpgrade: .upgradeWithWriteAccess
        default: nil
        }
    }
}

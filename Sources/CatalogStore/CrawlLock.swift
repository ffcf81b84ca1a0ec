import Foundation
import Synchronization

/// An exclusive advisory lock (`flock`) on `<catalog>.lock`, held while a crawl writes.
///
/// The kernel drops the lock when the process dies, so a killed crawl never blocks the next one.
final class CrawlLock: Sendable {
    private let fd: Mutex<Int32?>

    /// Takes the lock for the catalog at `databasePath`, or throws ``StoreError/crawlInProgress(path:)``.
    ///
    /// The lock file sits beside the resolved file, so two paths to one catalog (a symbolic link,
    /// `a/../b`) share one lock.
    init(databasePath: String, suffix: String = ".lock", busy: (String) -> StoreError = StoreError.crawlInProgress) throws(StoreError) {
        let resolved = realpath(databasePath, nil).map { pointer in
            defer { free(pointer) }
            return String(cString: pointer)
        }
        let lockPath = (resolved ?? databasePath) + suffix
        let fd = open(lockPath, O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .cannotOpen(path: lockPath, reason: String(cString: strerror(errno))) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw busy(databasePath)
        }
        self.fd = Mutex(fd)
    }

    /// Whether a crawl holds the lock of the catalog at `databasePath` now (read-only: the lock
    /// file is neither created nor written). A crawl recorded as running that holds no lock was
    /// killed.
    static func isHeld(databasePath: String) -> Bool {
        let resolved = realpath(databasePath, nil).map { pointer in
            defer { free(pointer) }
            return String(cString: pointer)
        }
        let fd = open((resolved ?? databasePath) + ".lock", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        guard flock(fd, LOCK_SH | LOCK_NB) == 0 else { return true }
        flock(fd, LOCK_UN)
        return false
    }

    /// Releases the lock (idempotent).
    func release() {
        fd.withLock { fd in
            guard let open = fd else { return }
            flock(open, LOCK_UN)
            close(open)
            fd = nil
        }
    }

    deinit { release() }
}

/// The lock of a `catalog pull` (`<catalog>.pull.lock`), held from its first request to its
/// last write: a second pull of the same catalog is refused rather than writing the same
/// download.
public final class PullLock: Sendable {
    private let lock: CrawlLock

    /// Takes the lock, or throws ``StoreError/pullInProgress(path:)``.
    public init(databasePath: String) throws(StoreError) {
        lock = try CrawlLock(databasePath: databasePath, suffix: ".pull.lock", busy: StoreError.pullInProgress)
    }

    /// Releases it (idempotent; also when the lock goes).
    public func release() { lock.release() }
}

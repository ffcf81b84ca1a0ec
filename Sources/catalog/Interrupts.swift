import Dispatch
import Foundation
import Synchronization

/// Ctrl-C (SIGINT) and SIGTERM: the files a command is half-way through writing (a report's
/// temporary file, a crawl's staging file) are removed and the progress line cleared before
/// the process exits with 128 + the signal, so an interrupted command leaves no stray files.
/// (A file left by a harder kill is removed by the next run that writes it: the next crawl
/// replaces its staging file; an export's temporary file carries its process id.)
enum Interrupts {
    private static let pending = Mutex<Set<String>>([])
    private static let folders = Mutex<Set<String>>([])
    /// Kept alive for the life of the process; written once, at start-up, before any task runs.
    nonisolated(unsafe) private static var sources: [any DispatchSourceSignal] = []

    /// Handles SIGINT and SIGTERM from now on.
    static func install() {
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                for path in pending.withLock({ $0 }) { unlink(path) }
                for path in folders.withLock({ $0 }) { try? FileManager.default.removeItem(atPath: path) }
                if Terminal.stderrIsTerminal { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)) }
                FileHandle.standardError.write(Data("catalog: interrupted; nothing was left half-written\n".utf8))
                _exit(128 + number)
            }
            source.resume()
            sources.append(source)
        }
    }

    /// Removes `path` if the command is interrupted before ``written(_:)``.
    static func removeOnInterrupt(_ path: String) { _ = pending.withLock { $0.insert(path) } }

    /// Removes the folder at `path` and all it holds when the command is interrupted (`catalog
    /// serve`'s snapshots, which are its own).
    static func removeFolderOnInterrupt(_ path: String) { _ = folders.withLock { $0.insert(path) } }

    /// `path` is complete (or gone): an interruption leaves it alone.
    static func written(_ path: String) { _ = pending.withLock { $0.remove(path) } }
}

import Crawler
import Foundation
import Synchronization

/// stderr output: progress lines (only on a terminal) and summaries.
enum Terminal {
    static let stderrIsTerminal = isatty(STDERR_FILENO) == 1
    static let stdoutIsTerminal = isatty(STDOUT_FILENO) == 1

    /// Writes a line to stdout (unbuffered, so it interleaves correctly with streamed results).
    static func output(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    static func error(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// A progress callback drawing one updating line on stderr at most 10 times a second.
    static func progressPrinter(quiet: Bool) -> @Sendable (CrawlProgress) -> Void {
        guard !quiet, stderrIsTerminal else { return { _ in } }
        let last = LockedDouble()
        return { progress in
            guard last.advance(to: progress.elapsed, minimumStep: 0.1) else { return }
            var line = "\r\u{1B}[2K\(progress.source): \(progress.items) items"
            if let total = progress.estimatedTotal, total > 0 {
                line += String(format: " of ~%d (%.0f%%)", total, min(100, 100 * Double(progress.items) / Double(total)))
            }
            line += ", \(progress.requests) requests"
            if progress.retries > 0 { line += ", \(progress.retries) retries" }
            if progress.rateLimitWaits > 0 { line += ", \(progress.rateLimitWaits) rate-limit waits" }
            line += String(format: ", %.1fs", progress.elapsed)
            FileHandle.standardError.write(Data(line.utf8))
        }
    }

    static func endProgress(quiet: Bool) {
        if !quiet && stderrIsTerminal { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)) }
    }
}

/// A thread-safe "last time printed".
final class LockedDouble: Sendable {
    private let value = Mutex(-1.0)

    func advance(to new: Double, minimumStep: Double) -> Bool {
        value.withLock { value in
            guard new - value >= minimumStep else { return false }
            value = new
            return true
        }
    }
}

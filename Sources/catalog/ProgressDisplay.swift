import CatalogCore
import CatalogReports
import Crawler
import Foundation
import HTTPSupport
import LocalFiles
import Synchronization

/// A crawl's progress on stderr, as `rclone -P` shows a transfer's: on a terminal one line,
/// redrawn four times a second and fitted to the width, with the phase, items (of the expected
/// total, when the service says), their rate, requests, retries, an estimate of the time left,
/// and a request waiting to be retried ("retrying 3/6: connection refused"); when stderr is not
/// a terminal (a log, cron), one stats line every `statsInterval` seconds (0: none).
///
/// The display has its own clock and reads the crawl's live request counters, so it keeps
/// moving while the crawl waits (a retry's backoff, a rate limit) between pages.
final class ProgressDisplay: Sendable {
    private struct State {
        var latest: CrawlProgress?
        /// (seconds, items or bytes hashed) at recent draws, for the rate over the last ``window`` seconds.
        var samples: [(seconds: Double, items: Int)] = []
        var drawn = false
        var ticker: Task<Void, Never>?
    }

    private let state = Mutex(State())
    private let started = ContinuousClock.now
    private let onTerminal: Bool
    private let interval: Double
    private let enabled: Bool

    /// The seconds the rate is averaged over.
    static let window = 10.0

    init(quiet: Bool, statsInterval: Double, onTerminal: Bool = Terminal.stderrIsTerminal) {
        self.onTerminal = onTerminal
        interval = onTerminal ? 0.25 : statsInterval
        enabled = !quiet && interval > 0
    }

    /// What the crawl calls with each report.
    var callback: @Sendable (CrawlProgress) -> Void {
        { [self] progress in state.withLock { $0.latest = progress } }
    }

    /// Starts drawing.
    func start() {
        guard enabled else { return }
        let interval = interval
        let task = Task { [self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(Int64(interval * 1000)))
                if Task.isCancelled { break }
                draw()
            }
        }
        state.withLock { $0.ticker = task }
    }

    /// Stops drawing and clears the line.
    func finish() {
        let (ticker, drawn) = state.withLock { state in
            defer {
                state.ticker = nil
                state.drawn = false
            }
            return (state.ticker, state.drawn)
        }
        ticker?.cancel()
        if drawn && onTerminal { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)) }
    }

    private var elapsed: Double {
        let duration = ContinuousClock.now - started
        return Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    private func draw() {
        let now = elapsed
        let line: String? = state.withLock { state in
            guard let progress = state.latest else { return nil }
            state.samples.append((now, progress.hashing.map { Int($0.bytesRead) } ?? progress.items))
            state.samples.removeAll { now - $0.seconds > Self.window }
            let rate = Self.rate(state.samples)
            state.drawn = true
            return
                onTerminal
                ? "\r\u{1B}[2K" + DisplayWidth.truncate(Self.line(progress, elapsed: now, rate: rate), to: max(20, Terminal.errorColumns - 1))
                : Self.statsLine(progress, elapsed: now, rate: rate, at: Date()) + "\n"
        }
        if let line { FileHandle.standardError.write(Data(line.utf8)) }
    }

    /// Items a second over the samples kept.
    static func rate(_ samples: [(seconds: Double, items: Int)]) -> Double? {
        guard let first = samples.first, let last = samples.last, last.seconds - first.seconds >= 1 else { return nil }
        return Double(last.items - first.items) / (last.seconds - first.seconds)
    }

    /// The parts both displays show, in order.
    static func parts(_ progress: CrawlProgress, elapsed: Double, rate: Double?) -> [String] {
        if let hashing = progress.hashing { return hashingParts(progress, hashing, elapsed: elapsed, rate: rate) }
        let counts = progress.live?.snapshot ?? progress.http
        var parts = ["\(TerminalText.sanitize(progress.source)): \(progress.phase)"]
        var items = "\(Count.grouped(progress.items))"
        if let total = progress.estimatedTotal, total > 0 {
            items += " of ~\(Count.grouped(total)) items (\(min(100, 100 * progress.items / total))%)"
        } else {
            items += progress.items == 1 ? " item" : " items"
        }
        parts.append(items)
        if let rate { parts.append("\(Count.grouped(Int(rate.rounded())))/s") }
        if let comments = progress.comments?.snapshot, comments.handed > 0 {
            parts.append("comments of \(Count.grouped(comments.done))/\(Count.grouped(comments.handed)) files")
        }
        parts.append(Count.of(counts.requests, "request"))
        if counts.retries > 0 { parts.append(Count.of(counts.retries, "retry").replacingOccurrences(of: "retrys", with: "retries")) }
        if counts.throttled > 0 { parts.append("\(Count.grouped(counts.throttled)) throttled") }
        if let rate, rate > 0, let total = progress.estimatedTotal, total > progress.items {
            parts.append("ETA \(duration(Double(total - progress.items) / rate))")
        }
        parts.append(duration(elapsed))
        if let notice = progress.live?.retrying {
            parts.append("retrying \(notice.attempt)/\(notice.maxAttempts): \(TerminalText.sanitize(notice.reason))")
        }
        return parts
    }

    /// A local scan's parts: files found, bytes read of those to read, the read rate, time left.
    static func hashingParts(_ progress: CrawlProgress, _ hashing: HashProgress, elapsed: Double, rate: Double?) -> [String] {
        let (read, total) = (hashing.bytesRead, hashing.bytesToRead)
        var parts = ["\(TerminalText.sanitize(progress.source)): \(progress.phase)", Count.of(progress.items, "item")]
        var bytes = "\(ByteCount.format(read)) read"
        if total > 0 { bytes += " of \(ByteCount.format(total)) (\(min(100, Int(100 * Double(read) / Double(total))))%)" }
        parts.append(bytes)
        if let rate, rate > 0 {
            parts.append("\(ByteCount.format(Int64(rate)))/s")
            if total > read { parts.append("ETA \(duration(Double(total - read) / rate))") }
        }
        parts.append(duration(elapsed))
        return parts
    }

    /// The terminal's line.
    static func line(_ progress: CrawlProgress, elapsed: Double, rate: Double?) -> String {
        parts(progress, elapsed: elapsed, rate: rate).joined(separator: " · ")
    }

    /// A log's line: the time, then the same parts.
    static func statsLine(_ progress: CrawlProgress, elapsed: Double, rate: Double?, at date: Date) -> String {
        Timestamp.format(date) + " " + parts(progress, elapsed: elapsed, rate: rate).joined(separator: ", ")
    }

    /// `45s`, `3m12s`, `1h02m`.
    static func duration(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        if total < 60 { return "\(total)s" }
        if total < 3600 { return "\(total / 60)m\(String(format: "%02d", total % 60))s" }
        return "\(total / 3600)h\(String(format: "%02d", total % 3600 / 60))m"
    }
}

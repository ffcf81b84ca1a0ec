import ArgumentParser
import CatalogCore
import CatalogServer
import CatalogStore
import Crawler
import Foundation

/// `catalog serve --refresh INTERVAL`: the team host keeps its catalog fresh itself. Each
/// configured service (Frame.io, Dash) is crawled in turn (a delta after its first complete
/// crawl, as `catalog crawl` does), one at a time, never two at once; the next is due an
/// interval after the last ended. A failure doubles the wait for that service (at most 8
/// intervals, at most a day); a crawl that finds another writing the catalog (a cron job) is
/// skipped until the next interval. Reads never wait: the server reads its own read-only
/// connection while a refresh writes.
struct TeamRefresher: Sendable {
    let state: RefreshState
    let databasePath: String
    /// Whether summaries and failures are said on stderr.
    let quiet: Bool

    /// The sources a refresh crawls: the configured services.
    static func sources(_ environment: [String: String]) -> [Source] {
        [.frameio, .dash].filter { SignIn.isConfigured($0, environment) }
    }

    /// Refreshes until cancelled.
    func run() async {
        while !Task.isCancelled {
            let now = Date()
            let due = state.sources.compactMap { source in state.entry(source).map { (source, $0.next ?? now) } }.min { $0.1 < $1.1 }
            guard let (source, at) = due else { return }
            if at > now {
                try? await Task.sleep(for: .milliseconds(Int64(min(at.timeIntervalSince(now), 3600) * 1000)))
                continue
            }
            await refresh(source)
        }
    }

    /// One crawl of `source`, recorded in ``state``.
    func refresh(_ source: Source) async {
        let started = Date()
        state.update(source) {
            $0.running = true
            $0.lastStarted = started
        }
        let summary = SummaryBox()
        var result = "complete"
        var message: String?
        var failed = false
        do {
            // The crawl's own summary line is said here, with the refresh's name on it.
            let global = try GlobalOptions.parse(["--db", databasePath, "--quiet"])
            let options = try CloudCrawlOptions.parse(["--stats", "0"])
            try await options.crawl(source, global: global) { summary.line = Summary.line($0) }
            message = summary.line
        } catch StoreError.crawlInProgress {
            result = "skipped"
            message = "another crawl was writing the catalog; the next refresh is at the usual time"
        } catch {
            result = "failed"
            message = ErrorReport.message(error)
            failed = true
        }
        let finished = Date()
        state.update(source) { entry in
            entry.running = false
            entry.lastFinished = finished
            entry.result = result
            entry.message = message
            entry.failures = failed ? entry.failures + 1 : 0
            entry.next = finished.addingTimeInterval(Self.wait(interval: state.interval, failures: entry.failures))
        }
        if !quiet { Terminal.say("catalog serve: refresh of \(source.displayName) \(result): \(message ?? "")") }
    }

    /// How long to wait after `failures` failures in a row: the interval, doubled for each
    /// failure, at most 8 intervals and at most a day (never less than the interval).
    static func wait(interval: Double, failures: Int) -> Double {
        guard failures > 0 else { return interval }
        return max(interval, min(interval * pow(2, Double(min(failures, 3))), 86_400))
    }

    /// The summary line of the crawl, handed back from the crawl's callback.
    final class SummaryBox: @unchecked Sendable {
        var line: String?
    }
}

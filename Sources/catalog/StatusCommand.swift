import ArgumentParser
import CatalogCore
import CatalogReports
import CatalogStore
import Crawler
import Foundation
import LocalFiles

/// `catalog status`: what the catalog holds and when it was last refreshed.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Show the catalog's path, size and each source's last crawl.",
        discussion: """
            Per source: items by kind, bytes in files, the last complete crawl and what it changed, where the next delta starts, and \
            the latest crawl when it did not complete; drives with their last scan; where a pulled catalog came from.

            Examples:
              catalog status
              catalog status --format json | jq '.sources[] | {source, items}'
            """)

    @OptionGroup var global: GlobalOptions

    /// What status writes: text for a person, or the JSON `/api/status` answers.
    enum Format: String, FormatChoice {
        case table, json
    }

    @Option(help: "table (text for a person; the default, piped too) or json (the document /api/status answers).")
    var format: Format = .table

    func run() async throws {
        Catalog.bootstrapLogging(verbose: global.verbose)
        let database = try global.openDatabase()
        if format == .json {
            Terminal.indentJSON(.json)
            Terminal.writeOutput(StatusWriter.json(try database.status()) + [0x0A])
            return
        }
        var lines = ["catalog: \(database.path) (\(ByteCount.format(database.fileSize)))"]
        let origin = try database.pullOrigin()
        if let origin {
            lines.append(
                "  pulled from \(origin.url) \(RelativeTime.since(Timestamp.format(origin.pulledAt), now: Date())) (catalog pull refreshes it)")
        }
        for status in try database.status() {
            lines += Self.lines(for: status, now: Date(), pulled: origin != nil)
            if status.source == .local { lines += try Self.volumeLines(database.volumes(), now: Date()) }
        }
        // Read by people, not a data format: a service's text (an asset type, a warning, an
        // error) is made harmless even when the output goes to a file replayed later.
        Terminal.output(Terminal.fitted(TerminalText.sanitize(lines.joined(separator: "\n"), keepingLines: true)))
    }

    /// Each volume: its files, whether it is mounted now, its last scan.
    static func volumeLines(_ volumes: [(volume: CatalogItem, files: Int, bytes: Int64)], now: Date) -> [String] {
        volumes.flatMap { entry -> [String] in
            let status = VolumeStatus(item: entry.volume)
            let scanned = status.scannedAt.map { RelativeTime.since(Timestamp.format($0), now: now) } ?? "never"
            let place = status.online ? "online at \(TerminalText.sanitize(status.mountedAt ?? "?"))" : "offline"
            return [
                """
                  volume \(TerminalText.sanitize(entry.volume.name)) (\(TerminalText.sanitize(entry.volume.id))): \
                \(Count.of(entry.files, "file")), \(ByteCount.format(entry.bytes))
                """,
                "    \(place); scanned \(scanned)",
            ]
        }
    }

    /// One source's part of the status, short enough for 80 columns (warnings aside).
    static func lines(for status: SourceStatus, now: Date, pulled: Bool = false) -> [String] {
        let total = status.counts.values.reduce(0, +)
        var lines: [String] = []
        guard total > 0 || status.lastAttempt != nil else { return ["\(status.source): empty, never crawled"] }
        let files = (status.counts[.file] ?? 0) + (status.counts[.asset] ?? 0)
        lines.append("\(status.source): \(Count.of(total, "item")), \(ByteCount.format(status.bytes)) in \(Count.of(files, "file"))")
        if total > 0 {
            let kinds = ItemKind.allCases.compactMap { kind in status.counts[kind].map { Count.of($0, kind.displayName) } }
            lines += DisplayWidth.wrap(kinds.joined(separator: ", "), width: Terminal.columns - 2, indent: 0).map { "  " + $0 }
        }
        if let crawl = status.lastComplete {
            let api = crawl.api == .v4 ? "the V4 API" : status.source == .dash ? "the Dash API" : "the v2 API"
            let how = status.source == .local ? "a scan of \(crawl.mode == .scan ? "its folders" : "everything")" : "\(crawl.mode) through \(api)"
            lines.append("  refreshed \(RelativeTime.since(crawl.finishedAt ?? crawl.startedAt, now: now)): crawl #\(crawl.id), \(how)")
            lines.append(
                "    \(crawl.added) new, \(crawl.changed - crawl.moved) changed, \(crawl.moved) moved, \(crawl.deleted) deleted"
                    + (status.source == .local ? "" : "; \(Count.of(crawl.requests, "request"))")
            )
            if crawl.warningCount > 0 {
                lines.append("  \(Count.of(crawl.warningCount, "warning")) in that crawl:")
                lines += crawl.warnings.map { "    \($0)" }
                if crawl.warningCount > crawl.warnings.count { lines.append("    … and \(crawl.warningCount - crawl.warnings.count) more") }
            }
            let from = Timestamp.parse(crawl.startedAt).map { Timestamp.format($0.addingTimeInterval(-CrawlOptions.deltaOverlap)) } ?? crawl.startedAt
            // A pulled catalog is refreshed by `catalog pull`, not by crawls here.
            if status.source != .local, !pulled { lines.append("  next refresh: a delta of what changed since \(from)") }
        } else {
            lines.append("  never crawled completely")
        }
        if let last = status.lastAttempt, last.status != .complete {
            lines.append(
                """
                  latest crawl #\(last.id) \(last.status) \
                \(RelativeTime.since(last.finishedAt ?? last.startedAt, now: now))\(last.error.map { ": \($0)" } ?? "")
                """
            )
        }
        return lines
    }
}

/// `just now`, `5 min ago`, `3 h ago`, `2 days ago`, and the date itself past a month.
enum RelativeTime {
    static func since(_ timestamp: String, now: Date) -> String {
        guard let date = Timestamp.parse(timestamp) else { return timestamp }
        let seconds = now.timeIntervalSince(date)
        switch seconds {
        case ..<0: return "at \(timestamp)"
        case ..<60: return "just now"
        case ..<3600: return "\(Int(seconds / 60)) min ago"
        case ..<172_800: return "\(Int(seconds / 3600)) h ago"
        case ..<2_592_000: return "\(Int(seconds / 86400)) days ago"
        default: return "on \(timestamp.prefix(10))"
        }
    }
}

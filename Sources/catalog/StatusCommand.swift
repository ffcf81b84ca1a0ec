import ArgumentParser
import CatalogCore
import CatalogReports
import CatalogStore
import Crawler
import Foundation

/// `catalog status`: what the catalog holds and when it was last refreshed.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Show the catalog's path, size and each source's last crawl.")

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        Catalog.bootstrapLogging(verbose: global.verbose)
        do {
            let database = try global.openDatabase()
            var lines = ["catalog: \(database.path) (\(ByteCount.format(database.fileSize)))"]
            for status in try database.status() {
                let total = status.counts.values.reduce(0, +)
                lines.append("\(status.source): \(total) items")
                if total > 0 {
                    let kinds = ItemKind.allCases.compactMap { kind in status.counts[kind].map { "\($0) \(kind.rawValue)" } }
                    lines.append("  " + kinds.joined(separator: ", "))
                }
                if let crawl = status.lastComplete {
                    lines.append(
                        "  last complete crawl #\(crawl.id) (\(crawl.mode)\(crawl.since.map { " since \($0)" } ?? ""), API \(crawl.api)) \(crawl.startedAt) → \(crawl.finishedAt ?? "?"): \(crawl.itemCount) items, \(crawl.added) new, \(crawl.changed - crawl.moved) changed, \(crawl.moved) moved, \(crawl.deleted) deleted, \(crawl.requests) requests"
                    )
                    if crawl.warningCount > 0 {
                        lines.append("  \(crawl.warningCount) warning\(crawl.warningCount == 1 ? "" : "s") in that crawl:")
                        lines += crawl.warnings.map { "    \($0)" }
                        if crawl.warningCount > crawl.warnings.count { lines.append("    … and \(crawl.warningCount - crawl.warnings.count) more") }
                    }
                    lines.append(
                        "  watermark for the next delta: \(crawl.startedAt) (minus \(Int(CrawlOptions.deltaOverlap / 60)) minutes of overlap)")
                } else {
                    lines.append("  never crawled completely")
                }
                if let last = status.lastAttempt, last.status != "complete" {
                    lines.append("  latest crawl #\(last.id) \(last.status)\(last.error.map { ": \($0)" } ?? "")")
                }
            }
            Terminal.output(lines.joined(separator: "\n"))
        } catch {
            throw ErrorReport.exit(error)
        }
    }
}

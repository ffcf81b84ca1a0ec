import ArgumentParser
import CatalogCore
import CatalogStore
import Foundation

/// `catalog-bench search`: in-process search latency (p50/p99) on an existing catalog.
///
/// The database is opened once and each query is run `--runs` times after one warm-up run, so
/// the figures are the query's own cost, not process start-up or a cold page cache.
struct SearchBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search", abstract: "Measure search latency (p50/p99) on a catalog.")

    @Option(help: "The catalog to query.")
    var db: String

    @Option(help: "Runs per query.")
    var runs = 100

    @Option(help: "Results per query (as `catalog search --limit`).")
    var limit = 50

    @Option(help: "Write the results as Markdown table rows to this file (appended).")
    var markdown: String?

    @Flag(help: "Also time the plain FTS5 query (MATCH, ORDER BY bm25, LIMIT) for the text queries, as the sqlite3 CLI would run it.")
    var compareFTS = false

    @Argument(help: "Queries, each `label=query` (default: a standard mix).")
    var queries: [String] = []

    static let standard = [
        "rare term=timelapse_0042",
        "common term=generated",
        "two-term AND=interview dailies",
        "phrase=\"spring campaign\"",
        "prefix=interv*",
        "filter only=kind:file ext:mov",
        "selective filter only=kind:project",
        "filter + term=interview ext:mov",
        "size + label=size:>3GB label:approved",
        "exclusion=broll -generated",
        "Dash field filter=Brand:Acme",
        "Dash folder subtree=folder:Campaigns/2026",
    ]

    func run() throws {
        let database = try CatalogDatabase(path: db)
        let parser = SearchQueryParser(fields: try database.fields().map(\.name))  // text fields: timing, not semantics
        var rows: [String] = []
        print("query".padding(toLength: 24, withPad: " ", startingAt: 0) + "    hits     p50 ms     p99 ms   plain FTS5 p50/p99 ms")
        for entry in queries.isEmpty ? Self.standard : queries {
            let (label, text) = Self.split(entry)
            guard let query = try? parser.parse(text) else {
                print(label.padding(toLength: 24, withPad: " ", startingAt: 0) + "  skipped: `\(text)` does not apply to this catalog")
                continue
            }
            var hits = try database.search(query, limit: limit).count
            var samples: [Double] = []
            samples.reserveCapacity(runs)
            for _ in 0..<runs {
                let start = ContinuousClock.now
                hits = try database.search(query, limit: limit).count
                samples.append(Self.milliseconds(ContinuousClock.now - start))
            }
            samples.sort()
            let p50 = Self.percentile(samples, 0.50)
            let p99 = Self.percentile(samples, 0.99)
            var plain = "—"
            if compareFTS, query.filters.isEmpty, query.exclusions.isEmpty, !query.clauses.isEmpty {
                var fts: [Double] = []
                for _ in 0..<runs {
                    let start = ContinuousClock.now
                    _ = try database.plainFTS(query, limit: limit)
                    fts.append(Self.milliseconds(ContinuousClock.now - start))
                }
                fts.sort()
                plain = String(format: "%.2f / %.2f", Self.percentile(fts, 0.5), Self.percentile(fts, 0.99))
            }
            print(
                label.padding(toLength: 24, withPad: " ", startingAt: 0)
                    + String(format: "%8d %10.2f %10.2f   %@", hits, p50, p99, plain))
            rows.append(
                String(format: "| search: %@ (`%@`) | %d hits | p50 %.2f ms, p99 %.2f ms | plain FTS5 %@ ms |", label, text, hits, p50, p99, plain))
        }
        if let markdown { try Bench.append(rows, to: markdown) }
    }

    static func split(_ entry: String) -> (String, String) {
        guard let equals = entry.firstIndex(of: "=") else { return (entry, entry) }
        return (String(entry[..<equals]), String(entry[entry.index(after: equals)...]))
    }

    static func milliseconds(_ duration: Duration) -> Double {
        let parts = duration.components
        return Double(parts.seconds) * 1000 + Double(parts.attoseconds) / 1e15
    }

    /// Nearest-rank percentile of sorted samples.
    static func percentile(_ sorted: [Double], _ p: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let rank = Int((p * Double(sorted.count)).rounded(.up))
        return sorted[min(sorted.count - 1, max(0, rank - 1))]
    }
}

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

    @Flag(
        help:
            """
            Time what `catalog search` does in all: parse against the catalog's fields, the page, then the \"50 of N\" count when more match \
            (issue 29's mix is --mix answers).
            """
    )
    var whole = false

    @Flag(help: "With --whole: the answers mix (25+ shapes over a V4 + Dash catalog) instead of the standard one.")
    var answers = false

    @Argument(help: "Queries, each `label=query` (default: a standard mix).")
    var queries: [String] = []

    /// Issue 29's mix: the shapes people ask, over a generated Frame.io V4 account and Dash tenant
    /// (scripts/bench-search).
    static let answersMix = [
        "rare term=timelapse_0042",
        "common term=interview",
        "two words=interview dailies",
        "phrase=\"spring campaign\"",
        "prefix=interv*",
        "prefix + kind=interv* kind:file",
        "prefix + kind (rarer)=drone* kind:file",
        "word + ext=interview ext:mov",
        "prefix + source=tim* source:dash",
        "filter only=kind:file ext:mov",
        "selective filter=kind:project",
        "V4 field any-of=\"Review Status\":Approved,Rejected",
        "Dash field any-of=Brand:Acme,Globex",
        "number comparison=Rating:>=4",
        "number range + kind=Rating:2..3 kind:file",
        "word + comparison=interview Rating:5",
        "OR group of filters=(Brand:Acme OR \"Review Status\":Approved) kind:file",
        "OR words=drone OR gimbal",
        "word - word=broll -interview",
        "negated group=kind:file -(ext:mov OR ext:mp4)",
        "NOT word + kind=NOT interview kind:folder",
        "explicit AND=interview AND take",
        "V4 folder subtree=folder:\"Dailies 1\"",
        "Dash folder subtree=folder:Campaigns/2026",
        "size + kind=kind:file size:>4GB",
        "size + ext=size:>4GB ext:mov",
        "date + kind=updated:>=2025-06-01 kind:file",
        "state=state:created",
        "any-of + word=teaser \"Review Status\":\"Needs Review\",\"In Progress\"",
    ]

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
        if whole { return try runWhole(database) }
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

    /// Each query as `catalog search` runs it, in process: parsed against the catalog's fields
    /// (options loaded when the query names a field of options), the page of `limit` + 1, then,
    /// when more match, the count with its time budget. Prints p50 and p99 of the whole.
    func runWhole(_ database: CatalogDatabase) throws {
        var rows: [String] = []
        print("query".padding(toLength: 28, withPad: " ", startingAt: 0) + "  page  count      p50 ms     p99 ms")
        for entry in queries.isEmpty ? (answers ? Self.answersMix : Self.standard) : queries {
            let (label, text) = Self.split(entry)
            var samples: [Double] = []
            var shown = 0
            var counted = MatchCount(count: 0, isExact: true)
            for run in 0...runs {
                let start = ContinuousClock.now
                let query = try database.parseQuery(text)
                let items = try database.search(query, limit: limit + 1)
                shown = min(limit, items.count)
                counted = items.count > limit ? try database.count(query) : MatchCount(count: items.count, isExact: true)
                if run > 0 { samples.append(Self.milliseconds(ContinuousClock.now - start)) }  // the first warms the cache
            }
            samples.sort()
            let (p50, p99) = (Self.percentile(samples, 0.50), Self.percentile(samples, 0.99))
            let count = counted.isExact ? "\(counted.count)" : "\(counted.count)+"
            print(
                label.padding(toLength: 28, withPad: " ", startingAt: 0)
                    + String(format: "%6d %6@ %10.2f %10.2f", shown, count, p50, p99))
            rows.append(String(format: "| `%@` | %d of %@ | p50 %.2f ms, p99 %.2f ms |", text, shown, count, p50, p99))
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

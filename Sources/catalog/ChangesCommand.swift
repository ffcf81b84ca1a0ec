import ArgumentParser
import CatalogCore
import CatalogReports
import CatalogStore
import Foundation

/// `catalog changes`: what crawls added, modified, moved and deleted.
struct ChangesCommand: AsyncParsableCommand, Listing {
    static let limitHelp = "The most changes shown, in the order crawls made them; 0 for all. The count says how many there are."

    static let configuration = CommandConfiguration(
        commandName: "changes",
        abstract: "List what crawls added, modified (which fields), moved (old → new path) and deleted.",
        discussion: """
            By default, the changes made by the last complete crawl of each source. --since N lists the changes of every complete crawl after crawl \
            N (see `catalog status`); --since WHEN those of crawls that finished at or after it: a date (2026-11-01), an age (7d, 12h, 2w), today, \
            yesterday or a weekday (monday: the last one). --project NAME keeps the changes inside projects of that name (as project: in a search: \
            case-insensitive, * a wildcard, several separated by commas). A first crawl into an empty catalog is not itemised (everything was \
            added): use `catalog export` for it.

            Examples:
              catalog changes
              catalog changes --since monday --project "Spring Spot" --format csv -o week.csv
            """)

    @OptionGroup var global: GlobalOptions

    @Option(
        help: ArgumentHelp(
            "A crawl id (changes after it), or since when: a date, 7d, 12h, 2w, today, yesterday, monday.", valueName: "crawl-id|when"))
    var since: String?

    @OptionGroup var only: SourceOption

    @OptionGroup var projects: ProjectOption

    @OptionGroup var listing: ListingOptions<Self>

    func validate() throws {
        if let since, Int64(since) == nil, SearchQueryParser().moment(since) == nil {
            throw ValidationError(
                """
                --since takes a crawl id (e.g. 12), a date (2026-11-01, 2026-11-01T09:00:00Z), an age (7d, 12h, 2w), today, yesterday or a \
                weekday (monday)
                """
            )
        }
    }

    func run() async throws {
        Catalog.bootstrapLogging(verbose: global.verbose)
        let database = try global.openDatabase()
        let chosen = listing.chosenFormat()
        let totals = try Self.write(
            database: database, since: since, source: only.source, projects: try projects.paths(in: database), format: chosen,
            output: listing.output.target,
            limit: listing.limit)
        if !global.quiet {
            let shown = totals.all > totals.changes ? " (the first \(Count.grouped(totals.changes)) shown; --limit 0 for all)" : ""
            Terminal.say(
                totals.all == 0
                    ? "no changes"
                    : Count.of(totals.all, "change") + (totals.rows != totals.changes ? " in \(Count.of(totals.rows, "row"))" : "") + shown)
        }
    }

    /// Writes the changes after crawl `since` (an id), since a moment, or of each source's last
    /// crawl; inside the project folders `projects` when given; the first `limit` (0: all).
    /// Returns how many changes were written, in how many rows, and how many there are.
    @discardableResult
    static func write(
        database: CatalogDatabase, since: String?, source only: Source?, projects: [String]? = nil, format: OutputFormat, output: OutputTarget,
        limit: Int = 0
    ) throws -> (changes: Int, rows: Int, all: Int) {
        // What to read: the changes after a crawl, since a moment, or of each source's last
        // complete crawl; the first `limit` read, all of them counted by the database.
        var filters: [CatalogDatabase.ChangeFilter] = []
        if let since, let crawlID = Int64(since) {
            filters = [.init(afterCrawl: crawlID, source: only, under: projects)]
        } else if let since, let date = SearchQueryParser().moment(since) {
            filters = [.init(since: date, source: only, under: projects)]
        } else {
            for source in only.map({ [$0] }) ?? Source.allCases {
                guard let last = try database.lastCompleteCrawl(source: source) else { continue }
                filters.append(.init(crawl: last.id, source: source, under: projects))
            }
        }
        var totals = (changes: 0, rows: 0, all: 0)
        try AtomicOutput.write(to: output) { sink in
            var writer = ChangeWriter(format: format, width: Terminal.columns, sink: sink)
            try writer.begin()
            var left = limit == 0 ? Int.max : limit
            for filter in filters where left > 0 {
                try database.forEachChange(filter, limit: limit == 0 ? nil : left) { change in
                    try writer.write(change)
                    left -= 1
                }
            }
            try writer.end()
            totals = (writer.changeCount, writer.rowsWritten, writer.changeCount)
        }
        if limit > 0, totals.changes == limit {
            totals.all = try filters.reduce(0) { try $0 + database.changeCount($1) }
        }
        return totals
    }
}

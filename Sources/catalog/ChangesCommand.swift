import ArgumentParser
import CatalogCore
import CatalogReports
import CatalogStore
import Foundation

/// `catalog changes`: what crawls added, modified, moved and deleted.
struct ChangesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "changes",
        abstract: "List what crawls added, modified (which fields), moved (old → new path) and deleted.",
        discussion: """
            By default, the changes made by the last complete crawl of each source. --since N lists the changes of every complete crawl after crawl \
            N (see `catalog status`); --since WHEN those of crawls that finished at or after it: a date (2026-11-01), an age (7d, 12h, 2w), today, \
            yesterday or a weekday (monday: the last one). --project NAME keeps the changes inside projects of that name (as project: in a search: \
            case-insensitive, * a wildcard, several separated by commas). A first crawl into an empty catalog is not itemised (everything was \
            added): use `catalog export` for it.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(
        help: ArgumentHelp(
            "A crawl id (changes after it), or since when: a date, 7d, 12h, 2w, today, yesterday, monday.", valueName: "crawl-id|when"))
    var since: String?

    @Option(help: "Only this source.")
    var source: Source?

    @Option(help: ArgumentHelp("Only changes inside projects of this name (* a wildcard; several: a,b).", valueName: "name"))
    var project: String?

    @Option(help: "table (default on a terminal), json, ndjson (default when piped) or csv.")
    var format: OutputFormat?

    @Option(help: "The most changes shown, in the order crawls made them; 0 for all. The count says how many there are.")
    var limit = 0

    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard limit >= 0 else { throw ValidationError("--limit must be 0 (all) or more") }
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
        let chosen = Terminal.format(format, toStdout: output.isStdout)
        let projects = try project.map { names in
            try database.projectPaths(named: names.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
        }
        if let project, projects?.isEmpty == true {
            throw UsageError(description: "no project is called '\(TerminalText.sanitize(project))' (`catalog search kind:project` lists them)")
        }
        let totals = try Self.write(
            database: database, since: since, source: source, projects: projects, format: chosen, output: output.target, limit: limit)
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
        var totals = (changes: 0, rows: 0, all: 0)
        try AtomicOutput.write(to: output) { sink in
            var writer = ChangeWriter(format: format, width: Terminal.columns, sink: sink)
            try writer.begin()
            var all = 0
            func take(_ change: CatalogChange) throws {
                all += 1
                if limit == 0 || all <= limit { try writer.write(change) }
            }
            if let since, let crawlID = Int64(since) {
                try database.forEachChange(afterCrawl: crawlID, source: only, under: projects) { try take($0) }
            } else if let since, let date = SearchQueryParser().moment(since) {
                try database.forEachChange(since: date, source: only, under: projects) { try take($0) }
            } else {
                for source in only.map({ [$0] }) ?? Source.allCases {
                    guard let last = try database.lastCompleteCrawl(source: source) else { continue }
                    try database.forEachChange(afterCrawl: last.id - 1, source: source, under: projects) { change in
                        if change.crawlID == last.id { try take(change) }
                    }
                }
            }
            try writer.end()
            totals = (writer.changeCount, writer.rowsWritten, all)
        }
        return totals
    }
}

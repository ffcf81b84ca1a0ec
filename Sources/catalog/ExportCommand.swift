import ArgumentParser
import CatalogCore
import CatalogReports
import CatalogStore
import Foundation

/// `catalog export REPORT`: a report, streamed, to stdout or atomically to a file.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a report — inventory (every item), search QUERY, dupes, changes or comments — as NDJSON, JSON or CSV.",
        discussion: """
            Examples: `catalog export inventory --format csv -o inventory.csv`, `catalog export search 'kind:file size:>1GB' --format json`, \
            `catalog export dupes --min-size 100MB`, `catalog export changes --since 12`, `catalog export comments logo --since 7d`. Inventory, \
            search, changes and comments stream in constant memory. \
            With --output the file is written to a temporary name and renamed when complete. Columns and keys: reports.md (in share/doc/catalog/docs).
            """)

    enum Report: String, ExpressibleByArgument, CaseIterable {
        case inventory, search, dupes, changes, comments
    }

    @OptionGroup var global: GlobalOptions

    @Argument(help: "inventory (default), search, dupes, changes or comments.")
    var report: Report = .inventory

    @Argument(help: "For search: the query; for comments: words the comments hold (several arguments are joined with spaces).")
    var query: [String] = []

    /// What export writes: data for programs (a table is for the terminal: `catalog search`).
    enum Format: String, FormatChoice {
        case ndjson, json, csv
    }

    @Option(help: "ndjson (default), json or csv.")
    var format: Format = .ndjson

    @OptionGroup var output: OutputOptions

    @Option(help: ArgumentHelp("The most rows written; 0 for all (the default, but for search: 1000000).", valueName: "n"))
    var limit: Int?

    @Option(
        help: ArgumentHelp(
            "For changes: a crawl id (changes after it) or a date (changes since it); for comments: a date or an age (7d).",
            valueName: "crawl-id|date"))
    var since: String?

    @Flag(help: "For comments: only the notes still to address.")
    var open = false

    @OptionGroup(title: "For dupes (--source also for changes, --project for changes and comments too)") var dupes: DupesOptions

    func validate() throws {
        if report == .search, query.isEmpty { throw ValidationError("export search needs a query, e.g. catalog export search 'kind:file ext:mov'") }
        if report != .search, report != .comments, !query.isEmpty {
            throw ValidationError("unexpected argument '\(query.joined(separator: " "))': only export search and export comments take a query")
        }
        if open, report != .comments { throw ValidationError("--open is for export comments") }
        if let limit, !(0...10_000_000).contains(limit) { throw ValidationError("--limit must be between 0 (all) and 10 000 000") }
        if since != nil, report != .changes, report != .comments { throw ValidationError("--since is for export changes and export comments") }
        if dupes.projects.project != nil, ![.dupes, .changes, .comments].contains(report) {
            throw ValidationError("--project is for export dupes, export changes and export comments")
        }
        if dupes.source != nil, ![.dupes, .changes].contains(report) {
            throw ValidationError("--source is for export dupes and export changes (a search takes source:NAME)")
        }
        if report == .comments {
            try CommentsCommand.checkSince(since)
            _ = try CommentsCommand.words(query)
        }
    }

    func run() async throws {
        Catalog.bootstrapLogging(verbose: global.verbose)
        let format = self.format.output
        if output.isStdout { Terminal.indentJSON(format) }
        let database = try global.openDatabase()
        // The rows written: --limit, 0 for all; without it all, but a search's first million.
        let most = limit ?? (report == .search ? 1_000_000 : 0)
        switch report {
        case .inventory:
            struct Enough: Error {}
            try AtomicOutput.write(to: output.target) { sink in
                var writer = ItemWriter(format: format, report: "inventory", width: Terminal.columns, sink: sink)
                try writer.begin()
                var written = 0
                do {
                    try database.forEachItem(records: false) { item in
                        guard most == 0 || written < most else { throw Enough() }
                        try writer.write(item)
                        written += 1
                    }
                } catch is Enough {}
                try writer.end()
            }
        case .search:
            let parsed = try database.parseQuery(query.joined(separator: " "))
            let items = try database.search(parsed, limit: most == 0 ? Int.max : most)
            try AtomicOutput.write(to: output.target) { sink in
                var writer = ItemWriter(format: format, report: "search", width: Terminal.columns, sink: sink)
                try writer.begin()
                for item in items { try writer.write(item) }
                try writer.end()
            }
        case .dupes:
            let (summary, _) = try DupesCommand.write(
                database: database, filter: try dupes.filter(in: database), format: format, output: output.target, limit: most)
            Terminal.error(DuplicateWriter.summaryLine(summary))
        case .changes:
            try ChangesCommand.write(
                database: database, since: since, source: dupes.source, projects: try dupes.projects.paths(in: database), format: format,
                output: output.target, limit: most)
        case .comments:
            let filter = try CommentsCommand.filter(database: database, query: query, projects: dupes.projects, since: since, open: open)
            try CommentsCommand.write(database: database, filter: filter, format: format, output: output.target, limit: most)
        }
    }
}

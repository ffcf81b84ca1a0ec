import ArgumentParser
import CatalogCore
import CatalogReports
import CatalogStore
import Foundation

/// `catalog export REPORT`: a report, streamed, to stdout or atomically to a file.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a report — inventory (every item), search QUERY, dupes or changes — as NDJSON, JSON or CSV.",
        discussion: """
            Examples: `catalog export inventory --format csv -o inventory.csv`, `catalog export search 'kind:file size:>1GB' --format json`, \
            `catalog export dupes --min-size 100MB`, `catalog export changes --since 12`. Inventory, search and changes stream in constant memory. \
            With --output the file is written to a temporary name and renamed when complete. Columns and keys: reports.md (in share/doc/catalog/docs).
            """)

    enum Report: String, ExpressibleByArgument, CaseIterable {
        case inventory, search, dupes, changes
    }

    @OptionGroup var global: GlobalOptions

    @Argument(help: "inventory (default), search, dupes or changes.")
    var report: Report = .inventory

    @Argument(help: "For search: the query (several arguments are joined with spaces).")
    var query: [String] = []

    /// What export writes: data for programs (a table is for the terminal: `catalog search`).
    enum Format: String, FormatChoice {
        case ndjson, json, csv
    }

    @Option(help: "ndjson (default), json or csv.")
    var format: Format = .ndjson

    @OptionGroup var output: OutputOptions

    @Option(help: "For search: the most results written.")
    var limit = 1_000_000

    @Option(help: ArgumentHelp("For changes: a crawl id (changes after it) or a date (changes since it).", valueName: "crawl-id|date"))
    var since: String?

    @OptionGroup(title: "For dupes (--source also for changes)") var dupes: DupesOptions

    func validate() throws {
        if report == .search, query.isEmpty { throw ValidationError("export search needs a query, e.g. catalog export search 'kind:file ext:mov'") }
        if report != .search, !query.isEmpty {
            throw ValidationError("unexpected argument '\(query.joined(separator: " "))': only export search takes a query")
        }
        guard (0...10_000_000).contains(limit) else { throw ValidationError("--limit must be between 0 and 10000000") }
        if since != nil, report != .changes { throw ValidationError("--since is for export changes") }
        _ = try dupes.filter()
    }

    func run() async throws {
        Catalog.bootstrapLogging(verbose: global.verbose)
        let format = self.format.output
        if output.isStdout { Terminal.indentJSON(format) }
        let database = try global.openDatabase()
        switch report {
        case .inventory:
            try AtomicOutput.write(to: output.target) { sink in
                var writer = ItemWriter(format: format, report: "inventory", width: Terminal.columns, sink: sink)
                try writer.begin()
                try database.forEachItem(records: false) { try writer.write($0) }
                try writer.end()
            }
        case .search:
            let parsed = try database.parseQuery(query.joined(separator: " "))
            let items = try database.search(parsed, limit: limit)
            try AtomicOutput.write(to: output.target) { sink in
                var writer = ItemWriter(format: format, report: "search", width: Terminal.columns, sink: sink)
                try writer.begin()
                for item in items { try writer.write(item) }
                try writer.end()
            }
        case .dupes:
            let (summary, _) = try DupesCommand.write(
                database: database, filter: try dupes.filter(), format: format, output: output.target)
            Terminal.error(DuplicateWriter.summaryLine(summary))
        case .changes:
            try ChangesCommand.write(
                database: database, since: since, source: try dupes.filter().source, format: format,
                output: output.target)
        }
    }
}

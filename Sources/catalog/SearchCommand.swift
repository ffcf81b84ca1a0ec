import ArgumentParser
import CatalogCore
import CatalogReports
import CatalogStore
import Foundation

extension OutputFormat: ExpressibleByArgument {}

/// `catalog search QUERY`: query the catalog offline.
struct SearchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Search the catalog offline.",
        discussion: """
            Words must all match (prefix* for prefixes, "quoted phrases", a OR b, -excluded). A query of filters only lists matches by path.

            Filters:
              kind:file|folder|version_stack|project|workspace|team|account|asset
              source:frameio|dash  project:NAME  ext:mov  label:approved
              size:>1GB  size:<10MB  state:live  type:image|video|audio|document
              updated:>=2025-01-01  created:2025  uploaded:<2025-06
              updated:>7d  updated:<=2w  created:today
              xxh64:HEX  md5:HEX  folder:"Campaigns/2026"
              and custom fields: Brand:Acme  "Usage Rights":"Web only"

            Full reference: docs/query-language.md.
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The query (several arguments are joined with spaces).")
    var query: [String] = []

    @Option(help: "table (default on a terminal), json, ndjson or csv (default when piped: ndjson).")
    var format: OutputFormat?

    @Option(help: "The most results shown; 0 for all.")
    var limit = 50

    func validate() throws {
        guard (0...1_000_000).contains(limit) else { throw ValidationError("--limit must be between 0 (all) and 1000000") }
    }

    func run() async throws {
        Catalog.bootstrapLogging(verbose: global.verbose)
        let text = query.joined(separator: " ")
        do {
            let database: CatalogDatabase
            do {
                database = try global.openDatabase()
            } catch StoreError.noCatalog(let path) {
                // A query that cannot be parsed is a usage error whatever the catalog: say that
                // first (a custom field name needs the catalog to be known, so it is left out).
                if case .failure(let error) = Result(catching: { try SearchQueryParser().parse(text) }) {
                    if case SearchQueryError.unknownFilter = error {} else { throw error }
                }
                throw StoreError.noCatalog(path: path)
            }
            let parsed = try database.parseQuery(text)
            // One more than shown tells whether more match, at the cost of one row.
            var items = try database.search(parsed, limit: limit == 0 ? Int.max : limit + 1)
            let more = limit > 0 && items.count > limit
            if more { items.removeLast() }
            let chosen = Terminal.format(format)
            var writer = ItemWriter(format: chosen, report: "search", width: Terminal.columns) { bytes in
                Terminal.writeOutput(bytes)
            }
            try writer.begin()
            for item in items { try writer.write(item) }
            try writer.end()
            if !global.quiet {
                Terminal.error(
                    more
                        ? "\(Count.of(items.count, "result")) shown; more match (--limit 0 for all, or narrow the query)"
                        : items.isEmpty ? "no results" : Count.of(items.count, "result"))
            }
        } catch {
            throw ErrorReport.exit(error)
        }
    }
}

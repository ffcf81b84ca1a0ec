import ArgumentParser
import CatalogCore
import CatalogReports
import CatalogStore
import Foundation

extension OutputFormat: ExpressibleByArgument {}

/// `catalog search QUERY`: query the catalog offline.
struct SearchCommand: AsyncParsableCommand, Listing {
    static let limitHelp = "The most results shown; 0 for all."
    static let defaultLimit = 50

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

            Full reference: query-language.md (in share/doc/catalog/docs).

            Examples:
              catalog search interview 'drone*' -draft kind:file
              catalog search 'Brand:Acme size:>1GB' --sort size --format csv -o big.csv
            """)

    @OptionGroup var global: GlobalOptions

    /// The query's words (``arranged(_:)`` puts every argument that is not one of the options
    /// here, so `-draft` is an exclusion, not an unknown option).
    @Argument(help: "The query (several arguments are joined with spaces; -word excludes a word, unquoted too).")
    var query: [String] = []

    /// `catalog search …`'s arguments with its options first and every other argument after a
    /// `--`, so a word starting with `-` anywhere (`catalog search -draft kind:file`,
    /// `catalog search interview -bravo`) is a query word: the argument parser took `-bravo` for
    /// the flags `-b -r -a -v -o`. `catalog comments …` the same. Other commands' arguments are
    /// returned as they are.
    static func arranged(_ arguments: [String]) -> [String] {
        switch arguments.first {
        case "search":
            CommandOptions.queryWordsLast(arguments, values: options.values, flags: options.flags)
        case "comments":
            CommandOptions.queryWordsLast(arguments, values: commentsOptions.values, flags: commentsOptions.flags)
        default:
            arguments
        }
    }

    /// The options and flags of `search` and of `comments`, as the parser has them.
    static let options = CommandOptions.names(under: Catalog.self, path: ["search"])
    static let commentsOptions = CommandOptions.names(under: Catalog.self, path: ["comments"])

    @OptionGroup var listing: ListingOptions<Self>

    @Option(help: "Skip this many results first (the next page: --offset 50).")
    var offset = 0

    @Option(help: "relevance (default), name (A to Z), size (largest first), updated (newest first) or path.")
    var sort: SearchOrder = .relevance

    @Flag(help: "Turn the --sort order round (smallest, oldest, Z to A first).")
    var reverse = false

    @Option(
        help: ArgumentHelp(
            "The fields shown, comma-separated (e.g. name,size,path): table and CSV columns, JSON keys.",
            valueName: "list"), completion: .list(ItemField.allCases.map(\.rawValue)), transform: ItemFields.parse)
    var fields: ItemFields?

    @OptionGroup var only: SourceOption

    func validate() throws {
        // `--limt 5` is a mistyped option, not a query: only single-dash words are exclusions.
        try CommandOptions.refuseOptions(among: query, command: "search", known: Self.options)
        guard offset >= 0 else { throw ValidationError("--offset must be 0 or more") }
        if reverse && sort == .relevance { throw ValidationError("--reverse turns a --sort order round: give --sort name, size, updated or path") }
    }

    func run() async throws {
        Catalog.bootstrapLogging(verbose: global.verbose)
        let text = (query.filter { $0 != "--" } + (only.source.map { ["source:\($0.rawValue)"] } ?? [])).joined(separator: " ")
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
        let limit = listing.limit
        var items = try database.search(parsed, order: sort, reverse: reverse, limit: limit == 0 ? Int.max : limit + 1, offset: offset)
        let more = limit > 0 && items.count > limit
        if more { items.removeLast() }
        try Self.print(
            items, of: parsed, format: listing.chosenFormat(), fields: fields?.fields, link: try global.webLink(database), from: database,
            to: listing.output.target)
        guard !global.quiet else { return }
        if items.isEmpty, offset == 0, try database.itemCount() == 0 {
            Terminal.error("the catalog is empty: run `catalog crawl` to fill it (`catalog status` shows what it holds)")
        } else if more {
            // The page is out; the count gets a time budget, and says "at least" past it.
            let total = try database.count(parsed, cap: Self.countCap)
            let shown = offset == 0 ? "\(Count.grouped(items.count))" : "\(Count.grouped(offset + 1))–\(Count.grouped(offset + items.count))"
            let of = total.isExact ? Count.grouped(total.count) : "\(Count.grouped(max(total.count, offset + items.count + 1)))+"
            Terminal.error("\(shown) of \(of) results (--offset \(offset + items.count) for the next page, --limit 0 for all)")
        } else {
            Terminal.error(
                items.isEmpty ? (offset > 0 ? "no results past \(Count.grouped(offset))" : "no results") : Count.of(items.count, "result"))
        }
    }

    /// Prints a page of results as `catalog search` does (and `catalog demo` after it): a table's
    /// columns chosen for the query and results (``columns(for:items:width:)``) with the short
    /// ids of its ID column, project names only when shown, a Dash asset under the folder a
    /// `folder:` filter matched.
    static func print(
        _ items: [CatalogItem], of query: SearchQuery, format: OutputFormat, fields: [ItemField]? = nil, link: WebLink? = nil,
        from database: CatalogDatabase, to output: OutputTarget = OutputTarget()
    ) throws {
        let columns = fields ?? (format == .table ? columns(for: query, items: items) : nil)
        // Project names are looked up only when a column or the JSON and CSV defaults show them.
        let showsProject = columns.map { $0.contains(.project) } ?? (format != .table)
        let projects = showsProject ? try database.projectNames(of: items) : nil
        let shortIDs = format == .table && columns?.contains(.id) == true ? try database.shortIDs(of: items) : [:]
        let folders = query.filters.flatMap { clause -> [String] in
            if case .folder(let paths) = clause.filter, !clause.isNegated { return paths }
            return []
        }
        try AtomicOutput.write(to: output) { sink in
            var writer = ItemWriter(
                format: format, report: "search", fields: columns, link: link, projects: projects, width: Terminal.columns, sink: sink)
            writer.shortIDs = shortIDs
            try writer.begin()
            for item in items { try writer.write(format == .table ? showingMatchedFolder(item, folders) : item) }
            try writer.end()
        }
    }

    /// The most matches counted for "50 of N" (counting costs as much as reading the matches:
    /// "more than 10 000" is as useful as an exact count of a million, and takes milliseconds).
    static let countCap = 10_000

    /// A table's columns: name (not under ``idColumnWidth``), kind, size, path, updated, with SOURCE when the results span
    /// sources, LABEL when the query asks about labels and PROJECT when it asks about projects,
    /// and first a short ID (what `show` and `open` take) when the terminal has room for it
    /// (``idColumnWidth`` columns) or two results have the same name, unless every result is a
    /// local file (their ids are their paths).
    static func columns(for query: SearchQuery, items: [CatalogItem], width: Int = Terminal.columns) -> [ItemField] {
        var columns = TableRenderer.defaultFields
        let sameName = Set(items.map(\.name)).count < items.count
        if width >= idColumnWidth || sameName, !items.allSatisfy({ $0.source == .local }) { columns.insert(.id, at: 0) }
        let after = (columns.firstIndex(of: .kind) ?? 0) + 1
        if Set(items.map(\.source)).count > 1 { columns.insert(.source, at: after) }
        if query.filters.contains(where: { if case .label = $0.filter { true } else { false } }) { columns.insert(.label, at: after) }
        if query.filters.contains(where: { if case .project = $0.filter { true } else { false } }) { columns.insert(.project, at: after) }
        // Narrower than the ID's width, the name goes (the path ends in it), as in the changes
        // table: the path then has room for its top folders as well as the file's name.
        if width < idColumnWidth { columns.removeAll { $0 == .name } }
        return columns
    }

    /// The terminal width from which a search's table shows the ID column unasked.
    static let idColumnWidth = 100

    /// `item` shown under the first of its Dash folders a `folder:` filter matched, instead of
    /// its first folder, so the table shows why it matched.
    static func showingMatchedFolder(_ item: CatalogItem, _ patterns: [String]) -> CatalogItem {
        guard !patterns.isEmpty, item.folders.count > 1 else { return item }
        for pattern in patterns {
            if let folder = item.folders.first(where: { FolderPattern.matches(pattern, $0) }) {
                var shown = item
                shown.path = folder + "/" + item.name
                return shown
            }
        }
        return item
    }
}

/// Item fields given as one comma-separated value (`--fields name,size,path`).
struct ItemFields {
    var fields: [ItemField]

    /// The fields of a `--fields` list; one that is not a field is refused naming every field.
    static func parse(_ argument: String) throws -> ItemFields {
        if let fields = ItemField.parse(list: argument) { return ItemFields(fields: fields) }
        let unknown = argument.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { ItemField.parse(list: $0) == nil }
        let named = unknown.map { $0.isEmpty ? "an empty name" : "'\(TerminalText.sanitize($0))'" }.joined(separator: ", ")
        throw ValidationError(
            "\(named) \(unknown.count == 1 ? "is not a field" : "are not fields"); the fields: "
                + ItemField.allCases.map(\.rawValue).joined(separator: ", ") + " (a custom field's values are in metadata)")
    }
}

extension SearchOrder: ExpressibleByArgument {}

/// How `folder:` matches a folder path: the folder or one inside it, case-insensitively, `*` any
/// run of characters (as the catalog's SQL does it).
enum FolderPattern {
    static func matches(_ pattern: String, _ folder: String) -> Bool {
        let p = Array(pattern.lowercased())
        let f = Array(folder.lowercased())
        // rest[j]: whether p[i...] matches f[j...] wholly or up to a `/` that starts a
        // sub-folder, for i from the end back to 0 (quadratic at worst, whatever the stars).
        var rest = (0...f.count).map { $0 == f.count || f[$0] == "/" }
        for i in stride(from: p.count - 1, through: 0, by: -1) {
            var next = [Bool](repeating: false, count: f.count + 1)
            if p[i] == "*" {
                var any = false
                for j in stride(from: f.count, through: 0, by: -1) {
                    any = any || rest[j]
                    next[j] = any
                }
            } else {
                for j in 0..<f.count where p[i] == f[j] { next[j] = rest[j + 1] }
            }
            rest = next
        }
        return rest[0]
    }
}

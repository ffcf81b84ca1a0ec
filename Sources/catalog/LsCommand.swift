import ArgumentParser
import CatalogCore
import CatalogReports
import CatalogStore
import Foundation

/// `catalog ls [PATH]`: browse the catalogued tree like a file system.
struct LsCommand: AsyncParsableCommand, Listing {
    static let limitHelp = "The most entries listed, in name order; 0 for all. The count says how many there are."
    static let formatHelp = "table (names one per line, as ls writes them, on a terminal and piped), json, ndjson or csv; -o FILE.csv names it too."

    static let configuration = CommandConfiguration(
        commandName: "ls",
        abstract: "List what the catalog holds in a folder, like ls.",
        discussion: """
            PATH is a path as search shows it (`catalog ls "Northlight Studio/Post Production"`); without one, the top: Frame.io accounts and Dash's \
            top folders. Folders end in /. Dash folders exist only in assets' paths, so they are listed from those.

            Examples:
              catalog ls "Northlight Studio/Post Production" -l
              catalog ls --source dash | grep -i logo
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The folder (default: the top).", valueName: "path"))
    var path: String = ""

    @Flag(name: .short, help: "Long listing: kind, size, date updated and name.")
    var long = false

    @OptionGroup var only: SourceOption

    @OptionGroup var listing: ListingOptions<Self>

    @Option(
        help: ArgumentHelp("For json, ndjson and csv: the fields, comma-separated (as search --fields).", valueName: "list"),
        completion: .list(ItemField.allCases.map(\.rawValue)), transform: ItemFields.parse)
    var fields: ItemFields?

    func validate() throws {
        if fields != nil, listing.format == nil || listing.format == .table {
            throw ValidationError(
                "--fields picks the fields of json, ndjson and csv; a listing shows names (-l: kind, size, date). Add --format ndjson")
        }
    }

    func run() async throws {
        Catalog.bootstrapLogging(verbose: global.verbose)
        let database = try global.openDatabase()
        let folder = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path == "/" ? "" : path
        var entries = try database.list(folder, source: only.source)
        if entries.isEmpty, !folder.isEmpty {
            // A file lists as itself, as ls does; nothing at all is an error.
            let here = try database.items(path: folder, source: only.source)
            guard !here.isEmpty else { throw NothingAtPath(path: folder) }
            entries = here.filter { !$0.kind.isContainer }.map { ListingEntry(source: $0.source, name: $0.name, path: $0.path, item: $0) }
        }
        let all = entries.count
        if listing.limit > 0, all > listing.limit { entries = Array(entries.prefix(listing.limit)) }
        defer {
            if entries.count < all, !global.quiet {
                Terminal.say("\(Count.grouped(entries.count)) of \(Count.of(all, "entry")) shown (--limit 0 for all)")
            }
        }
        // Piped too, a listing is names one per line, as `ls | grep` expects; data is `--format ndjson`.
        let chosen = listing.chosenFormat(piped: .table)
        let link = try global.webLink(database)
        let projects = chosen == .table ? [:] : try database.projectNames(of: entries.compactMap(\.item))
        try AtomicOutput.write(to: listing.output.target) { sink in
            switch chosen {
            case .table:
                try sink(Array(Self.text(entries, long: long, width: Terminal.columns).utf8))
            case .json, .ndjson, .csv:
                var writer = ItemWriter(format: chosen, report: "ls", fields: fields?.fields, link: link, projects: projects, sink: sink)
                try writer.begin()
                for entry in entries { try writer.write(entry.item ?? Self.pathFolder(entry)) }
                try writer.end()
            }
        }
    }

    /// A folder known only from paths, as an item for JSON and CSV: kind `folder`, no id.
    static func pathFolder(_ entry: ListingEntry) -> CatalogItem {
        CatalogItem(
            source: entry.source, id: "", kind: .folder, name: entry.name, parentID: nil, projectID: nil, path: entry.path, record: "{}")
    }

    /// Names one per line (folders end in `/`), or with `-l` a table of kind, size, date and name.
    static func text(_ entries: [ListingEntry], long: Bool, width: Int) -> String {
        guard !entries.isEmpty else { return "" }
        func name(_ entry: ListingEntry) -> String { TerminalText.sanitize(entry.name) + (entry.isFolder ? "/" : "") }
        guard long else { return entries.map { name($0) + "\n" }.joined() }
        let rows = entries.map { entry -> [String] in
            let item = entry.item
            return [
                item?.kind.rawValue ?? "folder", item.map { TableRenderer.cell(.size, of: $0) } ?? "—",
                item.map { TableRenderer.cell(.updatedAt, of: $0) } ?? "", name(entry),
            ]
        }
        let kindWidth: Int = rows.reduce(0) { max($0, DisplayWidth.of($1[0])) }
        let nameWidth = max(20, width - kindWidth - 8 - 10 - 6)
        return TableRenderer.grid(
            header: ["KIND", "SIZE", "UPDATED", "NAME"], rows: rows, limits: [13, 8, 10, nameWidth], rightAligned: [1])
    }
}

/// Nothing is catalogued at a path.
struct NothingAtPath: Error, CatalogFailure, CustomStringConvertible {
    var path: String
    var failureClass: FailureClass { .failure }
    var description: String {
        "nothing is catalogued at '\(path)'. `catalog ls` lists the top; paths are as search shows them (Account/Workspace/Project/…)."
    }
}

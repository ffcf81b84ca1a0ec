import ArgumentParser
import CatalogCore
import CatalogReports
import CatalogStore
import Foundation

/// What `catalog dupes` and `catalog export dupes` look at.
struct DupesOptions: ParsableArguments {
    @Option(help: "Only this source.")
    var source: Source?

    @Option(help: ArgumentHelp("Leave out files smaller than this (e.g. 100MB, 1GiB).", valueName: "size"))
    var minSize: ByteSize?

    @OptionGroup var projects: ProjectOption

    @Option(help: ArgumentHelp("Kinds compared, comma-separated: file, asset, version_stack (default file,asset).", valueName: "kinds"))
    var kind: ItemKinds?

    @Flag(help: "Also group files without a digest by size and name, labelled probable (never mixed with proven groups).")
    var probable = false

    /// The filter, with the projects `--project` names looked up in `database`.
    func filter(in database: CatalogDatabase) throws -> DuplicateFilter {
        var filter = DuplicateFilter(probable: probable)
        filter.source = source
        filter.minSize = minSize?.bytes
        filter.projectIDs = try projects.ids(in: database)
        if let kind { filter.kinds = kind.kinds }
        return filter
    }
}

/// `catalog dupes`: groups of items with the same content.
struct DupesCommand: AsyncParsableCommand, Listing {
    static let limitHelp = "The most groups shown, most wasted bytes first; 0 for all. The summary counts every group."

    static let configuration = CommandConfiguration(
        commandName: "dupes",
        abstract: "List groups of files with the same content (XXH64 for Frame.io, MD5 for Dash), most wasted bytes first.",
        discussion: """
            Each group gives its copies' paths, the size of one copy and the wasted bytes (size × (places − 1)); versions inside \
            one version stack count as one place. An item carrying both digests joins groups across sources. The summary line goes \
            to standard error for json, ndjson and csv. Formats: reports.md (in share/doc/catalog/docs).

            Examples:
              catalog dupes --min-size 100MB --limit 20
              catalog dupes --source local --format csv -o card-dupes.csv
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var options: DupesOptions

    @OptionGroup var listing: ListingOptions<Self>

    func run() async throws {
        Catalog.bootstrapLogging(verbose: global.verbose)
        let database = try global.openDatabase()
        let chosen = listing.chosenFormat()
        let (summary, shown) = try Self.write(
            database: database, filter: try options.filter(in: database), format: chosen, output: listing.output.target, limit: listing.limit)
        if chosen != .table { Terminal.say(DuplicateWriter.summaryLine(summary)) }
        let groups = summary.groups + summary.probableGroups
        if shown < groups {
            let probable = summary.probableGroups > 0 ? ", \(Count.grouped(summary.probableGroups)) of them probable," : ""
            Terminal.say("\(Count.grouped(shown)) of \(Count.of(groups, "group"))\(probable) shown (--limit 0 for all)")
        }
    }

    /// Writes the duplicate groups (the first `limit`, when not 0; every group is counted in the
    /// totals); returns the totals and how many groups were written.
    @discardableResult
    static func write(
        database: CatalogDatabase, filter: DuplicateFilter, format: OutputFormat, output: OutputTarget, limit: Int = 0
    ) throws -> (totals: DuplicateSummary, written: Int) {
        let groups = try database.duplicateGroups(filter)
        var summary = DuplicateSummary()
        let written = limit == 0 ? groups.count : min(limit, groups.count)
        try AtomicOutput.write(to: output) { sink in
            var writer = DuplicateWriter(format: format, width: Terminal.columns, sink: sink)
            try writer.begin()
            for group in groups[..<written] { try writer.write(group) }
            for group in groups[written...] { writer.count(group) }
            try writer.end()
            summary = writer.totals
        }
        return (summary, written)
    }
}

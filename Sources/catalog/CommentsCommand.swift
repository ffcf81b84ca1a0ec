import ArgumentParser
import CatalogCore
import CatalogReports
import CatalogStore
import Foundation

/// `catalog comments [QUERY]`: the review comments the catalog holds.
struct CommentsCommand: AsyncParsableCommand, Listing {
    static let limitHelp = "The most comments shown; 0 for all. The count says how many there are."

    static let configuration = CommandConfiguration(
        commandName: "comments",
        abstract: "List review comments (Frame.io V4): the file, where in it, who, whether done, and what was said.",
        discussion: """
            The words of QUERY must all be in a comment (its text or its author), read as search reads words: "a \
            phrase" quoted, logo* a prefix, OR between alternatives, -word (quoted: 'logo -flicker') to leave out; \
            with none, every comment. Replies follow the comment they answer. Comments are read by `catalog crawl \
            frameio --comments`; to find the files instead, search them: `catalog search comment:logo`. Columns and \
            keys: reports.md (in share/doc/catalog/docs).

            Examples:
              catalog comments logo                    # every note that says logo
              catalog comments --open --project "Spring Campaign"
              catalog comments --since 7d --format csv -o notes.csv
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "Words the comments hold (several arguments are joined with spaces).")
    var query: [String] = []

    @OptionGroup var projects: ProjectOption

    @Option(help: ArgumentHelp("Only comments written or edited since: a date, 7d, 12h, 2w, today, yesterday, monday.", valueName: "when"))
    var since: String?

    @Flag(help: "Only the notes still to address (not completed), with their replies.")
    var open = false

    @OptionGroup var listing: ListingOptions<Self>

    func validate() throws {
        try CommandOptions.refuseOptions(among: query, command: "comments", known: SearchCommand.commentsOptions)
        try Self.checkSince(since)
        _ = try Self.words(query)
    }

    /// `--since` for comments: a moment as search's dates take it.
    static func checkSince(_ since: String?) throws {
        guard let since, SearchQueryParser().moment(since) == nil else { return }
        throw ValidationError(
            "--since takes a date (2026-11-01, 2026-11-01T09:00:00Z), an age (7d, 12h, 2w), today, yesterday or a weekday (monday)")
    }

    /// The FTS5 expression of the query's words, read as search reads words (a "phrase",
    /// word*, OR, -word); nil for no query. Filters are refused: they are search's.
    static func words(_ query: [String]) throws -> String? {
        let text = query.joined(separator: " ")
        guard !text.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
        guard SearchQuery.isSearchable(text) else {
            throw ValidationError("'\(TerminalText.sanitize(text))' has no word to look for in comments")
        }
        let parsed = try SearchQueryParser().parse(text)
        guard parsed.filters.isEmpty, parsed.groups.isEmpty else {
            throw ValidationError(
                """
                catalog comments takes words, not filters: to find files by their comments, catalog search \
                'comment:WORD kind:file …'
                """)
        }
        guard let match = CommentFilter.matching(parsed) else {
            throw ValidationError("'\(TerminalText.sanitize(text))' has no word to look for in comments")
        }
        return match
    }

    func run() async throws {
        Catalog.bootstrapLogging(verbose: global.verbose)
        let database = try global.openDatabase()
        let chosen = listing.chosenFormat()
        var filter = try Self.filter(database: database, query: query, projects: projects, since: since, open: open)
        filter.source = .frameio
        guard try database.commentCount() > 0 else {
            // A pulled catalog's comments are read on its host.
            if let origin = try database.pullOrigin() {
                throw UsageError(
                    description: """
                        the catalog pulled from \(origin.url) holds no review comments: the host reads them (`catalog crawl frameio \
                        --comments` there, or crawl.comments = true), and the next `catalog pull` brings them.
                        """)
            }
            throw UsageError(
                description: "the catalog holds no review comments: read them with `catalog crawl frameio --comments` (Frame.io V4)")
        }
        let (shown, all) = try Self.write(database: database, filter: filter, format: chosen, output: listing.output.target, limit: listing.limit)
        if !global.quiet {
            let more = all > shown ? " (the first \(Count.grouped(shown)) shown; --limit 0 for all)" : ""
            Terminal.say(all == 0 ? "no comments match" : Count.of(all, "comment") + more)
        }
    }

    /// The filter of the command's (or the export's) options; an unknown project is refused.
    static func filter(database: CatalogDatabase, query: [String], projects: ProjectOption, since: String?, open: Bool) throws -> CommentFilter {
        var filter = CommentFilter()
        filter.match = try words(query)
        filter.projectIDs = try projects.ids(in: database)
        filter.since = since.flatMap { SearchQueryParser().moment($0) }
        filter.openOnly = open
        return filter
    }

    /// Writes the comments `filter` selects, the first `limit` (0: all); how many were written,
    /// and how many there are.
    @discardableResult
    static func write(
        database: CatalogDatabase, filter: CommentFilter, format: OutputFormat, output: OutputTarget, limit: Int = 0
    ) throws -> (shown: Int, all: Int) {
        var totals = (shown: 0, all: 0)
        try AtomicOutput.write(to: output) { sink in
            var writer = CommentWriter(format: format, width: Terminal.columns, sink: sink)
            try writer.begin()
            var all = 0
            try database.forEachComment(filter) { listed in
                all += 1
                if limit == 0 || all <= limit { try writer.write(listed) }
            }
            try writer.end()
            totals = (writer.commentCount, all)
        }
        return totals
    }
}

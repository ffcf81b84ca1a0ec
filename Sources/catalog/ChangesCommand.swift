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
            By default, the changes made by the last complete crawl of each source. --since N lists the changes of every complete crawl after crawl N (see `catalog status`); --since DATE those of crawls that finished at or after DATE. A first crawl into an empty catalog is not itemised (everything was added): use `catalog export` for it.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("A crawl id (changes after it) or a date (changes since it).", valueName: "crawl-id|date"))
    var since: String?

    @Option(help: "Only this source.")
    var source: Source?

    @Option(help: "table (default on a terminal), json, ndjson (default when piped) or csv.")
    var format: OutputFormat?

    @OptionGroup var output: OutputOptions

    func validate() throws {
        if let since, Int64(since) == nil, Timestamp.parse(since) == nil {
            throw ValidationError("--since takes a crawl id (e.g. 12) or a date (e.g. 2026-11-01 or 2026-11-01T09:00:00Z)")
        }
    }

    func run() async throws {
        Catalog.bootstrapLogging(verbose: global.verbose)
        do {
            let database = try global.openDatabase()
            let chosen = Terminal.format(format, toStdout: output.isStdout)
            try Self.write(
                database: database, since: since, source: source, format: chosen,
                output: output.target)
        } catch {
            throw ErrorReport.exit(error)
        }
    }

    /// Writes the changes after crawl `since` (an id), since a date, or of each source's last crawl.
    static func write(database: CatalogDatabase, since: String?, source only: Source?, format: OutputFormat, output: OutputTarget) throws {
        try AtomicOutput.write(to: output) { sink in
            var writer = ChangeWriter(format: format, width: Terminal.columns, sink: sink)
            try writer.begin()
            if let since, let crawlID = Int64(since) {
                try database.forEachChange(afterCrawl: crawlID, source: only) { try writer.write($0) }
            } else if let since, let date = Timestamp.parse(since) {
                try database.forEachChange(since: date, source: only) { try writer.write($0) }
            } else {
                for source in only.map({ [$0] }) ?? Source.allCases {
                    guard let last = try database.lastCompleteCrawl(source: source) else { continue }
                    try database.forEachChange(afterCrawl: last.id - 1, source: source) { change in
                        if change.crawlID == last.id { try writer.write(change) }
                    }
                }
            }
            try writer.end()
        }
    }
}

import ArgumentParser
import CatalogCore
import CatalogStore
import Crawler
import Foundation
import FrameIOClient

/// `catalog crawl [frameio]`: refresh the catalog from the services.
struct CrawlCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crawl",
        abstract: "Snapshot a whole Frame.io tree into the catalog.",
        discussion: """
            Reads FRAMEIO_TOKEN (required) and FRAMEIO_API_URL (default \(FrameIOClient.defaultBaseURL)).
            Nothing in the catalog changes until the crawl has read everything; a failed or
            interrupted crawl leaves the previous catalog searchable.
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The source to crawl: frameio (the default).")
    var source: String = "frameio"

    @Option(name: .long, help: ArgumentHelp("The Frame.io API base URL (overrides FRAMEIO_API_URL).", valueName: "url"))
    var frameioURL: String?

    @Option(help: "Pages fetched at once.")
    var concurrency = 8

    @Option(help: "Page size asked of the service (it may honour less).")
    var pageSize = FrameIOClient.defaultPageSize

    func validate() throws {
        guard source == "frameio" else {
            throw ValidationError("unknown source '\(source)': the sources that can be crawled are: frameio")
        }
        guard (1...64).contains(concurrency) else { throw ValidationError("--concurrency must be between 1 and 64") }
        guard (1...10_000).contains(pageSize) else { throw ValidationError("--page-size must be between 1 and 10000") }
    }

    func run() async throws {
        Catalog.bootstrapLogging(verbose: global.verbose)
        let environment = ProcessInfo.processInfo.environment
        do {
            guard let token = environment["FRAMEIO_TOKEN"], !token.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw ConfigurationError(
                    description:
                        "FRAMEIO_TOKEN is not set. Export a Frame.io developer token (https://developer.frame.io) as FRAMEIO_TOKEN and run the crawl again; the catalog was not touched."
                )
            }
            let baseURL = frameioURL ?? environment["FRAMEIO_API_URL"].flatMap { $0.isEmpty ? nil : $0 } ?? FrameIOClient.defaultBaseURL
            guard let url = URL(string: baseURL), let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil else {
                throw ConfigurationError(description: "the Frame.io URL '\(baseURL)' is not an http(s) URL. Fix --frameio-url or FRAMEIO_API_URL.")
            }
            let database = try global.openDatabase()
            let options = CrawlOptions(concurrency: concurrency, progress: Terminal.progressPrinter(quiet: global.quiet))
            let crawler = CrawlerFactory.frameIO(token: token, baseURL: baseURL, database: database, options: options, pageSize: pageSize)
            let report = try await crawler.run()
            Terminal.endProgress(quiet: global.quiet)
            if !global.quiet { Terminal.error(Summary.line(report)) }
        } catch {
            Terminal.endProgress(quiet: global.quiet)
            throw Failure.exit(error)
        }
    }
}

/// The one-line crawl summary.
enum Summary {
    static func line(_ report: CrawlReport) -> String {
        let s = report.stats
        return "\(report.source): \(s.items) items (\(s.added) new, \(s.changed) changed, \(s.deleted) deleted, \(s.unchanged) unchanged), "
            + "\(s.requests) requests (minimum \(report.minimumRequests)), \(s.retries) retries, \(s.throttled) throttled (429), "
            + "\(s.rateLimitWaits) rate-limit waits, " + String(format: "%.1fs (store %.1fs)", report.elapsed, report.storeSeconds)
    }
}

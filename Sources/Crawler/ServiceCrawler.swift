import CatalogCore
import CatalogStore
import Foundation
import HTTPSupport
import Logging

/// What every crawler is given besides its client: the catalog, the crawl's options, the logger.
public struct CrawlSetup: Sendable {
    public var database: any CrawlStore
    public var options: CrawlOptions
    public var logger: Logger

    public init(database: any CrawlStore, options: CrawlOptions = CrawlOptions(), logger: Logger = Logger(label: "catalog.crawl")) {
        self.database = database
        self.options = options
        self.logger = logger
    }
}

/// A crawler of one cloud service: its client, how it checks its sign-in and how it walks (a
/// ``SourceWalk``). The run is the same for every service (``runCrawl()``): the sign-in is
/// checked before the catalog is touched, then ``CrawlRun`` begins, walks, commits or fails.
/// A new service is a client, a walk, and a type conforming to this.
protocol ServiceCrawler: Sendable {
    associatedtype Walk: ServiceWalk<Self>
    var setup: CrawlSetup { get }
    /// The source and API the crawl records.
    static var source: Source { get }
    static var api: ServiceAPI { get }
    /// The client's request counters (the crawl report's requests).
    var requests: RequestStats { get }
    /// Asks the service who the token belongs to (a bad token fails here, before the catalog is
    /// touched); the user's id, for the log.
    func signedInUser() async throws -> String
}

/// The walk of one crawl of a ``ServiceCrawler``.
protocol ServiceWalk<Crawler>: SourceWalk {
    associatedtype Crawler
    init(crawler: Crawler, session: CrawlSession, recorder: CrawlRecorder)
}

extension ServiceCrawler {
    var database: any CrawlStore { setup.database }
    var options: CrawlOptions { setup.options }
    var logger: Logger { setup.logger }

    /// Checks the sign-in, then runs a crawl (full, or a delta after a complete crawl) and commits it.
    func runCrawl() async throws -> CrawlReport {
        let started = Date()
        let user = try await signedInUser()
        logger.info("crawling \(Self.source.displayName)\(Self.api == .v4 ? " V4" : "")", metadata: ["user": "\(user)"])
        return try await CrawlRun.run(
            source: Self.source, api: Self.api, database: database, options: options, requests: requests, started: started
        ) { session, recorder in
            Walk(crawler: self, session: session, recorder: recorder)
        }
    }
}

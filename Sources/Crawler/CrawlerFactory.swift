import CatalogCore
import CatalogStore
import DashClient
import FrameIOClient
import FrameIOV4Client
import HTTPSupport
import Logging

/// Builds crawlers wired to the real HTTP transport.
public enum CrawlerFactory {
    /// A Frame.io crawler for `token` against `baseURL`.
    public static func frameIO(
        token: String, baseURL: String, database: any CrawlStore, options: CrawlOptions,
        pageSize: Int = FrameIOClient.defaultPageSize, transport: any HTTPTransport = AsyncHTTPClientTransport(),
        retry: RetryPolicy = RetryPolicy(), logger: Logger = Logger(label: "catalog.crawl")
    ) -> FrameIOCrawler {
        let requester = APIRequester(
            service: "Frame.io", credentials: .frameIOV2, transport: transport, auth: FixedToken(token), retry: retry, logger: logger)
        return FrameIOCrawler(
            client: FrameIOClient(baseURL: baseURL, requester: requester, pageSize: pageSize),
            setup: CrawlSetup(database: database, options: options, logger: logger))
    }

    /// A Frame.io V4 crawler signing in through `auth` against `baseURL` (ending in `/v4`).
    public static func frameIOV4(
        auth: IMSAuth, baseURL: String, database: any CrawlStore, options: CrawlOptions, pageSize: Int = FrameIOV4Client.maxPageSize,
        transport: any HTTPTransport = AsyncHTTPClientTransport(), retry: RetryPolicy = RetryPolicy(),
        logger: Logger = Logger(label: "catalog.crawl")
    ) -> FrameIOV4Crawler {
        let requester = APIRequester(
            service: "Frame.io V4", credentials: .frameIOV4, transport: transport, auth: auth, retry: retry, logger: logger)
        return FrameIOV4Crawler(
            client: FrameIOV4Client(baseURL: baseURL, requester: requester, pageSize: pageSize, thumbnails: options.thumbnails != nil),
            setup: CrawlSetup(database: database, options: options, logger: logger))
    }

    /// A Dash crawler signing in through `auth` against `baseURL`.
    public static func dash(
        auth: DashAuth, baseURL: String, database: any CrawlStore, options: CrawlOptions, pageSize: Int = DashClient.defaultPageSize,
        transport: any HTTPTransport = AsyncHTTPClientTransport(), retry: RetryPolicy = RetryPolicy(),
        logger: Logger = Logger(label: "catalog.crawl")
    ) -> DashCrawler {
        let requester = APIRequester(service: "Dash", credentials: .dash, transport: transport, auth: auth, retry: retry, logger: logger)
        return DashCrawler(
            client: DashClient(baseURL: baseURL, requester: requester, pageSize: pageSize),
            setup: CrawlSetup(database: database, options: options, logger: logger))
    }
}

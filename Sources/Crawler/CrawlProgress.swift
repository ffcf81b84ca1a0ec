import CatalogCore

/// A crawl's progress, reported after every page.
public struct CrawlProgress: Sendable {
    /// The source being crawled.
    public var source: String
    /// Items read so far.
    public var items = 0
    /// The expected total, when the service says (Frame.io projects' file and folder counts).
    public var estimatedTotal: Int?
    /// Requests sent (retries included).
    public var requests = 0
    /// Retries so far.
    public var retries = 0
    /// Rate-limit waits so far.
    public var rateLimitWaits = 0
    /// Pages queued or in flight.
    public var pendingPages = 0
    /// Seconds since the crawl started.
    public var elapsed = 0.0
}

/// The outcome of a complete crawl.
public struct CrawlReport: Sendable {
    /// The crawl's id in the catalog.
    public var crawlID: Int64
    /// The source crawled.
    public var source: String
    /// `full` or `delta`.
    public var mode = "full"
    /// Counts of items and requests.
    public var stats: CrawlStats
    /// Wall time in seconds.
    public var elapsed: Double
    /// Seconds spent writing to the catalog (staging and the final merge).
    public var storeSeconds: Double
    /// Seconds spent in HTTP requests, summed over concurrent requests.
    public var transportSeconds: Double
    /// The minimum number of requests this tree needs at the server's page size.
    public var minimumRequests: Int
}

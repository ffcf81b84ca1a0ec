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

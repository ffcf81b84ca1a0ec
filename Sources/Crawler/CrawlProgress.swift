import CatalogCore

/// A crawl's progress, reported after every page.
public struct CrawlProgress: Sendable {
    /// The source being crawled.
    public var source: String
    /// Items read so far.
    public var items = 0
    /// The expected total, when the service says (Frame.io projects' file and folder counts).
    public var estimatedTotal: Int?
    /// The requests so far.
    public var http = RequestCounts()
    /// Pages queued or in flight.
    public var pendingPages = 0
    /// Seconds since the crawl started.
    public var elapsed = 0.0
}

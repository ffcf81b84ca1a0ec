import CatalogCore
import Foundation

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
    /// What the crawl did with thumbnails, when it fetched them.
    public var thumbnails: ThumbnailCounts?
    /// What a local crawl found, hashed and reused.
    public var local: LocalScanCounts?
    /// What a crawl with `--comments` did with comments.
    public var comments: CommentCounts?
}

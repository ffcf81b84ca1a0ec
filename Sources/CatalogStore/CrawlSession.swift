import CatalogCore
import Foundation

/// A crawl in progress: its row in the `crawl` table and the lock that keeps other crawls out.
///
/// Items staged through ``CatalogDatabase/stage(_:in:)`` stay invisible to searches until
/// ``CatalogDatabase/complete(_:stats:)`` merges them in one transaction.
public final class CrawlSession: Sendable {
    /// The crawl's id in the `crawl` table.
    public let id: Int64
    /// The source being crawled.
    public let source: Source
    /// Full (what is not seen is deleted) or delta (only what is staged or marked deleted changes).
    public let mode: CrawlMode
    /// When the crawl began, before any request: the next delta's watermark.
    public let startedAt: Date
    /// The API it reads through.
    public let api: ServiceAPI
    private let lock: CrawlLock?

    init(id: Int64, source: Source, mode: CrawlMode, api: ServiceAPI, startedAt: Date, lock: CrawlLock?) {
        self.id = id
        self.source = source
        self.mode = mode
        self.api = api
        self.startedAt = startedAt
        self.lock = lock
    }

    /// Lets the next crawl start (called when the crawl completes or fails).
    func finish() { lock?.release() }
}

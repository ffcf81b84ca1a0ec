import CatalogCore

/// A crawl in progress: its row in the `crawl` table and the lock that keeps other crawls out.
///
/// Items staged through ``CatalogDatabase/stage(_:in:)`` stay invisible to searches until
/// ``CatalogDatabase/complete(_:stats:)`` merges them in one transaction.
public final class CrawlSession: Sendable {
    /// The crawl's id in the `crawl` table.
    public let id: Int64
    /// The source being crawled.
    public let source: Source
    private let lock: CrawlLock?

    init(id: Int64, source: Source, lock: CrawlLock?) {
        self.id = id
        self.source = source
        self.lock = lock
    }

    /// Lets the next crawl start (called when the crawl completes or fails).
    func finish() { lock?.release() }
}

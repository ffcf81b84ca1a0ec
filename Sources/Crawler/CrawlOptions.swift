/// Settings shared by every crawler.
public struct CrawlOptions: Sendable {
    /// Pages fetched at once.
    public var concurrency: Int
    /// Items written to the catalog per transaction while crawling.
    public var batchSize: Int
    /// Called after every page (on the crawl's task; keep it cheap).
    public var progress: @Sendable (CrawlProgress) -> Void

    /// Creates options.
    public init(concurrency: Int = 8, batchSize: Int = 2000, progress: @escaping @Sendable (CrawlProgress) -> Void = { _ in }) {
        self.concurrency = max(1, concurrency)
        self.batchSize = max(1, batchSize)
        self.progress = progress
    }
}

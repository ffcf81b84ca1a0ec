import Foundation

/// Settings shared by every crawler.
public struct CrawlOptions: Sendable {
    /// Pages fetched at once.
    public var concurrency: Int
    /// Items written to the catalog per transaction while crawling.
    public var batchSize: Int
    /// Called after every page (on the crawl's task; keep it cheap).
    public var progress: @Sendable (CrawlProgress) -> Void
    /// How a crawl chooses between full and delta.
    public var mode: ModeChoice = .automatic
    /// Changes asked from this time instead of the last complete crawl's start (`--since`).
    public var since: Date?
    /// Apply a mass disappearance (more than 10% and more than 5 items) anyway (`--force`).
    public var force = false
    /// Fetches the thumbnails of new and changed files into the cache (`--thumbnails`); nil: none.
    public var thumbnails: ThumbnailFetcher?
    /// Whether a Frame.io V4 walk may list a folder through the typed lists when the children
    /// list has no room (FrameIOV4Crawler); false lists every folder through `children`
    /// (`CATALOG_V4_LISTS=children`: what the benchmark compares with).
    public var typedLists = true
    /// Frame.io V4: also read every file's review comments (`--comments`; FrameIOV4Comments.swift).
    public var comments = false
    /// Said once, before a long part of the crawl begins (what reading comments will cost).
    public var notice: @Sendable (String) -> Void = { _ in }

    /// Full or delta.
    public enum ModeChoice: Sendable {
        /// Delta after a complete crawl of the source, full otherwise.
        case automatic
        /// Always full (`--full`; for Dash also `--verify`).
        case full
    }

    /// Overlap subtracted from the watermark, to absorb clock skew between us and the service.
    public static let deltaOverlap: TimeInterval = 600

    /// Creates options.
    public init(concurrency: Int = 8, batchSize: Int = 2000, progress: @escaping @Sendable (CrawlProgress) -> Void = { _ in }) {
        self.concurrency = max(1, concurrency)
        self.batchSize = max(1, batchSize)
        self.progress = progress
    }
}

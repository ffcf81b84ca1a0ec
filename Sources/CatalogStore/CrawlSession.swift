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

/// How a crawl's items replace the catalog's.
public enum CrawlMode: String, Sendable {
    /// Everything of the source was read: items not seen are deleted.
    case full
    /// A full crawl through another API than the catalogued items came from (an account moved
    /// from Frame.io v2 to V4): items not seen are deleted, as for a full crawl, but the change
    /// log gets no row per item; the crawl's counts say how many were replaced.
    case replace
    /// Only changes were read: staged items are added or updated, and only items staged as
    /// deleted are removed.
    case delta
    /// Part of the source was read whole (the volumes or folders a local crawl scanned):
    /// staged items are added or updated, and only items staged as deleted (those under the
    /// scanned folders that were not seen) are removed; the rest of the source stays.
    case scan

    /// Whether only the items staged as deleted are removed (a delta, a scan), rather than every
    /// item of the source the crawl did not stage.
    public var deletesOnlyNamed: Bool { self == .delta || self == .scan }
}

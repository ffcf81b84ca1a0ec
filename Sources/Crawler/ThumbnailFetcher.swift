import CatalogCore
import CatalogStore
import Foundation
import HTTPSupport
import HTTPTypes

/// What a crawl did with thumbnails.
public struct ThumbnailCounts: Sendable, Equatable {
    /// Pictures fetched and kept.
    public var fetched = 0
    /// Files whose picture was already kept for their current record.
    public var current = 0
    /// Pictures that could not be had (expired or refused address, not a picture, too big, a
    /// network failure): counted, never a reason to fail the crawl.
    public var failed = 0
    /// Pictures removed to keep the cache under its size (oldest first).
    public var evicted = 0
    /// Pictures and bytes in the cache after the crawl.
    public var files = 0
    public var bytes: Int64 = 0

    public init() {}

    mutating func add(_ other: ThumbnailCounts) {
        fetched += other.fetched
        current += other.current
        failed += other.failed
    }
}

/// Fetches the thumbnails of a crawl's files into a ``ThumbnailCache``: only those with no
/// picture for their current record, several at once, each address asked once (a signed CDN
/// address: no token is sent with it), and any failure counted, not thrown.
public struct ThumbnailFetcher: Sendable {
    /// Where the pictures go.
    public let cache: ThumbnailCache
    let transport: any HTTPTransport
    /// Pictures fetched at once.
    public let concurrency: Int
    /// How long one picture may take.
    public let timeout: Duration

    /// A fetcher into `cache` through `transport`.
    public init(
        cache: ThumbnailCache, transport: any HTTPTransport = AsyncHTTPClientTransport(maxBodyBytes: ThumbnailCache.maxPictureBytes),
        concurrency: Int = 16, timeout: Duration = .seconds(20)
    ) {
        self.cache = cache
        self.transport = transport
        self.concurrency = max(1, concurrency)
        self.timeout = timeout
    }

    /// Fetches what `items` (one batch of a crawl) lack, and records them in one transaction.
    func fetch(_ items: [CatalogItem]) async -> ThumbnailCounts {
        var counts = ThumbnailCounts()
        let withAddress = items.filter { $0.thumbnailURL != nil }
        guard let wanted = try? cache.wanted(withAddress) else {
            counts.failed = withAddress.count
            return counts
        }
        counts.current = withAddress.count - wanted.count
        var kept: [(item: CatalogItem, file: String, bytes: Int)] = []
        // Neither the fetches nor the tally throw (a picture that cannot be had is counted).
        try? await forEachConcurrently(wanted, limit: concurrency) { item in
            await fetchOne(item)
        } each: { item, picture in
            if let picture { kept.append((item, picture.file, picture.bytes)) } else { counts.failed += 1 }
        }
        do {
            try await cache.record(kept)
            counts.fetched = kept.count
        } catch {
            counts.failed += kept.count
        }
        return counts
    }

    /// Fetches one picture into the cache; its file name and size, or nil when it could not be had.
    func fetchOne(_ item: CatalogItem) async -> (file: String, bytes: Int)? {
        guard let url = item.thumbnailURL else { return nil }
        do {
            // A signed CDN address, no token: its redirects may go anywhere.
            let response = try await transport.send(APIRequest(url: url, rateLimitGroup: "thumbnail", redirects: .any), timeout: timeout)
            guard response.status.code == 200, !response.body.isEmpty, response.body.count <= ThumbnailCache.maxPictureBytes,
                let ext = ThumbnailCache.fileExtension(forType: response.headerFields[.contentType] ?? "")
            else { return nil }
            return (try cache.write(response.body, ext: ext), response.body.count)
        } catch {
            return nil
        }
    }
}

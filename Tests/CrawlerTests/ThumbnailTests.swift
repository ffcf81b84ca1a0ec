import CatalogCore
import CatalogSandbox
import CatalogStore
import Crawler
import DashClient
import Foundation
import FrameIOV4Client
import HTTPSupport
import TestSupport
import Testing

/// `catalog crawl --thumbnails`: each file's picture, fetched from the sandbox's CDN stand-in into
/// the cache beside the catalog, only when new or changed; an expired address is counted, never
/// a failed crawl; the cache stays under its size.
@Suite struct ThumbnailTests {
    /// A v2 crawl of `server` into `database` fetching thumbnails into `cache`.
    func crawlWithThumbnails(_ url: String, into database: CatalogDatabase, cache: ThumbnailCache) async throws -> CrawlReport {
        var options = CrawlOptions(concurrency: 8)
        options.mode = .full
        options.force = true
        options.thumbnails = ThumbnailFetcher(cache: cache, concurrency: 8)
        return try await CrawlerFactory.frameIO(
            token: "sandbox-token-abc", baseURL: url, database: database, options: options, pageSize: 100, logger: testLogger()
        ).run()
    }

    /// The catalogued files of `source`, by id, with their record digests.
    func files(_ database: CatalogDatabase, _ source: Source = .frameio) throws -> [String: String] {
        var files: [String: String] = [:]
        try database.forEachItem(source: source, records: false) { if $0.kind == .file || $0.kind == .asset { files[$0.id] = $0.digest } }
        return files
    }

    func pictureFiles(_ directory: String) -> [String] {
        let shards = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return shards.flatMap { shard in
            ((try? FileManager.default.contentsOfDirectory(atPath: directory + "/" + shard)) ?? []).map { shard + "/" + $0 }
        }
    }

    @Test func newAndChangedFilesGetTheirPictureAndExpiredOnesAreCounted() async throws {
        var configuration = SandboxConfiguration()
        configuration.expiredThumbnailRate = 0.2
        let dataset = FrameIODataset.generated(assets: 300, seed: 41)
        let server = SandboxServer(frameIO: dataset, configuration: configuration)
        let database = try CatalogDatabase(path: try temporaryDatabasePath())
        let cache = ThumbnailCache(database: database)
        let (first, second, catalogued) = try await server.withRunning { urls in
            let first = try await crawlWithThumbnails(urls.frameIO, into: database, cache: cache)
            let second = try await crawlWithThumbnails(urls.frameIO, into: database, cache: cache)
            return (first, second, try files(database))
        }
        let expired = catalogued.keys.filter(server.media.isExpired).count
        #expect(expired > 0 && expired < catalogued.count, "the rate refuses some files, not all")
        let firstCounts = try #require(first.thumbnails)
        #expect(firstCounts.fetched == catalogued.count - expired)
        #expect(firstCounts.failed == expired)
        #expect(firstCounts.current == 0)
        #expect(firstCounts.files == firstCounts.fetched)
        #expect(pictureFiles(cache.directory).count == firstCounts.fetched, "one picture file per fetched thumbnail")
        // Nothing changed: every kept picture is current, none fetched again; the expired are asked again.
        let secondCounts = try #require(second.thumbnails)
        #expect(secondCounts.fetched == 0)
        #expect(secondCounts.current == catalogued.count - expired)
        #expect(secondCounts.failed == expired)

        // A change: only the changed and new files' pictures are fetched.
        var mutated = dataset
        _ = mutated.mutate(rate: 0.1, seed: 3, now: Date())
        server.frameIO.replace(mutated)
        let before = try files(database)
        let third = try await server.withRunning { urls in try await crawlWithThumbnails(urls.frameIO, into: database, cache: cache) }
        let after = try files(database)
        let renewed = after.filter { before[$0.key] != $0.value && !server.media.isExpired($0.key) }.count
        #expect(renewed > 0)
        #expect(third.thumbnails?.fetched == renewed)
        // A deleted file's picture leaves the cache with it.
        let kept = try #require(third.thumbnails)
        #expect(kept.files == after.keys.filter { !server.media.isExpired($0) }.count)
    }

    @Test func aServiceWhosePicturesAllFailStillCrawls() async throws {
        var configuration = SandboxConfiguration()
        configuration.expiredThumbnailRate = 1
        let server = SandboxServer(frameIO: FrameIODataset.generated(assets: 60, seed: 7), configuration: configuration)
        let database = try CatalogDatabase(path: try temporaryDatabasePath())
        let cache = ThumbnailCache(database: database)
        let report = try await server.withRunning { urls in try await crawlWithThumbnails(urls.frameIO, into: database, cache: cache) }
        let catalogued = try files(database)
        #expect(report.stats.changes.added > 0)
        #expect(report.thumbnails?.failed == catalogued.count && report.thumbnails?.fetched == 0)
        #expect(server.media.counts.refused == catalogued.count)
    }

    @Test func theCacheKeepsTheNewestPicturesUnderItsSize() async throws {
        let server = SandboxServer(frameIO: FrameIODataset.generated(assets: 40, seed: 9), configuration: SandboxConfiguration())
        let database = try CatalogDatabase(path: try temporaryDatabasePath())
        let picture = Int64(SandboxPicture.png(for: "any").count)  // every sandbox picture has this size
        let cache = ThumbnailCache(database: database, capacity: picture * 5 + picture / 2)
        let report = try await server.withRunning { urls in try await crawlWithThumbnails(urls.frameIO, into: database, cache: cache) }
        let counts = try #require(report.thumbnails)
        #expect(counts.fetched == (try files(database)).count)
        #expect(counts.files == 5 && counts.bytes == picture * 5)
        #expect(counts.evicted == counts.fetched - 5)
        #expect(pictureFiles(cache.directory).count == 5)
    }

    /// V4 asks for `media_links.thumbnail` only when thumbnails are fetched; Dash gives `previewUrl`.
    @Test func frameIOV4AndDashPicturesToo() async throws {
        let v4 = FrameIOV4Dataset.fixture()
        let dash = try DashDataset.bundledFixture()
        let server = SandboxServer(frameIO: try FrameIODataset.bundledFixture(), frameIOV4: v4, dash: dash, configuration: SandboxConfiguration())
        let database = try CatalogDatabase(path: try temporaryDatabasePath())
        let cache = ThumbnailCache(database: database)
        var settings = CrawlOptions(concurrency: 4)
        settings.thumbnails = ThumbnailFetcher(cache: cache)
        let options = settings
        let (frameIO, dashReport) = try await server.withRunning { urls in
            let ims = IMSAuth(mode: .token("sandbox-v4-token"), transport: AsyncHTTPClientTransport(), credentials: nil)
            let frameIO = try await CrawlerFactory.frameIOV4(auth: ims, baseURL: urls.frameIOV4, database: database, options: options).run()
            let auth = DashAuth(mode: .token("dash-test-token"), transport: AsyncHTTPClientTransport(), credentials: nil)
            return (frameIO, try await CrawlerFactory.dash(auth: auth, baseURL: urls.dash, database: database, options: options).run())
        }
        // V4: every file whose upload finished (an uploading one has no renditions yet).
        let finished = v4.assets.filter { $0.type == "file" && $0.mediaType != nil && $0.deletedAt == nil }.count
        #expect(frameIO.thumbnails?.fetched == finished, "\(String(describing: frameIO.thumbnails))")
        #expect(frameIO.thumbnails?.failed == 0)
        #expect(dashReport.thumbnails?.fetched == (try files(database, .dash)).count)
        let withPictures = try cache.files(of: Array(try database.items(source: .dash, ids: Array(try files(database, .dash).keys)).values))
        #expect(withPictures.count == (try files(database, .dash)).count)
    }
}

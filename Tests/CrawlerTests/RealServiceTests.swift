import CatalogCore
import CatalogSandbox
import CatalogStore
import Crawler
import Foundation
import HTTPSupport
import HTTPTypes
import TestSupport
import Testing

/// The crawler against a sandbox that behaves like the service where the service is strict:
/// page sizes it refuses, per-endpoint rate limits, shared projects without their account.
@Suite(.serialized) struct RealServiceTests {
    /// A page size the service refuses (422) is retried smaller, and the catalog is exact.
    @Test func aRefusedPageSizeIsRetriedSmaller() async throws {
        let dataset = FrameIODataset.generated(assets: 700, seed: 12)
        var strict = SandboxConfiguration()
        strict.refusePageSizeAbove = 100
        let server = SandboxServer(frameIO: dataset, configuration: strict)
        let database = try CatalogDatabase(path: try temporaryDatabasePath())
        let report = try await server.withRunning { urls in try await crawl(urls.frameIO, into: database, pageSize: 1000) }
        let reference = try CatalogDatabase(path: try temporaryDatabasePath())
        let plain = SandboxServer(frameIO: dataset, configuration: SandboxConfiguration())
        _ = try await plain.withRunning { urls in try await crawl(urls.frameIO, into: reference, pageSize: 100) }
        #expect(try catalogFingerprint(database, source: .frameio) == catalogFingerprint(reference, source: .frameio))
        // 1000 → 500 → 250 → 125 → 62: four refusals, once for the whole crawl (concurrent first
        // pages refused together halve it once), each a request.
        #expect(report.stats.http.requests <= report.minimumRequests + 4 * 8)
    }

    /// Each endpoint paced on its own: a tight children bucket does not throttle the others, and
    /// the crawl is exact.
    @Test func perEndpointRateLimitsAreEachPacedOnTheirOwn() async throws {
        let dataset = FrameIODataset.generated(assets: 300, seed: 13)
        var limited = SandboxConfiguration()
        limited.endpointRateLimits = ["children": (10, 500), "GET /accounts": (2, 60_000)]
        let server = SandboxServer(frameIO: dataset, configuration: limited)
        let database = try CatalogDatabase(path: try temporaryDatabasePath())
        let report = try await server.withRunning { urls in try await crawl(urls.frameIO, into: database, pageSize: 100) }
        #expect(report.stats.items == expectedCatalog(dataset).count)
        // The pacer learns each bucket from its headers before it empties: 429s stay rare.
        #expect(report.stats.http.throttled <= 3, "\(report.stats.http.throttled) throttled")
    }

    /// A project shared from a team the user is not on comes without team.account_id (as in the
    /// reference's example): still crawled, and a delta still sees a change inside it.
    @Test func aSharedProjectWithoutItsAccountIsKeptFreshByDeltas() async throws {
        let dataset = try FrameIODataset.bundledFixture()
        let teams = Set(dataset.teams.map(\.id))
        let foreign = try #require(dataset.projects.first { !$0.isTeamProject && !teams.contains($0.teamID) })
        let server = SandboxServer(frameIO: dataset, configuration: SandboxConfiguration())
        let database = try CatalogDatabase(path: try temporaryDatabasePath())
        try await server.withRunning { urls in
            let listing = try await AsyncHTTPClientTransport().send(
                APIRequest(url: urls.frameIO + "/projects/shared", headerFields: [.authorization: "Bearer t"]), timeout: .seconds(10))
            let shared = try JSONParser.parse(listing.body).arrayValue ?? []
            let served = try #require(shared.first { $0["id"]?.stringValue == foreign.id })
            #expect(served["team"]?["account_id"] == nil)
            _ = try await crawl(urls.frameIO, into: database)
            // Rename a file inside it, as of now.
            var changed = dataset
            let index = try #require(changed.assets.firstIndex { $0.projectID == foreign.id && $0.type == "file" && $0.deletedAt == nil })
            changed.assets[index].name = "renamed in the shared project.mov"
            changed.assets[index].updatedAt = Timestamp.format(Date().addingTimeInterval(60))
            server.frameIO.replace(changed)
            let delta = try await crawl(urls.frameIO, into: database)
            #expect(delta.mode == "delta")
            let renamed = try database.search(SearchQueryParser().parse("\"renamed in the shared project\""))
            #expect(renamed.map(\.id) == [changed.assets[index].id])
        }
    }
}

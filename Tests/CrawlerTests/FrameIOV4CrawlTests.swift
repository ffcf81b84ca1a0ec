import CatalogCore
import CatalogSandbox
import CatalogStore
import Crawler
import Foundation
import FrameIOV4Client
import HTTPSupport
import Synchronization
import TestSupport
import Testing

/// What a complete V4 crawl of `dataset` must produce, worked out from the dataset alone:
/// id → (path, kind).
func expectedV4Catalog(_ dataset: FrameIOV4Dataset) -> [String: (path: String, kind: String)] {
    var expected: [String: (String, String)] = [:]
    for account in dataset.accounts {
        expected[account.id] = (account.displayName, "account")
        for workspace in dataset.workspaces where workspace.accountID == account.id && workspace.isMember {
            expected[workspace.id] = (account.displayName + "/" + workspace.name, "workspace")
        }
        for project in dataset.projects where project.accountID == account.id {
            let workspace = dataset.workspaces.first { $0.id == project.workspaceID && $0.isMember }
            guard workspace != nil || project.isInvited else { continue }
            let base = account.displayName + "/" + (workspace?.name ?? "Invited") + "/" + project.name
            expected[project.id] = (base, "project")
            func walk(_ parent: String, _ path: String) {
                for index in dataset.childrenByParent[parent] ?? [] {
                    let asset = dataset.assets[index]
                    let childPath = path + "/" + asset.name
                    let kind = ["file", "folder", "version_stack"].contains(asset.type) ? asset.type : "other"
                    expected[asset.id] = (childPath, kind)
                    walk(asset.id, childPath)
                }
            }
            walk(project.rootFolderID, base)
        }
    }
    return expected
}

/// A transport that records every URL asked for.
final class RecordingTransport: HTTPTransport {
    let inner = AsyncHTTPClientTransport()
    let urls = Mutex<[String]>([])

    func send(_ request: APIRequest, timeout: Duration) async throws -> APIResponse {
        urls.withLock { $0.append(request.url) }
        return try await inner.send(request, timeout: timeout)
    }
}

func crawlV4(
    _ url: String, into database: CatalogDatabase, mode: IMSAuth.Mode = .token("sandbox-v4-token"),
    transport: any HTTPTransport = AsyncHTTPClientTransport(),
    credentials: CredentialsFile? = nil, concurrency: Int = 8, pageSize: Int = 100, full: Bool = false,
    retry: RetryPolicy = RetryPolicy(maxAttempts: 6, baseDelay: 0.01, throttleDelay: 0.05, maxDelay: 0.5), comments: Bool = false
) async throws -> CrawlReport {
    let auth = IMSAuth(mode: mode, transport: transport, credentials: credentials)
    var options = CrawlOptions(concurrency: concurrency)
    options.comments = comments
    if full { options.mode = .full }
    options.force = full
    return try await CrawlerFactory.frameIOV4(
        auth: auth, baseURL: url, database: database, options: options, pageSize: pageSize,
        transport: transport, retry: retry, logger: testLogger()
    ).run()
}

@Suite struct FrameIOV4CrawlTests {
    @Test func theFixtureIsCataloguedExactly() async throws {
        let dataset = FrameIOV4Dataset.fixture()
        let server = SandboxServer(frameIO: try FrameIODataset.bundledFixture(), frameIOV4: dataset, configuration: SandboxConfiguration())
        let database = try CatalogDatabase(path: try temporaryDatabasePath())
        let report = try await server.withRunning { urls in try await crawlV4(urls.frameIOV4, into: database) }
        var catalogued: [String: (path: String, kind: String)] = [:]
        try database.forEachItem(source: .frameio, records: false) { catalogued[$0.id] = ($0.path, $0.kind.rawValue) }
        let expected = expectedV4Catalog(dataset)
        #expect(Set(catalogued.keys) == Set(expected.keys))
        for (id, want) in expected {
            #expect(catalogued[id]?.path == want.path, "\(id)")
            #expect(catalogued[id]?.kind == want.kind, "\(id)")
        }
        // Literals, not derived: the invited project of the agency sits under Invited; the one
        // both invited and in a workspace the user is in, once, under its workspace.
        #expect(catalogued["prj-invited"]?.path == "Agency \"Blue\" \\ Partners/Invited/Launch ‮Film")
        #expect(catalogued["prj-spot"]?.path == "Northlight Studio/Marketing/Spring Spot")
        #expect(catalogued["file-cut-v2"]?.path == "Northlight Studio/Post Production/Feature Film/Main Cut/Main Cut v2.mov")
        #expect(catalogued.count == 33)
        #expect(report.stats.items == 33)
        #expect(report.stats.http.requests == report.minimumRequests)
        #expect(report.stats.warnings.contains { $0.contains("review_link") })
        // An upload in progress is catalogued, with no media type.
        let uploading = try #require(try database.items(source: .frameio, ids: ["file-uploading"])["file-uploading"])
        #expect(uploading.mime == nil)
        #expect(uploading.state == "created")
        #expect(uploading.xxh64 == nil)
        // The record links back to the web app, and keeps no signed URL.
        let a001 = try #require(try database.items(source: .frameio, ids: ["file-a001"])["file-a001"])
        #expect(a001.record.contains("https://next.frame.io/project/prj-feature/view/file-a001"))
        #expect(!a001.record.contains("Signature="))
        #expect(a001.size == 4_294_967_296)
        #expect(a001.metadata["Review Status"] == ["Approved"])
        #expect(a001.metadata["Tags"] == ["Hero", "Social"])
        #expect(a001.metadata["Crew"] == ["Vera Editor", "Ravi Producer"])
        #expect(a001.metadata["Circled"] == ["true"])
        #expect(a001.metadata["Rating"] == ["4"])
        #expect(a001.metadata["Notes"] == nil || a001.metadata["Notes"] == ["Best take; soft focus at 00:12"])
        #expect(try database.items(source: .frameio, ids: ["prj-archive"])["prj-archive"]?.state == "inactive")
    }

    @Test func customMetadataIsSearchableByFieldAndText() async throws {
        let server = SandboxServer(frameIO: try FrameIODataset.bundledFixture(), configuration: SandboxConfiguration())
        let database = try CatalogDatabase(path: try temporaryDatabasePath())
        _ = try await server.withRunning { urls in try await crawlV4(urls.frameIOV4, into: database) }
        let fields = try database.fields().map(\.name)
        #expect(fields.contains("Review Status") && fields.contains("Assignee"))
        let parser = SearchQueryParser(fields: fields)
        #expect(Set(try database.search(parser.parse("\"Review Status\":Approved")).map(\.id)) == ["file-a001", "file-cut-v3"])
        #expect(try database.search(parser.parse("Assignee:\"Ravi Producer\"")).map(\.id) == ["file-a001"])
        #expect(try database.search(parser.parse("Tags:Social")).map(\.id) == ["file-a001"])
        #expect(try database.search(parser.parse("\"soft focus\"")).map(\.id) == ["file-a001"])
    }

    @Test func aGeneratedTreeIsCataloguedExactlyWithTheFewestRequests() async throws {
        let dataset = FrameIOV4Dataset.generated(assets: 4_000, seed: 5)
        let server = SandboxServer(frameIO: try FrameIODataset.bundledFixture(), frameIOV4: dataset, configuration: SandboxConfiguration())
        let database = try CatalogDatabase(path: try temporaryDatabasePath())
        let transport = RecordingTransport()
        let report = try await server.withRunning { urls in try await crawlV4(urls.frameIOV4, into: database, transport: transport) }
        var catalogued: [String: (path: String, kind: String, size: Int64?)] = [:]
        try database.forEachItem(source: .frameio, records: false) { catalogued[$0.id] = ($0.path, $0.kind.rawValue, $0.size) }
        let expected = expectedV4Catalog(dataset)
        #expect(catalogued.count == expected.count)
        var wrong = 0
        for (id, want) in expected where catalogued[id]?.path != want.path || catalogued[id]?.kind != want.kind { wrong += 1 }
        #expect(wrong == 0)
        for asset in dataset.assets where asset.type == "file" { #expect(catalogued[asset.id]?.size == asset.fileSize, "\(asset.id)") }
        #expect(report.stats.http.requests == report.minimumRequests, "\(report.stats.http.requests) against \(report.minimumRequests)")
        // Later pages carry the cursor and every parameter again; first pages ask for the total.
        let lists = transport.urls.withLock { $0 }.filter { $0.contains("/children?") }
        #expect(!lists.isEmpty)
        for url in lists {
            #expect(url.contains("page_size=100") && url.contains("include=metadata"), "\(url)")
            #expect(url.contains("after=") != url.contains("include_total_count=true"), "\(url)")
        }
        #expect(lists.contains { $0.contains("after=") })
    }

    /// The service pages at most 100: a page size above it is never asked for.
    @Test func pageSizesAboveTheServiceMaximumAreNotAskedFor() {
        let requester = APIRequester(service: "t", credentials: nil, transport: AsyncHTTPClientTransport(), token: { _ in "t" })
        #expect(FrameIOV4Client(requester: requester, pageSize: 1000).pageSize == 100)
        #expect(FrameIOV4Client(requester: requester, pageSize: 0).pageSize == 1)
    }

    /// A catalog of v2 items whose next crawl reads V4 (an account that moved) is replaced in
    /// one crawl: no mass-disappearance refusal, no change row per replaced item, one warning.
    @Test func aMovedAccountIsReplacedNotRefusedNorListedItemByItem() async throws {
        let server = SandboxServer(frameIO: try FrameIODataset.bundledFixture(), configuration: SandboxConfiguration())
        let database = try CatalogDatabase(path: try temporaryDatabasePath())
        let report = try await server.withRunning { urls in
            _ = try await crawl(urls.frameIO, into: database)
            return try await crawlV4(urls.frameIOV4, into: database)
        }
        #expect(report.mode == "replace")
        #expect(report.stats.changes.deleted > 5)
        #expect(report.stats.warnings.contains { $0.contains("came from the v2 API") && $0.contains("\(report.stats.changes.deleted) items") })
        var changes = 0
        try database.forEachChange(afterCrawl: 1) { _ in changes += 1 }
        #expect(changes == 0)
        #expect(try database.lastCompleteCrawl(source: .frameio)?.api == .v4)
        #expect(try database.itemCount(source: .frameio) == 33)
    }

    /// Refresh-token sign-in: short-lived access tokens are refreshed (on expiry and on a 401),
    /// each refresh rotates the refresh token, and the rotation is kept in the credentials file.
    @Test func imsRefreshTokensRotateAndAreKept() async throws {
        var configuration = SandboxConfiguration()
        configuration.ims = OAuthClientSettings(clientID: "cid", clientSecret: "csecret", refreshToken: "refresh-0", accessTokenLifetime: 3600)
        let server = SandboxServer(frameIO: try FrameIODataset.bundledFixture(), configuration: configuration)
        let directory = scratchURL.appendingPathComponent("creds-\(UUID().uuidString)").path
        let credentials = CredentialsFile(path: directory + "/credentials.json")
        let database = try CatalogDatabase(path: try temporaryDatabasePath())
        try await server.withRunning { urls in
            let mode = IMSAuth.Mode.refresh(clientID: "cid", clientSecret: "csecret", refreshToken: "refresh-0", authURL: urls.ims)
            _ = try await crawlV4(urls.frameIOV4, into: database, mode: mode, credentials: credentials)
            let rotated = try #require(credentials.section("frameio")["refresh_token"])
            #expect(rotated != "refresh-0")
            // The configured token was used once and is gone; the saved rotation signs in again,
            // and a 401 mid-crawl (every token expired) is cured by one more refresh.
            server.ims?.expireAccessTokens()
            let report = try await crawlV4(urls.frameIOV4, into: database, mode: mode, credentials: credentials)
            #expect(report.stats.items == 33)
            #expect(credentials.section("frameio")["refresh_token"] != rotated)
            #expect((server.ims?.issuedTokens ?? 0) == 2)
        }
        let mode = try FileManager.default.attributesOfItem(atPath: credentials.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    @Test func serverToServerSignInUsesClientCredentials() async throws {
        var configuration = SandboxConfiguration()
        configuration.ims = OAuthClientSettings(clientID: "s2s", clientSecret: "s2s-secret", refreshToken: "unused", accessTokenLifetime: 3600)
        let server = SandboxServer(frameIO: try FrameIODataset.bundledFixture(), configuration: configuration)
        let database = try CatalogDatabase(path: try temporaryDatabasePath())
        try await server.withRunning { urls in
            let good = IMSAuth.Mode.clientCredentials(
                clientID: "s2s", clientSecret: "s2s-secret", scopes: IMSAuth.defaultServerScopes, authURL: urls.ims)
            let report = try await crawlV4(urls.frameIOV4, into: database, mode: good)
            #expect(report.stats.items == 33)
            let bad = IMSAuth.Mode.clientCredentials(clientID: "s2s", clientSecret: "wrong", scopes: IMSAuth.defaultServerScopes, authURL: urls.ims)
            await #expect {
                try await crawlV4(urls.frameIOV4, into: database, mode: bad)
            } throws: { error in
                guard case .unauthorized = error as? APIError else { return false }
                return !"\(error)".contains("wrong")
            }
        }
    }

    /// A static token the IMS-backed service does not accept stops the crawl with 401 (exit 2 in
    /// the CLI), saying how to get a new one, and leaves the catalog as it was.
    @Test func anExpiredStaticTokenStopsTheCrawlCleanly() async throws {
        var configuration = SandboxConfiguration()
        configuration.ims = OAuthClientSettings(clientID: "cid", clientSecret: "x", refreshToken: "r", accessTokenLifetime: 3600)
        let server = SandboxServer(frameIO: try FrameIODataset.bundledFixture(), configuration: configuration)
        let database = try CatalogDatabase(path: try temporaryDatabasePath())
        try await server.withRunning { urls in
            await #expect {
                try await crawlV4(urls.frameIOV4, into: database, mode: .token("expired-access-token"))
            } throws: { error in
                guard case .unauthorized = error as? APIError else { return false }
                return (error as? APIError)?.remedy == .credentials(service: .frameIOV4, signIn: false)
                    && !"\(error)".contains("expired-access-token")
            }
        }
        #expect(try database.itemCount(source: .frameio) == 0)
    }

    /// Two endpoints with different limits (children 100 a minute, versions 100 a minute, the
    /// lists of the hierarchy 100 a minute each), sped up 600×: each bucket is paced on its own
    /// and almost nothing is refused.
    @Test func eachEndpointIsPacedOnItsOwnBucket() async throws {
        var configuration = SandboxConfiguration()
        configuration.endpointRateLimits = SandboxConfiguration.serviceRateLimits(speedup: 600)
        let server = SandboxServer(
            frameIO: try FrameIODataset.bundledFixture(), frameIOV4: FrameIOV4Dataset.generated(assets: 3_000, seed: 2),
            configuration: configuration)
        let database = try CatalogDatabase(path: try temporaryDatabasePath())
        let report = try await server.withRunning { urls in try await crawlV4(urls.frameIOV4, into: database) }
        #expect(
            report.stats.http.throttled * 100 <= max(1, report.stats.http.requests),
            "\(report.stats.http.throttled) of \(report.stats.http.requests) throttled")
        #expect(report.stats.http.requests <= report.minimumRequests + report.stats.http.throttled)
    }

    /// A burst of 429s from a service with no limit worth the name (the sandbox's 100 000 a
    /// minute) holds `children` back but is not its bucket emptied: every folder still goes
    /// through `children`, and the fixture's asset of an unknown type is catalogued.
    @Test func throttledBurstsDoNotSendFoldersToTheTypedLists() async throws {
        let dataset = FrameIOV4Dataset.fixture()
        var configuration = SandboxConfiguration()
        configuration.faults = [.throttleBurst: 0.15]
        configuration.burstLength = 3
        let server = SandboxServer(frameIO: try FrameIODataset.bundledFixture(), frameIOV4: dataset, configuration: configuration)
        let database = try CatalogDatabase(path: try temporaryDatabasePath())
        let transport = RecordingTransport()
        _ = try await server.withRunning { urls in try await crawlV4(urls.frameIOV4, into: database, transport: transport) }
        let sent = server.frameIOV4.counts
        #expect(sent.faults + sent.failures + sent.throttled > 0, "no 429 was sent")
        let typed = transport.urls.withLock { $0 }.filter { url in
            ["/files?", "/folders?", "/version_stacks?"].contains { url.contains("/folders/") && url.contains($0) }
        }
        #expect(typed.isEmpty, "\(typed)")
        var catalogued: [String: (path: String, kind: String)] = [:]
        try database.forEachItem(source: .frameio, records: false) { catalogued[$0.id] = ($0.path, $0.kind.rawValue) }
        #expect(Set(catalogued.keys) == Set(expectedV4Catalog(dataset).keys))
        #expect(catalogued["link-1"]?.kind == "other")
    }

    /// Under rate limits, once `children`'s bucket is empty the typed lists take folders too, and the
    /// catalog is the same as through `children` alone; without limits every folder goes
    /// through `children` (which also sees types catalog does not know: the fixture's test).
    @Test func whenChildrenIsEmptyTheTypedListsTakeFoldersToo() async throws {
        let dataset = FrameIOV4Dataset.generated(assets: 8_000, seed: 5, stacks: 0)
        var limited = SandboxConfiguration()
        // `children` 20 calls a minute (its bucket empty after the first 18), the typed lists
        // 100 a second: however slow the machine, `children` soon makes a crawl wait.
        limited.endpointRateLimits = SandboxConfiguration.serviceRateLimits(speedup: 1).merging([
            "v4:children": (20, 60_000), "v4:files": (100, 1_000), "v4:folders": (100, 1_000), "v4:version_stacks": (100, 1_000),
        ]) { _, new in new }
        let expected = expectedV4Catalog(dataset)
        for configuration in [limited, SandboxConfiguration()] {
            let server = SandboxServer(frameIO: try FrameIODataset.bundledFixture(), frameIOV4: dataset, configuration: configuration)
            let database = try CatalogDatabase(path: try temporaryDatabasePath())
            let transport = RecordingTransport()
            _ = try await server.withRunning { urls in try await crawlV4(urls.frameIOV4, into: database, transport: transport) }
            let lists = transport.urls.withLock { $0 }.compactMap { url -> String? in
                guard let path = url.split(separator: "?").first, path.contains("/folders/") else { return nil }
                return path.split(separator: "/").last.map(String.init)
            }
            let used = Set(lists)
            if configuration.endpointRateLimits.isEmpty {
                #expect(used == ["children"], "\(used)")
            } else {
                #expect(used == ["children", "files", "folders", "version_stacks"], "\(used)")
            }
            var catalogued: [String: (path: String, kind: String)] = [:]
            try database.forEachItem(source: .frameio, records: false) { catalogued[$0.id] = ($0.path, $0.kind.rawValue) }
            #expect(Set(catalogued.keys) == Set(expected.keys))
            #expect(expected.allSatisfy { id, want in catalogued[id]?.path == want.path && catalogued[id]?.kind == want.kind })
        }
    }
}

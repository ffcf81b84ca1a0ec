import CatalogCore
import CatalogSandbox
import CatalogStore
import Crawler
import DashClient
import Foundation
import HTTPSupport
import TestSupport
import Testing

/// What a complete crawl of `dataset` must produce, worked out from the dataset alone.
func expectedDashCatalog(_ dataset: DashDataset) -> [String: (
    path: String, md5: String?, state: String, folders: [String], metadata: [String: [String]]
)] {
    let fields = Dictionary(uniqueKeysWithValues: dataset.fields.map { ($0.id, $0) })
    var result: [String: (String, String?, String, [String], [String: [String]])] = [:]
    for asset in dataset.assets {
        var folders: [String] = []
        var metadata: [String: [String]] = [:]
        for (fieldID, values) in asset.metadata {
            let field = fields[fieldID]!
            for value in values {
                if field.hasFixedOptions, let levels = dataset.optionLevels(value) {
                    metadata[field.name, default: []].append(levels.joined(separator: " / "))
                    if fieldID == dataset.foldersFieldID { folders.append(levels.joined(separator: "/")) }
                } else {
                    metadata[field.name, default: []].append(value)
                }
            }
        }
        let path = folders.first.map { "\($0)/\(asset.filename)" } ?? asset.filename
        result[asset.id] = (path, asset.checksum, asset.state, folders, metadata)
    }
    return result
}

func crawlDash(
    _ url: String, into database: CatalogDatabase,
    auth: DashAuth = DashAuth(mode: .token("dash-test-token"), transport: AsyncHTTPClientTransport(), credentials: nil),
    pageSize: Int = 1000, mode: CrawlOptions.ModeChoice = .automatic, force: Bool = false
) async throws -> CrawlReport {
    var options = CrawlOptions(concurrency: 8)
    options.mode = mode
    options.force = force
    return try await CrawlerFactory.dash(
        auth: auth, baseURL: url, database: database, options: options, pageSize: pageSize,
        retry: RetryPolicy(maxAttempts: 6, baseDelay: 0.01, throttleDelay: 0.05, maxDelay: 0.5), logger: testLogger()
    ).run()
}

func checkMatches(_ database: CatalogDatabase, _ dataset: DashDataset) throws {
    let expected = expectedDashCatalog(dataset)
    var seen = 0
    try database.forEachItem { item in
        guard item.source == .dash else { return }
        seen += 1
        guard let want = expected[item.id] else {
            Issue.record("unexpected item \(item.id)")
            return
        }
        #expect(item.path == want.path, "\(item.id)")
        #expect(item.md5 == want.md5, "\(item.id)")
        #expect(item.state == want.state, "\(item.id)")
        #expect(item.folders == want.folders, "\(item.id)")
        #expect(item.metadata == want.metadata, "\(item.id)")
    }
    #expect(seen == expected.count)
}

@Suite(.serialized) struct DashCrawlTests {
    @Test func crawlOfTheFixtureMatchesTheTenantExactly() async throws {
        let dataset = try DashDataset.bundledFixture()
        let server = SandboxServer(frameIO: FrameIODataset.generated(assets: 0, seed: 1), dash: dataset, configuration: SandboxConfiguration())
        let database = try CatalogDatabase(path: try temporaryDatabasePath())
        let report = try await server.withRunning { urls in try await crawlDash(urls.dash, into: database) }
        #expect(report.stats.changes.added == dataset.assets.count)
        #expect(report.stats.http.requests == report.minimumRequests)
        try checkMatches(database, dataset)
        let fields = try database.fields(source: .dash)
        #expect(fields.map(\.name) == dataset.fields.map(\.name))
        #expect(fields.filter(\.isFolders).map(\.id) == [dataset.foldersFieldID])
        let options = try database.fieldOptions(source: .dash)
        #expect(options.count == dataset.options.count)
        #expect(options.contains { $0.path == #"Campaigns / 2026 / Spring / Hero Images / Final "Approved""# })

        // Field-scoped search over what was crawled.
        let parser = SearchQueryParser(fields: fields.map(\.name))
        func ids(_ q: String) throws -> Set<String> { Set(try database.search(parser.parse(q), limit: 100).map(\.id)) }
        #expect(try ids("Brand:Acme") == ["dash-0001", "dash-0002", "dash-0003", "dash-0005", "dash-0009"])
        #expect(try ids(#""Usage Rights":"Web only""#) == ["dash-0003", "dash-0010"])
        #expect(try ids("folder:Campaigns/2026 state:live") == ["dash-0001", "dash-0003"])
        #expect(try ids("Folders:\"Campaigns / 2026\" type:audio") == ["dash-0010"])
        #expect(try ids("state:binned") == ["dash-0009"])
        #expect(try ids("golden hour source:dash") == ["dash-0001"])
        #expect(throws: SearchQueryError.self) { try parser.parse("Brnd:Acme") }

        // A second crawl changes nothing, although every preview URL was re-signed.
        let again = try await server.withRunning { urls in try await crawlDash(urls.dash, into: database) }
        #expect(again.mode == "delta")
        #expect(again.stats.changes.changed == 0 && again.stats.changes.added == 0 && again.stats.changes.deleted == 0)
        try checkMatches(database, dataset)
    }

    /// More assets than one search can page through: the windows must still find every one,
    /// including a bulk import of 300 assets sharing one modification time.
    @Test func crawlPastThePagingCapMissesNothing() async throws {
        let dataset = DashDataset.generated(assets: 12_500, seed: 7)
        var configuration = SandboxConfiguration()
        configuration.maxPageSize = 500
        let server = SandboxServer(frameIO: FrameIODataset.generated(assets: 0, seed: 1), dash: dataset, configuration: configuration)
        let database = try CatalogDatabase(path: try temporaryDatabasePath())
        let report = try await server.withRunning { urls in try await crawlDash(urls.dash, into: database) }
        #expect(report.stats.changes.added == 12_500)
        try checkMatches(database, dataset)
        // Pages at the honoured size, plus a few counts and boundaries for the split.
        #expect(report.stats.http.requests <= report.minimumRequests + 12)
    }

    @Test func refreshTokensAreRotatedKeptAndNeverWrittenElsewhere() async throws {
        let dataset = try DashDataset.bundledFixture()
        var configuration = SandboxConfiguration()
        configuration.dashAuth = OAuthClientSettings(
            clientID: "client-1", clientSecret: "secret-s3cr3t-value", refreshToken: "refresh-original-0001", accessTokenLifetime: 300)
        let server = SandboxServer(frameIO: FrameIODataset.generated(assets: 0, seed: 1), dash: dataset, configuration: configuration)
        let path = try temporaryDatabasePath()
        let database = try CatalogDatabase(path: path)
        let credentials = CredentialsFile(path: (path as NSString).deletingLastPathComponent + "/config/catalog/credentials.json")
        try await server.withRunning { urls in
            let mode = DashAuth.Mode.refresh(
                clientID: "client-1", clientSecret: "secret-s3cr3t-value", refreshToken: "refresh-original-0001", authURL: urls.dashAuth)
            let auth = DashAuth(mode: mode, transport: AsyncHTTPClientTransport(), credentials: credentials)
            _ = try await crawlDash(urls.dash, into: database, auth: auth)
            #expect(server.dash.issuedTokens == 1)
            // The access token is revoked: the next request gets a 401, refreshes once, and goes on.
            server.dash.expireAccessTokens()
            let second = try await crawlDash(urls.dash, into: database, auth: auth)
            #expect(second.stats.changes.changed == 0 && second.stats.changes.deleted == 0)
            #expect(server.dash.issuedTokens == 2)
            // The original refresh token is spent; a new process must use the saved rotation.
            let saved = credentials.section("dash")
            #expect(saved["refresh_token"]?.hasPrefix("dash-refresh-2-") == true)
            let mode2 = try #require(credentials.section("dash")["refresh_token"])
            let mode0600 = try FileManager.default.attributesOfItem(atPath: credentials.path)[.posixPermissions] as! Int
            #expect(mode0600 & 0o077 == 0)
            let fresh = DashAuth(mode: mode, transport: AsyncHTTPClientTransport(), credentials: credentials)
            _ = try await crawlDash(urls.dash, into: database, auth: fresh)
            #expect(server.dash.issuedTokens == 3)

            // No secret in the catalog, its WAL or anything else beside it but the credentials file.
            let secrets = ["secret-s3cr3t-value", "refresh-original-0001", mode2, "dash-access-", "dash-refresh-"]
            let directory = (path as NSString).deletingLastPathComponent
            for file in try FileManager.default.subpathsOfDirectory(atPath: directory) where !file.hasSuffix("credentials.json") {
                guard let data = FileManager.default.contents(atPath: directory + "/" + file) else { continue }
                for secret in secrets {
                    #expect(data.range(of: Data(secret.utf8)) == nil, "\(secret) found in \(file)")
                }
            }
        }
    }

    @Test func aRefusedClientSecretFailsClearlyWithoutLeakingIt() async throws {
        var configuration = SandboxConfiguration()
        configuration.dashAuth = OAuthClientSettings(
            clientID: "client-1", clientSecret: "right-secret", refreshToken: "refresh-xyz-123", accessTokenLifetime: 300)
        let server = SandboxServer(
            frameIO: FrameIODataset.generated(assets: 0, seed: 1), dash: try DashDataset.bundledFixture(), configuration: configuration)
        let database = try CatalogDatabase(path: try temporaryDatabasePath())
        await #expect {
            try await server.withRunning { urls in
                let auth = DashAuth(
                    mode: .refresh(clientID: "client-1", clientSecret: "wrong-secret-777", refreshToken: "refresh-xyz-123", authURL: urls.dashAuth),
                    transport: AsyncHTTPClientTransport(), credentials: nil)
                _ = try await crawlDash(urls.dash, into: database, auth: auth)
            }
        } throws: { error in
            let text = "\(error)"
            return (error as? APIError)?.remedy == .credentials(service: .dash, signIn: true) && !text.contains("wrong-secret-777")
                && !text.contains("refresh-xyz-123")
        }
        #expect(try database.crawls().isEmpty)  // refused before the catalog was touched
    }

    /// Renames, moves, edits, new files, deletions, binned assets, a renamed folder and files
    /// replaced by older ones: the delta sees all but the replacements cheaply, the verify pass
    /// the rest, and the result equals a fresh full crawl.
    @Test func deltaAfterChangesThenVerifyEqualsAFreshFullCrawl() async throws {
        let dataset = DashDataset.generated(assets: 4_000, seed: 11)
        var configuration = SandboxConfiguration()
        configuration.maxPageSize = 100
        let server = SandboxServer(frameIO: FrameIODataset.generated(assets: 0, seed: 1), dash: dataset, configuration: configuration)
        let database = try CatalogDatabase(path: try temporaryDatabasePath())
        let fresh = try CatalogDatabase(path: try temporaryDatabasePath())
        try await server.withRunning { urls in
            let full = try await crawlDash(urls.dash, into: database)
            let report = server.dash.mutate(rate: 0.01, seed: 5)
            #expect(report.total >= 40 && !report.deleted.isEmpty && !report.replaced.isEmpty && !report.renamedOptions.isEmpty)
            let delta = try await crawlDash(urls.dash, into: database)
            #expect(delta.mode == "delta")
            // Cost: a fixed part (user, fields, options, counts), the changed pages, and a few
            // counts per purged or back-dated asset to find it (docs/crawling.md, "Dash delta").
            #expect(
                delta.stats.http.requests * 2 < full.stats.http.requests, "delta \(delta.stats.http.requests) vs full \(full.stats.http.requests)")
            // The change log names what changed.
            var changes: [CatalogChange.Kind: Set<String>] = [:]
            try database.forEachChange(afterCrawl: full.crawlID, source: .dash) { changes[$0.change, default: []].insert($0.id) }
            #expect(
                delta.stats.changes.added == report.added.count,
                "added \(delta.stats.changes.added), report \(report.added.count), changes \(changes.mapValues(\.count))")
            #expect(delta.stats.changes.deleted == report.deleted.count)

            #expect(changes[.added] == Set(report.added))
            #expect(changes[.deleted] == Set(report.deleted))
            let movedMissing = Set(report.moved).subtracting(changes[.moved] ?? [])
            #expect(movedMissing.isEmpty, "moves not logged as moves: \(movedMissing.count), e.g. \(movedMissing.first ?? "")")
            let changed = (changes[.modified] ?? []).union(changes[.moved] ?? [])
            #expect(Set(report.edited + report.binned).subtracting(changed).isEmpty)

            _ = try await crawlDash(urls.dash, into: database, mode: .full)  // --verify
            _ = try await crawlDash(urls.dash, into: fresh)
        }
        var a: [String: String] = [:]
        var b: [String: String] = [:]
        try database.forEachItem(source: .dash) { a[$0.id] = $0.digest + $0.path + ($0.metadataJSON ?? "") }
        try fresh.forEachItem(source: .dash) { b[$0.id] = $0.digest + $0.path + ($0.metadataJSON ?? "") }
        #expect(a.count == b.count)
        #expect(a == b)
        #expect(try database.fieldOptions(source: .dash) == fresh.fieldOptions(source: .dash))
    }

    @Test func purgesAreFoundWhereverTheyFallEvenBehindAnAssetThatMovedInTime() async throws {
        var dataset = DashDataset.generated(assets: 3_000, seed: 21)
        // Five assets modified in the same second.
        for i in 101...104 { dataset.assets[i].dateLastModified = dataset.assets[100].dateLastModified }
        var configuration = SandboxConfiguration()
        configuration.maxPageSize = 100
        let server = SandboxServer(frameIO: FrameIODataset.generated(assets: 0, seed: 1), dash: dataset, configuration: configuration)
        let database = try CatalogDatabase(path: try temporaryDatabasePath())
        var changed = dataset
        let byTime = changed.assets.indices.sorted {
            (DashTime.parse(changed.assets[$0].dateLastModified)!, $0) < (DashTime.parse(changed.assets[$1].dateLastModified)!, $1)
        }
        // Purged: the earliest and latest assets, the five sharing a second, and one whose second
        // a file replaced by an older one moves into, so the counts there balance.
        let hidden = byTime[1500]
        let replaced = byTime[2500]
        let purged = Set([byTime.first!, byTime.last!, hidden, 100, 101, 102, 103, 104].map { changed.assets[$0].id })
        changed.assets[replaced].checksum = "0123456789abcdef0123456789abcdef"
        changed.assets[replaced].size += 1
        changed.assets[replaced].dateLastModified = changed.assets[hidden].dateLastModified
        changed.assets.removeAll { purged.contains($0.id) }
        let tenant = changed
        let fullCrawl = try await server.withRunning { urls in
            let full = try await crawlDash(urls.dash, into: database)
            server.dash.replace(tenant)
            let delta = try await crawlDash(urls.dash, into: database)
            #expect(delta.mode == "delta")
            #expect(delta.stats.changes.deleted == purged.count)
            // Three dozen windows and a page each at most, not a re-read of 30 pages of ids.
            #expect(delta.stats.http.requests < full.stats.http.requests, "delta \(delta.stats.http.requests) vs full \(full.stats.http.requests)")
            return full.crawlID
        }
        var deleted = Set<String>()
        try database.forEachChange(afterCrawl: fullCrawl, source: .dash) { if $0.change == .deleted { deleted.insert($0.id) } }
        #expect(deleted == purged)
        try checkMatches(database, changed)
    }

    @Test func aServiceThatRefusesTheFlatOptionSearchIsWalkedInstead() async throws {
        let dataset = DashDataset.generated(assets: 600, seed: 13)
        var configuration = SandboxConfiguration()
        configuration.dashOptionCriteria = ["AND", "FIELD_EQUALS", "FIELD_IS_EMPTY"]
        let server = SandboxServer(frameIO: FrameIODataset.generated(assets: 0, seed: 1), dash: dataset, configuration: configuration)
        let database = try CatalogDatabase(path: try temporaryDatabasePath())
        let fresh = try CatalogDatabase(path: try temporaryDatabasePath())
        let report = try await server.withRunning { urls in
            _ = try await crawlDash(urls.dash, into: database)
            let report = server.dash.mutate(rate: 0.02, seed: 3)
            #expect(!report.renamedOptions.isEmpty)
            let delta = try await crawlDash(urls.dash, into: database)
            #expect(delta.mode == "delta")
            _ = try await crawlDash(urls.dash, into: fresh)
            return report
        }
        #expect(try database.fieldOptions(source: .dash) == fresh.fieldOptions(source: .dash))
        var a: [String: String] = [:]
        var b: [String: String] = [:]
        try database.forEachItem(source: .dash) { a[$0.id] = $0.digest + $0.path }
        try fresh.forEachItem(source: .dash) { b[$0.id] = $0.digest + $0.path }
        // Only replacements dated in the past wait for --verify.
        let differing = Set(a.keys.filter { a[$0] != b[$0] })
        #expect(a.keys.sorted() == b.keys.sorted())
        #expect(differing.isSubset(of: Set(report.replaced)), "\(differing.subtracting(report.replaced).count) differ")
    }

    @Test func aMassDisappearanceIsNotAppliedWithoutForce() async throws {
        let dataset = DashDataset.generated(assets: 300, seed: 3)
        let server = SandboxServer(frameIO: FrameIODataset.generated(assets: 0, seed: 1), dash: dataset, configuration: SandboxConfiguration())
        let database = try CatalogDatabase(path: try temporaryDatabasePath())
        try await server.withRunning { urls in
            _ = try await crawlDash(urls.dash, into: database)
            var shrunk = dataset
            shrunk.assets.removeLast(100)
            server.dash.replace(shrunk)
            await #expect { try await crawlDash(urls.dash, into: database) } throws: { ($0 as? DeltaRefusal)?.remedy == .force(.dash) }
            #expect(try database.itemCount(source: .dash) == 300)
            let forced = try await crawlDash(urls.dash, into: database, force: true)
            #expect(forced.stats.changes.deleted == 100)
            #expect(try database.itemCount(source: .dash) == 200)
        }
    }
}

import CatalogCore
import CatalogSandbox
import CatalogStore
import Crawler
import Foundation
import HTTPSupport
import Testing

func temporaryDatabasePath() -> String {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("catalog-crawl-\(UUID().uuidString)")
    try! FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    return directory.appendingPathComponent("catalog.sqlite").path
}

/// What a complete crawl of `dataset` must produce, worked out from the dataset alone: (id → path, kind, xxh64).
func expectedCatalog(_ dataset: FrameIODataset) -> [String: (path: String, kind: String, xxh64: String?)] {
    var expected: [String: (String, String, String?)] = [:]
    var accountNames: [String: String] = [:]
    for account in dataset.accounts {
        let name = account.displayName ?? account.ownerName.map { "\($0)'s Account" } ?? "\(account.ownerEmail)'s Account"
        accountNames[account.id] = name
        expected[account.id] = (name, "account", nil)
    }
    var teamPaths: [String: String] = [:]
    for team in dataset.teams {
        teamPaths[team.id] = accountNames[team.accountID]! + "/" + team.name
        expected[team.id] = (teamPaths[team.id]!, "team", nil)
    }
    for project in dataset.projects where project.isTeamProject || project.isShared {
        let base = (project.isTeamProject ? teamPaths[project.teamID]! : teamPaths[project.teamID] ?? "Shared with me") + "/" + project.name
        expected[project.id] = (base, "project", nil)
        func walk(_ parent: String, _ path: String) {
            for index in dataset.childrenByParent[parent] ?? [] {
                let asset = dataset.assets[index]
                guard asset.deletedAt == nil else { continue }
                let childPath = path + "/" + asset.name
                expected[asset.id] = (childPath, asset.type, asset.xxHash?.lowercased())
                walk(asset.id, childPath)
            }
        }
        walk(project.rootAssetID, base)
    }
    return expected
}

func crawl(
    _ url: String, into database: CatalogDatabase, token: String = "sandbox-token-abc", pageSize: Int = 1000,
    retry: RetryPolicy = RetryPolicy(maxAttempts: 6, baseDelay: 0.01, throttleDelay: 0.05, maxDelay: 0.5)
) async throws -> CrawlReport {
    try await CrawlerFactory.frameIO(
        token: token, baseURL: url, database: database, options: CrawlOptions(concurrency: 8), pageSize: pageSize, retry: retry
    ).run()
}

@Suite(.serialized) struct FrameIOCrawlTests {
    @Test func crawlOfTheFixtureMatchesTheDatasetExactly() async throws {
        let dataset = try FrameIODataset.bundledFixture()
        let server = SandboxServer(frameIO: dataset, configuration: SandboxConfiguration())
        let database = try CatalogDatabase(path: temporaryDatabasePath())
        let report = try await server.withRunning { urls in try await crawl(urls.frameIO, into: database) }

        let expected = expectedCatalog(dataset)
        var seen: [String: CatalogItem] = [:]
        try database.forEachItem { seen[$0.id] = $0 }
        #expect(Set(seen.keys) == Set(expected.keys))
        for (id, want) in expected {
            guard let item = seen[id] else { continue }
            #expect(item.path == want.path, "\(id)")
            #expect(item.kind.rawValue == want.kind, "\(id)")
            #expect(item.xxh64 == want.xxh64, "\(id)")
            #expect(item.digest == Digest.xxh3_128(item.record).hex)
            #expect(!item.record.contains("Signature="))
        }
        #expect(report.stats.items == expected.count)
        // The shared project that is also a team project is catalogued once, under its team.
        #expect(seen["proj-documentary-0001"]?.path == "Northlight Pictures/Post Production/Île de Ré Documentary")
        // Versions sit under their stack; deleted assets are absent; the archived project is present.
        #expect(seen["file-doc-cut-v2"]?.parentID == "stack-doc-cut")
        #expect(seen["file-doc-b003"] == nil)
        #expect(seen["file-arch-master"] != nil)
        #expect(seen["file-doc-a004"]?.xxh64 == nil && seen["file-doc-a005"]?.xxh64 == nil)
        #expect(report.stats.requests == report.minimumRequests)
    }

    @Test func recrawlOfAnUnchangedTreeChangesNothing() async throws {
        let server = SandboxServer(frameIO: try FrameIODataset.bundledFixture(), configuration: SandboxConfiguration())
        let database = try CatalogDatabase(path: temporaryDatabasePath())
        let (first, second) = try await server.withRunning { urls in
            (try await crawl(urls.frameIO, into: database), try await crawl(urls.frameIO, into: database))
        }
        #expect(first.stats.added == first.stats.items)
        #expect(second.stats.unchanged == first.stats.items)
        #expect(second.stats.changed == 0 && second.stats.added == 0 && second.stats.deleted == 0)
    }

    @Test func smallPagesRateLimitsAndFailuresStillGiveTheExactCatalog() async throws {
        let dataset = FrameIODataset.generated(assets: 3000, seed: 7)
        var configuration = SandboxConfiguration()
        configuration.maxPageSize = 37
        configuration.rateLimit = 200
        configuration.rateWindowMilliseconds = 100
        configuration.sendRetryAfter = false
        configuration.failRate = 0.05
        let server = SandboxServer(frameIO: dataset, configuration: configuration)
        let database = try CatalogDatabase(path: temporaryDatabasePath())
        let report = try await server.withRunning { urls in try await crawl(urls.frameIO, into: database) }
        let expected = expectedCatalog(dataset)
        var ids = Set<String>()
        var paths: [String: String] = [:]
        try database.forEachItem {
            ids.insert($0.id)
            paths[$0.id] = $0.path
        }
        #expect(ids == Set(expected.keys))
        #expect(expected.allSatisfy { paths[$0.key] == $0.value.path })
        #expect(report.stats.retries > 0)
        let counts = server.frameIO.counts
        #expect(counts.failures > 0)
        #expect(report.stats.requests == counts.requests)
    }

    @Test func wrongTokenFailsBeforeTheCatalogIsTouched() async throws {
        var configuration = SandboxConfiguration()
        configuration.requiredToken = "the-right-token"
        let server = SandboxServer(frameIO: try FrameIODataset.bundledFixture(), configuration: configuration)
        let database = try CatalogDatabase(path: temporaryDatabasePath())
        await #expect {
            try await server.withRunning { urls in try await crawl(urls.frameIO, into: database, token: "a-wrong-token") }
        } throws: { error in
            "\(error)".contains("FRAMEIO_TOKEN") && !"\(error)".contains("a-wrong-token")
        }
        #expect(try database.crawls().isEmpty)
    }

    @Test func failedCrawlLeavesThePreviousCatalogSearchable() async throws {
        let database = try CatalogDatabase(path: temporaryDatabasePath())
        let good = SandboxServer(frameIO: try FrameIODataset.bundledFixture(), configuration: SandboxConfiguration())
        let first = try await good.withRunning { urls in try await crawl(urls.frameIO, into: database) }
        var broken = SandboxConfiguration()
        broken.failRate = 0.5
        let bad = SandboxServer(frameIO: FrameIODataset.generated(assets: 2000, seed: 3), configuration: broken)
        await #expect(throws: APIError.self) {
            try await bad.withRunning { urls in
                try await crawl(urls.frameIO, into: database, pageSize: 20, retry: RetryPolicy(maxAttempts: 1, baseDelay: 0.01))
            }
        }
        #expect(try database.itemCount() == first.stats.items)
        #expect(try database.search(SearchQueryParser().parse("interview")).count == 3)
        #expect(try database.integrityCheck() == "ok")
        let status = try database.status().first { $0.source == .frameio }!
        #expect(status.lastComplete?.id == first.crawlID)
    }
}

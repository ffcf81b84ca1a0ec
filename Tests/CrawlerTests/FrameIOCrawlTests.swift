import CatalogCore
import CatalogSandbox
import CatalogStore
import Crawler
import Foundation
import HTTPSupport
import Logging
import TestSupport
import Testing

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

/// The crawlers' logger in tests: errors only, so a passing run is quiet; `CATALOG_TEST_LOG=info`
/// (or `debug`, `trace`) shows a failing test's crawl as the command line would log it.
func testLogger() -> Logger {
    var logger = Logger(label: "catalog.crawl")
    logger.logLevel = ProcessInfo.processInfo.environment["CATALOG_TEST_LOG"].flatMap(Logger.Level.init(rawValue:)) ?? .error
    return logger
}

func crawl(
    _ url: String, into database: CatalogDatabase, token: String = "sandbox-token-abc", pageSize: Int = 1000,
    retry: RetryPolicy = RetryPolicy(maxAttempts: 6, baseDelay: 0.01, throttleDelay: 0.05, maxDelay: 0.5),
    mode: CrawlOptions.ModeChoice = .automatic, force: Bool = false
) async throws -> CrawlReport {
    var options = CrawlOptions(concurrency: 8)
    options.mode = mode
    options.force = force
    return try await CrawlerFactory.frameIO(
        token: token, baseURL: url, database: database, options: options, pageSize: pageSize, retry: retry, logger: testLogger()
    ).run()
}

/// Every item of a source as id → digest, path, parent, kind: two catalogs are equal when these are.
func catalogFingerprint(_ database: CatalogDatabase, source: Source) throws -> [String: String] {
    var result: [String: String] = [:]
    try database.forEachItem(source: source) {
        result[$0.id] = [$0.digest, $0.path, $0.parentID ?? "-", $0.projectID ?? "-", $0.kind.rawValue].joined(separator: "|")
    }
    return result
}

@Suite(.serialized) struct FrameIOCrawlTests {
    @Test func crawlOfTheFixtureMatchesTheDatasetExactly() async throws {
        let dataset = try FrameIODataset.bundledFixture()
        let server = SandboxServer(frameIO: dataset, configuration: SandboxConfiguration())
        let database = try CatalogDatabase(path: try temporaryDatabasePath())
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
        #expect(report.stats.http.requests == report.minimumRequests)
    }

    @Test func recrawlOfAnUnchangedTreeChangesNothing() async throws {
        let server = SandboxServer(frameIO: try FrameIODataset.bundledFixture(), configuration: SandboxConfiguration())
        let database = try CatalogDatabase(path: try temporaryDatabasePath())
        let (first, second) = try await server.withRunning { urls in
            (try await crawl(urls.frameIO, into: database), try await crawl(urls.frameIO, into: database))
        }
        #expect(first.stats.changes.added == first.stats.items)
        #expect(second.stats.changes.unchanged == first.stats.items)
        #expect(second.stats.changes.changed == 0 && second.stats.changes.added == 0 && second.stats.changes.deleted == 0)
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
        let database = try CatalogDatabase(path: try temporaryDatabasePath())
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
        #expect(report.stats.http.retries > 0)
        let counts = server.frameIO.counts
        #expect(counts.failures > 0)
        #expect(report.stats.http.requests == counts.requests)
    }

    @Test func wrongTokenFailsBeforeTheCatalogIsTouched() async throws {
        var configuration = SandboxConfiguration()
        configuration.requiredToken = "the-right-token"
        let server = SandboxServer(frameIO: try FrameIODataset.bundledFixture(), configuration: configuration)
        let database = try CatalogDatabase(path: try temporaryDatabasePath())
        await #expect {
            try await server.withRunning { urls in try await crawl(urls.frameIO, into: database, token: "a-wrong-token") }
        } throws: { error in
            (error as? APIError)?.remedy == .credentials(service: .frameIOV2, signIn: false) && !"\(error)".contains("a-wrong-token")
        }
        #expect(try database.crawls().isEmpty)
    }

    @Test func failedCrawlLeavesThePreviousCatalogSearchable() async throws {
        let database = try CatalogDatabase(path: try temporaryDatabasePath())
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
    @Test func deltaAfterChangesEqualsAFreshFullCrawl() async throws {
        let dataset = FrameIODataset.generated(assets: 6_000, seed: 21)
        var configuration = SandboxConfiguration()
        configuration.maxPageSize = 200
        let server = SandboxServer(frameIO: dataset, configuration: configuration)
        let database = try CatalogDatabase(path: try temporaryDatabasePath())
        let fresh = try CatalogDatabase(path: try temporaryDatabasePath())
        try await server.withRunning { urls in
            let full = try await crawl(urls.frameIO, into: database)
            let report = server.frameIO.mutate(rate: 0.01, seed: 9)
            #expect(report.total >= 30 && !report.deleted.isEmpty && !report.renamedFolders.isEmpty && !report.deletedFolders.isEmpty)
            #expect(report.purged.isEmpty && report.addedProjects.count == 1)
            let delta = try await crawl(urls.frameIO, into: database)
            #expect(delta.mode == "delta")
            // Searches per changed project, their trash, the hierarchy, and one new project walked.
            #expect(
                delta.stats.http.requests * 10 < full.stats.http.requests, "delta \(delta.stats.http.requests) vs full \(full.stats.http.requests)")
            #expect(delta.stats.http.requests == delta.minimumRequests)
            var changes: [CatalogChange.Kind: Set<String>] = [:]
            try database.forEachChange(afterCrawl: full.crawlID, source: .frameio) { changes[$0.change, default: []].insert($0.id) }
            let added = Set(report.added + report.versioned)
            #expect(added.isSubset(of: changes[.added] ?? []))
            #expect(Set(report.deleted + report.deletedFolders).isSubset(of: changes[.deleted] ?? []))
            #expect(Set(report.moved).isSubset(of: changes[.moved] ?? []))
            #expect(Set(report.edited).isSubset(of: changes[.modified] ?? []))
            // The unchanged count is the catalog's, not the delta's.
            #expect(delta.stats.items == (try database.itemCount(source: .frameio)))
            _ = try await crawl(urls.frameIO, into: fresh)
        }
        let a = try catalogFingerprint(database, source: .frameio)
        let b = try catalogFingerprint(fresh, source: .frameio)
        #expect(a.count == b.count)
        let differing = Set(a.keys).symmetricDifference(b.keys).union(a.keys.filter { b[$0] != nil && a[$0] != b[$0] })
        #expect(differing.isEmpty, "\(differing.count) differ: \(differing.sorted().map { "\($0): \(a[$0] ?? "-") vs \(b[$0] ?? "-")" })")
    }

    @Test func aPurgeTheSearchCannotSeeIsFoundByRewalkingOnlyItsProject() async throws {
        let dataset = FrameIODataset.generated(assets: 4_000, seed: 5)
        let server = SandboxServer(frameIO: dataset, configuration: SandboxConfiguration())
        let database = try CatalogDatabase(path: try temporaryDatabasePath())
        let fresh = try CatalogDatabase(path: try temporaryDatabasePath())
        try await server.withRunning { urls in
            let full = try await crawl(urls.frameIO, into: database)
            // A file removed for good: no date query and no trash shows it; only the counts do.
            var changed = server.frameIO.dataset
            let victim = changed.assets.firstIndex { $0.type == "file" && $0.deletedAt == nil && changed.assetIndex[$0.parentID] == nil }!
            let victimID = changed.assets[victim].id
            let projectID = changed.assets[victim].projectID
            changed.assets.remove(at: victim)
            if let p = changed.projects.firstIndex(where: { $0.id == projectID }) { changed.projects[p].updatedAt = "2026-11-01T00:00:00.000000Z" }
            changed.reindex()
            server.frameIO.replace(changed)
            let delta = try await crawl(urls.frameIO, into: database)
            #expect(delta.stats.changes.deleted == 1)
            #expect(try database.items(source: .frameio, ids: [victimID]).isEmpty)
            #expect(delta.stats.http.requests == delta.minimumRequests)
            #expect(
                delta.stats.http.requests < full.stats.http.requests * 3 / 4, "delta \(delta.stats.http.requests) vs full \(full.stats.http.requests)"
            )
            _ = try await crawl(urls.frameIO, into: fresh)
        }
        #expect(try catalogFingerprint(database, source: .frameio) == catalogFingerprint(fresh, source: .frameio))
    }

    @Test func aMassDisappearanceIsNotAppliedWithoutForce() async throws {
        let dataset = FrameIODataset.generated(assets: 2_000, seed: 4)
        let server = SandboxServer(frameIO: dataset, configuration: SandboxConfiguration())
        let database = try CatalogDatabase(path: try temporaryDatabasePath())
        try await server.withRunning { urls in
            let full = try await crawl(urls.frameIO, into: database)
            var shrunk = dataset
            shrunk.projects.removeFirst()  // lost access to a project
            shrunk.reindex()
            server.frameIO.replace(shrunk)
            await #expect { try await crawl(urls.frameIO, into: database) } throws: { ($0 as? DeltaRefusal)?.remedy == .force(.frameio) }
            #expect(try database.itemCount(source: .frameio) == full.stats.items)
            let forced = try await crawl(urls.frameIO, into: database, force: true)
            #expect(forced.stats.changes.deleted > 100)
        }
    }
}

@Suite struct DuplicateCrawlTests {
    @Test func dupesOfAGeneratedTreeAreExactlyItsDuplicateUploads() async throws {
        let dataset = FrameIODataset.generated(assets: 5_000, seed: 13)
        let server = SandboxServer(frameIO: dataset, configuration: SandboxConfiguration())
        let database = try CatalogDatabase(path: try temporaryDatabasePath())
        _ = try await server.withRunning { urls in try await crawl(urls.frameIO, into: database) }
        // Known groups, from the dataset alone: live files sharing a checksum, in two or more
        // places (the versions of one stack are one place).
        let live = Set(expectedCatalog(dataset).keys)
        var byHash: [String: [FrameIODataset.Asset]] = [:]
        for asset in dataset.assets where asset.type == "file" && live.contains(asset.id) {
            if let hash = asset.xxHash?.lowercased() { byHash[hash, default: []].append(asset) }
        }
        let expected = Set(
            byHash.values.filter { copies in
                Set(copies.map { dataset.assets[dataset.assetIndex[$0.parentID] ?? 0].type == "version_stack" ? $0.parentID : $0.id }).count > 1
            }.map { Set($0.map(\.id)) })
        let groups = try database.duplicateGroups(DuplicateFilter())
        #expect(expected.count > 20)
        #expect(Set(groups.map { Set($0.copies.map(\.id)) }) == expected)
        #expect(groups.map(\.wastedBytes) == groups.map(\.wastedBytes).sorted(by: >))
    }
}

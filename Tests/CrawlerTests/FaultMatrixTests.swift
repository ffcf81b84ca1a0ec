import CatalogCore
import CatalogSandbox
import CatalogStore
import Crawler
import DashClient
import Foundation
import HTTPSupport
import TestSupport
import Testing

/// The outcome of a full crawl through a faulty sandbox, over a catalog that already holds a
/// complete crawl of an earlier state of the same data.
struct FaultOutcome {
    /// The crawl's report, when it completed.
    var report: CrawlReport?
    /// Why it failed, when it did.
    var error: (any Error)?
    /// The catalog before the faulty crawl, after it, and what a fault-free crawl of the new data gives.
    var before: [String: String]
    var after: [String: String]
    var expected: [String: String]
    /// The last complete crawl before and after.
    var lastCompleteBefore: Int64?
    var lastCompleteAfter: Int64?
    var integrity: String
    /// What the faulty sandbox sent.
    var counts: SandboxCounters
    /// Dash access tokens the faulty sandbox issued.
    var tokensIssued = 0

    var message: String { error.map { "\($0)" } ?? "" }

    /// Completed with exactly the catalog a fault-free crawl gives, and is shown as the latest complete crawl.
    func expectExactCatalog(_ comment: Comment, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(error == nil, "\(comment): \(message)", sourceLocation: sourceLocation)
        #expect(after == expected, "\(comment): \(difference(after, expected))", sourceLocation: sourceLocation)
        #expect(after != before, "the data changed between the crawls", sourceLocation: sourceLocation)
        #expect(lastCompleteAfter != lastCompleteBefore, comment, sourceLocation: sourceLocation)
        #expect(integrity == "ok", sourceLocation: sourceLocation)
    }

    /// Failed with a message holding `words`, leaving the previous catalog and its status as they were.
    func expectCleanFailure(
        mentioning words: [String], remedy: Remedy? = nil, _ comment: Comment, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(error != nil, comment, sourceLocation: sourceLocation)
        if let remedy { #expect((error as? any CatalogFailure)?.remedy == remedy, "\(comment): \(message)", sourceLocation: sourceLocation) }
        for word in words { #expect(message.contains(word), "\(comment): \(message)", sourceLocation: sourceLocation) }
        #expect(message.contains("unchanged"), "\(comment): \(message)", sourceLocation: sourceLocation)
        #expect(after == before, "\(comment): \(difference(after, before))", sourceLocation: sourceLocation)
        #expect(lastCompleteAfter == lastCompleteBefore, comment, sourceLocation: sourceLocation)
        #expect(integrity == "ok", sourceLocation: sourceLocation)
    }
}

extension FaultOutcome {
    /// Runs a faulty `crawl` of `source` over `database` (which holds the previous snapshot) and
    /// records what it left, next to `expected`, the fingerprint of what a fault-free crawl gives.
    static func observe(
        _ source: Source, in database: CatalogDatabase, expecting expected: [String: String], _ crawl: () async throws -> CrawlReport
    ) async throws -> FaultOutcome {
        var outcome = FaultOutcome(
            before: try catalogFingerprint(database, source: source), after: [:], expected: expected,
            lastCompleteBefore: try database.lastCompleteCrawl(source: source)?.id, integrity: "", counts: SandboxCounters())
        do { outcome.report = try await crawl() } catch { outcome.error = error }
        outcome.after = try catalogFingerprint(database, source: source)
        outcome.lastCompleteAfter = try database.lastCompleteCrawl(source: source)?.id
        outcome.integrity = try database.integrityCheck()
        return outcome
    }
}

/// How two catalog fingerprints differ, in a few words.
func difference(_ a: [String: String], _ b: [String: String]) -> String {
    let missing = b.keys.filter { a[$0] == nil }.count
    let extra = a.keys.filter { b[$0] == nil }.count
    let changed = a.keys.filter { b[$0] != nil && b[$0] != a[$0] }.sorted()
    return "\(a.count) vs \(b.count) items: \(missing) missing, \(extra) extra, \(changed.count) different (e.g. \(changed.prefix(3)))"
}

/// Quick retries so that the suite runs in seconds; the timeout is what a `slow` answer (1.2 s)
/// exceeds. Not shorter: on a loaded machine (the CLI suites start processes beside these) the
/// sandbox's first answer took longer than half a second, and /me failed.
let faultRetry = RetryPolicy(maxAttempts: 6, baseDelay: 0.005, throttleDelay: 0.02, maxDelay: 0.2, timeout: .seconds(1))

/// Where a fault case starts and what it must end in: made by two fault-free crawls once per test
/// run (they were most of the fault matrix's time when every case made its own) and copied for
/// each case, which then crawls `changed` through its faults.
struct FaultBaseline<Dataset: Sendable>: Sendable {
    /// A catalog holding the previous snapshot; each case crawls into its own copy.
    let template: CatalogDatabase
    /// The catalog a fault-free crawl of ``changed`` gives (``catalogFingerprint(_:source:)``).
    let expected: [String: String]
    /// The data the faulty sandbox serves.
    let changed: Dataset

    /// Crawls `previous` into the template and `changed` into a reference catalog, through a
    /// fault-free `server`; `crawl` runs one crawl, `serve` switches the server to new data.
    static func make(
        source: Source, previous: Dataset, changed: Dataset, server: SandboxServer,
        serve: @escaping @Sendable (SandboxServer, Dataset) -> Void,
        crawl: @escaping @Sendable (SandboxURLs, CatalogDatabase) async throws -> Void
    ) async throws -> FaultBaseline {
        let template = try CatalogDatabase(path: try temporaryDatabasePath())
        let reference = try CatalogDatabase(path: try temporaryDatabasePath())
        try await server.withRunning { urls in
            serve(server, previous)
            try await crawl(urls, template)
            serve(server, changed)
            try await crawl(urls, reference)
        }
        return FaultBaseline(template: template, expected: try catalogFingerprint(reference, source: source), changed: changed)
    }

    /// A fresh copy of the template for one case.
    func startingCatalog() throws -> CatalogDatabase { try template.copy(to: try temporaryDatabasePath()) }
}

/// The fault matrix's baselines, each made on first use.
enum FaultBaselines {
    /// A generated Frame.io v2 tree of `assets` assets, crawled in pages of 40, and a 2% mutation of it.
    static func frameIO(assets: Int) async throws -> FaultBaseline<FrameIODataset> {
        let before = FrameIODataset.generated(assets: assets, seed: 31)
        var changed = before
        _ = changed.mutate(rate: 0.02, seed: 5, now: Date())
        var clean = SandboxConfiguration()
        clean.maxPageSize = 40
        return try await FaultBaseline.make(
            source: .frameio, previous: before, changed: changed, server: SandboxServer(frameIO: before, configuration: clean),
            serve: { $0.frameIO.replace($1) }, crawl: { _ = try await crawl($0.frameIO, into: $1, pageSize: 40, retry: faultRetry) })
    }
    static let frameIOSmall = Task { try await frameIO(assets: 500) }
    static let frameIOLarge = Task { try await frameIO(assets: 1500) }

    /// A generated Dash library of 1 200 assets, crawled in pages of 60, and a 2% mutation of it.
    static let dash = Task {
        let before = DashDataset.generated(assets: 1200, seed: 17)
        var changed = before
        _ = changed.mutate(rate: 0.02, seed: 5, now: Int64(Date().timeIntervalSince1970 * 1000))
        var clean = SandboxConfiguration()
        clean.maxPageSize = 60
        let server = SandboxServer(frameIO: FrameIODataset.generated(assets: 0, seed: 1), dash: before, configuration: clean)
        return try await FaultBaseline.make(
            source: .dash, previous: before, changed: changed, server: server,
            serve: { $0.dash.replace($1) }, crawl: { _ = try await crawlDash($0.dash, into: $1) })
    }
}

/// The sandbox settings every fault case starts from: pages of `pageSize`, faults seeded.
func faultyConfiguration(pageSize: Int, _ configure: (inout SandboxConfiguration) -> Void) -> SandboxConfiguration {
    var faulty = SandboxConfiguration()
    faulty.maxPageSize = pageSize
    faulty.faultSeed = 1234
    configure(&faulty)
    return faulty
}

/// Runs one Frame.io case: from the catalog of a generated tree, a full crawl of its 2% mutation
/// through a sandbox with `configure`'s faults (a tree of 1 500 assets, or 500 when `small`).
func frameIOFaultRun(
    small: Bool = false, token: String = "sandbox-token-abc", retry: RetryPolicy = faultRetry, _ configure: (inout SandboxConfiguration) -> Void
) async throws -> FaultOutcome {
    let baseline = try await (small ? FaultBaselines.frameIOSmall : FaultBaselines.frameIOLarge).value
    let database = try baseline.startingCatalog()
    let server = SandboxServer(frameIO: baseline.changed, configuration: faultyConfiguration(pageSize: 40, configure))
    var outcome = try await FaultOutcome.observe(.frameio, in: database, expecting: baseline.expected) {
        try await server.withRunning { urls in
            // --force: the mutation may delete a whole folder, more than the mass-disappearance
            // guard lets through (that guard has tests of its own); here only the faults matter.
            try await crawl(urls.frameIO, into: database, token: token, pageSize: 40, retry: retry, mode: .full, force: true)
        }
    }
    outcome.counts = server.frameIO.counts
    return outcome
}

/// The Dash counterpart of ``frameIOFaultRun(small:token:_:)``.
func dashFaultRun(auth: (@Sendable (SandboxURLs) -> DashAuth)? = nil, _ configure: (inout SandboxConfiguration) -> Void) async throws -> FaultOutcome
{
    let baseline = try await FaultBaselines.dash.value
    let database = try baseline.startingCatalog()
    let server = SandboxServer(
        frameIO: FrameIODataset.generated(assets: 0, seed: 1), dash: baseline.changed, configuration: faultyConfiguration(pageSize: 60, configure))
    var outcome = try await FaultOutcome.observe(.dash, in: database, expecting: baseline.expected) {
        try await server.withRunning { urls in
            var options = CrawlOptions(concurrency: 8)
            options.mode = .full
            let auth = auth?(urls) ?? DashAuth(mode: .token("dash-test-token"), transport: AsyncHTTPClientTransport(), credentials: nil)
            return try await CrawlerFactory.dash(
                auth: auth, baseURL: urls.dash, database: database, options: options, pageSize: 1000, retry: faultRetry, logger: testLogger()
            ).run()
        }
    }
    outcome.counts = server.dash.counts
    outcome.tokensIssued = server.dash.issuedTokens
    return outcome
}

/// Every fault of issue 6, switched on in the sandbox, against both crawlers: each crawl either
/// completes with the exact catalog or fails with a clear message and leaves the previous
/// catalog, and its status, as they were.
@Suite(.serialized) struct FaultMatrixTests {
    @Test(arguments: [false, true])
    func throttleBurstsAreWaitedOut(retryAfter: Bool) async throws {
        // A small tree: each 429 with Retry-After pauses every request for a second.
        // A long timeout: a 429 the client gave up waiting for (a loaded machine) would be
        // counted by the sandbox and not by the crawl.
        let patient = RetryPolicy(maxAttempts: 6, baseDelay: 0.005, throttleDelay: 0.02, maxDelay: 0.2, timeout: .seconds(30))
        let outcome = try await frameIOFaultRun(small: true, retry: patient) {
            $0.faults = [.throttleBurst: 0.03]
            $0.burstLength = 3
            $0.sendRetryAfter = retryAfter
        }
        outcome.expectExactCatalog("429 bursts, Retry-After \(retryAfter)")
        #expect(outcome.counts.throttled >= 3)
        #expect(outcome.report?.stats.http.throttled == outcome.counts.throttled)
    }

    @Test func serverErrorsAreRetried() async throws {
        let outcome = try await frameIOFaultRun { $0.faults = [.serverError: 0.08] }
        outcome.expectExactCatalog("500/502/503")
        #expect(outcome.counts.failures > 0)
        #expect((outcome.report?.stats.http.retries ?? 0) >= outcome.counts.failures)
    }

    @Test func answersSlowerThanTheTimeoutAreAbandonedAndRetried() async throws {
        let outcome = try await frameIOFaultRun {
            $0.faults = [.slow: 0.04]
            $0.slowMilliseconds = 1200
        }
        outcome.expectExactCatalog("slow answers")
        #expect((outcome.report?.stats.http.retries ?? 0) > 0)
    }

    @Test(arguments: [SandboxFault.reset, .truncated, .wrongType, .missingField])
    func brokenBodiesAreAskedForAgain(fault: SandboxFault) async throws {
        let outcome = try await frameIOFaultRun { $0.faults = [fault: 0.04] }
        outcome.expectExactCatalog("\(fault)")
        #expect(outcome.counts.faults > 0)
        #expect(outcome.counts.requests > outcome.report?.minimumRequests ?? .max)
    }

    @Test(arguments: [SandboxFault.shiftedPage, .duplicateItem, .emptyPage])
    func listsWhosePagesDoNotAddUpAreReadAgain(fault: SandboxFault) async throws {
        let outcome = try await frameIOFaultRun { $0.faults = [fault: 0.03] }
        outcome.expectExactCatalog("\(fault)")
        #expect(outcome.counts.faults > 0)
    }

    @Test func aFieldThatIsAlwaysMistypedFailsNamingIt() async throws {
        let outcome = try await frameIOFaultRun { $0.faults = [.wrongType: 1] }
        outcome.expectCleanFailure(mentioning: ["\"id\"", "object"], "persistent wrong type")
    }

    @Test(arguments: [SandboxFault.duplicateItem, .shiftedPage, .emptyPage])
    func aListThatNeverAddsUpFailsTheCrawl(fault: SandboxFault) async throws {
        let outcome = try await frameIOFaultRun { $0.faults = [fault: 1] }
        outcome.expectCleanFailure(mentioning: ["did not add up", "3 readings"], "persistent \(fault)")
        #expect(outcome.error is InconsistentListing)
    }

    @Test func anExpiredTokenMidCrawlStopsItCleanly() async throws {
        let outcome = try await frameIOFaultRun(token: "mid-crawl-secret-token") { $0.tokenExpiresAfterRequests = 40 }
        outcome.expectCleanFailure(mentioning: ["401"], remedy: .credentials(service: .frameIOV2, signIn: false), "expired token")
        #expect(!outcome.message.contains("mid-crawl-secret-token"))
        #expect(outcome.counts.requests > 40)
    }

    @Test(arguments: [SandboxFault.serverError, .reset, .truncated, .missingField, .shiftedPage, .duplicateItem, .emptyPage])
    func dashCrawlsGetTheExactCatalogThroughTransientFaults(fault: SandboxFault) async throws {
        let outcome = try await dashFaultRun { $0.faults = [fault: 0.04] }
        outcome.expectExactCatalog("Dash \(fault)")
        #expect(outcome.counts.faults + outcome.counts.failures > 0)
    }

    @Test func dashListsThatNeverAddUpFailTheCrawl() async throws {
        let outcome = try await dashFaultRun { $0.faults = [.emptyPage: 1] }
        outcome.expectCleanFailure(mentioning: ["did not add up"], "Dash empty pages")
    }

    @Test func dashAccessTokensThatExpireMidCrawlAreRefreshed() async throws {
        let signIn: @Sendable (SandboxURLs) -> DashAuth = { urls in
            DashAuth(
                mode: .refresh(clientID: "client-1", clientSecret: "secret-1", refreshToken: "refresh-1", authURL: urls.dashAuth),
                transport: AsyncHTTPClientTransport(), credentials: nil)
        }
        let outcome = try await dashFaultRun(auth: signIn) {
            $0.dashAuth = OAuthClientSettings(clientID: "client-1", clientSecret: "secret-1", refreshToken: "refresh-1", accessTokenLifetime: 0.15)
            $0.latencyMilliseconds = 10
        }
        outcome.expectExactCatalog("Dash token refresh mid-crawl")
        #expect(outcome.tokensIssued >= 2, "the access token expired during the crawl")
    }

    @Test func aStaticDashTokenThatExpiresMidCrawlStopsItCleanly() async throws {
        let outcome = try await dashFaultRun { $0.tokenExpiresAfterRequests = 10 }
        outcome.expectCleanFailure(mentioning: ["401"], remedy: .credentials(service: .dash, signIn: false), "expired Dash token")
    }
}

import CatalogCore
import CatalogSandbox
import CatalogStore
import Crawler
import Foundation
import HTTPSupport
import TestSupport
import Testing

/// V4 delta refreshes: after changes of every kind, a delta ends with exactly the catalog a fresh
/// full crawl gives, for a fraction of its requests; without the audit log it still does.
@Suite(.serialized) struct FrameIOV4DeltaTests {
    func deltaAfterMutation(auditForbidden: Bool = false, spread: FrameIOV4MutationSpread = .clustered) async throws -> (
        delta: CrawlReport, full: CrawlReport, first: CrawlReport, same: Bool, diff: String
    ) {
        var configuration = SandboxConfiguration()
        configuration.auditLogForbidden = auditForbidden
        let server = SandboxServer(
            frameIO: try FrameIODataset.bundledFixture(), frameIOV4: FrameIOV4Dataset.generated(assets: 4_000, seed: 41), configuration: configuration
        )
        let database = try CatalogDatabase(path: try temporaryDatabasePath())
        let reference = try CatalogDatabase(path: try temporaryDatabasePath())
        return try await server.withRunning { urls in
            let first = try await crawlV4(urls.frameIOV4, into: database)
            let report = server.frameIOV4.mutate(rate: 0.02, seed: 7, spread: spread)
            #expect((report.counts["events"] ?? 0) > 50, "\(report.counts)")
            let delta = try await crawlV4(urls.frameIOV4, into: database)
            let full = try await crawlV4(urls.frameIOV4, into: reference)
            let a = try catalogFingerprint(database, source: .frameio)
            let b = try catalogFingerprint(reference, source: .frameio)
            let differing = a.keys.filter { b[$0] != a[$0] }.sorted().prefix(4).map { "\($0): delta \(a[$0] ?? "-") | full \(b[$0] ?? "-")" }
            return (delta, full, first, a == b, difference(a, b) + " " + differing.joined(separator: " ;; "))
        }
    }

    @Test func aDeltaAfterChangesOfEveryKindEqualsAFreshFullCrawl() async throws {
        let outcome = try await deltaAfterMutation()
        #expect(outcome.delta.mode == "delta")
        #expect(outcome.same, "\(outcome.diff)")
        #expect(
            outcome.delta.stats.changes.deleted > 0 && outcome.delta.stats.changes.added > 0 && outcome.delta.stats.changes.moved > 0,
            "\(outcome.delta.stats)")
        // 2% of 4 000 assets changed in batches, folder by folder: a listing of a folder holding
        // several changes instead of a read each, under a quarter of the full crawl here (the
        // hierarchy, audit log and recently deleted lists weigh more on so small an account).
        #expect(
            outcome.delta.stats.http.requests * 4 < outcome.full.stats.http.requests,
            "\(outcome.delta.stats.http.requests) against \(outcome.full.stats.http.requests)")
    }

    @Test func changesSpreadOverTheWholeAccountAreReadOneByOneAndStillEqualAFreshFullCrawl() async throws {
        let outcome = try await deltaAfterMutation(spread: .uniform)
        #expect(outcome.same, "\(outcome.diff)")
        #expect(
            outcome.delta.stats.changes.deleted > 0 && outcome.delta.stats.changes.added > 0 && outcome.delta.stats.changes.moved > 0,
            "\(outcome.delta.stats)")
        // No two changes share a folder: about one read per changed asset, under half the full crawl.
        #expect(
            outcome.delta.stats.http.requests * 2 < outcome.full.stats.http.requests,
            "\(outcome.delta.stats.http.requests) against \(outcome.full.stats.http.requests)")
    }

    @Test func withoutTheAuditLogEveryProjectIsReadAgainAndTheSummarySaysSo() async throws {
        let outcome = try await deltaAfterMutation(auditForbidden: true)
        #expect(outcome.same, "\(outcome.diff)")
        #expect(outcome.delta.stats.warnings.contains { $0.contains("audit log") && $0.contains("403") })
    }
}

import CatalogCore
import CatalogSandbox
import CatalogStore
import Crawler
import Foundation
import HTTPSupport
import TestSupport
import Testing

/// The sandbox's faults against the V4 crawler: transient ones end in exactly the catalog a
/// fault-free crawl gives; persistent ones fail the crawl cleanly, the catalog untouched.
@Suite(.serialized) struct FrameIOV4FaultTests {
    /// Where every case starts (the fixture's catalog) and must end (a generated account of 500
    /// assets), crawled in pages of 40.
    static let baseline = Task {
        try await FaultBaseline.make(
            source: .frameio, previous: .fixture(), changed: FrameIOV4Dataset.generated(assets: 500, seed: 23),
            server: SandboxServer(frameIO: try FrameIODataset.bundledFixture(), frameIOV4: .fixture(), configuration: SandboxConfiguration()),
            serve: { $0.frameIOV4.replace($1) }, crawl: { _ = try await crawlV4($0.frameIOV4, into: $1, pageSize: 40, retry: faultRetry) })
    }

    /// A full crawl of the generated account through a sandbox with `configure`'s faults, into a
    /// catalog holding the fixture's crawl (so the crawl must change it).
    func run(_ configure: (inout SandboxConfiguration) -> Void) async throws -> FaultOutcome {
        let baseline = try await Self.baseline.value
        let database = try baseline.startingCatalog()
        var faulty = SandboxConfiguration()
        faulty.faultSeed = 99
        configure(&faulty)
        let server = SandboxServer(frameIO: try FrameIODataset.bundledFixture(), frameIOV4: baseline.changed, configuration: faulty)
        var outcome = try await FaultOutcome.observe(.frameio, in: database, expecting: baseline.expected) {
            try await server.withRunning { urls in
                // --full --force: a full crawl through the faults, replacing the fixture's items.
                try await crawlV4(urls.frameIOV4, into: database, pageSize: 40, full: true, retry: faultRetry)
            }
        }
        outcome.counts = server.frameIOV4.counts
        return outcome
    }

    @Test(arguments: [
        SandboxFault.serverError, .throttleBurst, .reset, .truncated, .wrongType, .missingField, .shiftedPage, .duplicateItem, .emptyPage,
    ])
    func transientFaultsEndInTheExactCatalog(fault: SandboxFault) async throws {
        let outcome = try await run { $0.faults = [fault: 0.04] }
        outcome.expectExactCatalog("V4 \(fault)")
        #expect(outcome.counts.faults + outcome.counts.failures + outcome.counts.throttled > 0, "no fault was sent")
    }

    @Test(arguments: [SandboxFault.duplicateItem, .emptyPage])
    func aListThatNeverAddsUpFailsTheCrawl(fault: SandboxFault) async throws {
        let outcome = try await run { $0.faults = [fault: 1] }
        outcome.expectCleanFailure(mentioning: ["did not add up"], "persistent \(fault)")
        #expect(outcome.error is InconsistentListing)
    }
}

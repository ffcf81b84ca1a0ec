import CatalogSandbox
import Foundation
import Testing

/// A crawl's progress where stderr is a log (cron, systemd): a stats line every `--stats`.
@Suite(.serialized) struct ProgressCLITests {
    @Test func aLoggedCrawlWritesAStatsLineEveryInterval() async throws {
        var configuration = SandboxConfiguration()
        configuration.latencyMilliseconds = 150
        let server = SandboxServer(
            frameIO: try FrameIODataset.bundledFixture(), frameIOV4: FrameIOV4Dataset.generated(assets: 400, seed: 3), configuration: configuration)
        try await server.withRunning { urls in
            let environment = ["FRAMEIO_TOKEN": "sandbox", "FRAMEIO_API_URL": urls.frameIOV4]
            let logged = try await runCatalog(
                ["crawl", "frameio", "--db", try scratchDirectory() + "/a.sqlite", "--stats", "1s", "--concurrency", "2"], environment: environment)
            #expect(logged.status == 0, "\(logged.stderr)")
            let lines = logged.stderr.split(separator: "\n").map(String.init)
            let stats = lines.filter { $0.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ frameio: (listing|saving \d+ items), .*/) != nil }
            // At 150 ms a request, two at a time, the crawl takes seconds: a line each second.
            #expect(stats.count >= 2, "\(logged.stderr)")
            #expect(stats.allSatisfy { $0.contains(" items") && $0.contains(" requests") }, "\(stats)")
            #expect(lines.last?.hasPrefix("frameio full: ") == true, "the summary ends the log: \(logged.stderr)")
            let silent = try await runCatalog(
                ["crawl", "frameio", "--db", try scratchDirectory() + "/b.sqlite", "--stats", "0", "--concurrency", "16"], environment: environment)
            #expect(silent.status == 0 && silent.stderr.split(separator: "\n").count == 1, "only the summary: \(silent.stderr)")
        }
        let bad = try await runCatalog(["crawl", "frameio", "--stats", "often"])
        #expect(bad.status == 64 && bad.stderr.contains("--stats"), "\(bad.stderr)")
    }
}

import CatalogSandbox
import Foundation
import GRDB
import TestSupport
import Testing

/// Runs `body` with the environment of a crawl of a generated V4 account of 400 assets whose
/// every answer takes `latency` milliseconds: a crawl slow enough to watch or interrupt.
func withSlowV4Sandbox(latency: Int, _ body: @Sendable ([String: String]) async throws -> Void) async throws {
    var configuration = SandboxConfiguration()
    configuration.latencyMilliseconds = latency
    let server = SandboxServer(
        frameIO: try FrameIODataset.bundledFixture(), frameIOV4: FrameIOV4Dataset.generated(assets: 400, seed: 3), configuration: configuration)
    try await server.withRunning { urls in try await body(["FRAMEIO_TOKEN": "sandbox", "FRAMEIO_API_URL": urls.frameIOV4]) }
}

/// A crawl's progress where stderr is a log (cron, systemd): a stats line every `--stats`.
@Suite(.serialized) struct ProgressCLITests {
    @Test func aLoggedCrawlWritesAStatsLineEveryInterval() async throws {
        try await withSlowV4Sandbox(latency: 150) { environment in
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
        // With --comments, the line counts the files whose comments were read beside the walk.
        try await withSlowV4Sandbox(latency: 40) { environment in
            let logged = try await runCatalog(
                ["crawl", "frameio", "--comments", "--db", try scratchDirectory() + "/c.sqlite", "--stats", "1s", "--concurrency", "2"],
                environment: environment)
            #expect(logged.status == 0, "\(logged.stderr)")
            let counted = logged.stderr.split(separator: "\n").compactMap { $0.firstMatch(of: /comments of (\d+)\/(\d+) files/) }
            #expect(!counted.isEmpty, "\(logged.stderr)")
            #expect(counted.allSatisfy { (Int($0.1) ?? 0) <= (Int($0.2) ?? 0) }, "\(logged.stderr)")
        }
        let bad = try await runCatalog(["crawl", "frameio", "--stats", "often"])
        #expect(bad.status == 64 && bad.stderr.contains("--stats"), "\(bad.stderr)")
    }
}

/// Ctrl-C leaves no stray files: a first crawl's catalog, a crawl's staging file.
@Suite(.serialized) struct InterruptCLITests {
    /// How many crawls the catalog at `path` records (read-only, beside the crawl writing it).
    static func crawlCount(_ path: String) throws -> Int {
        var configuration = Configuration()
        configuration.readonly = true
        return try DatabaseQueue(path: path, configuration: configuration).read { try Int.fetchOne($0, sql: "SELECT count(*) FROM crawl") ?? 0 }
    }

    /// Starts `catalog arguments`, waits until `ready` holds, sends SIGINT, and returns the exit status.
    static func interrupt(_ arguments: [String], environment: [String: String], when ready: () -> Bool) async throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: catalogBinary)
        process.arguments = arguments
        process.environment = environment.merging(["PATH": "/usr/bin:/bin", "HOME": scratchRoot]) { a, _ in a }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        for _ in 0..<400 where !ready() { try await Task.sleep(for: .milliseconds(25)) }
        #expect(ready(), "the crawl never got where it was to be interrupted")
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        return process.terminationStatus
    }

    @Test func anInterruptedCrawlLeavesNoStrayFiles() async throws {
        try await withSlowV4Sandbox(latency: 200) { environment in
            let path = try scratchDirectory() + "/c.sqlite"
            // A first crawl: nothing complete to keep, so nothing is left.
            let first = try await Self.interrupt(
                ["crawl", "frameio", "--db", path, "--concurrency", "1"], environment: environment,
                when: { FileManager.default.fileExists(atPath: path + ".staging") })
            #expect(first == 130)
            let left = try FileManager.default.contentsOfDirectory(atPath: (path as NSString).deletingLastPathComponent)
            #expect(left.isEmpty, "\(left)")
            // After a complete crawl: the catalog stays as it was, the staging file goes.
            let complete = try await runCatalog(["crawl", "frameio", "--db", path, "--quiet", "--concurrency", "16"], environment: environment)
            #expect(complete.status == 0, "\(complete.stderr)")
            let before = try itemsOnDisk(path)
            let second = try await Self.interrupt(
                ["crawl", "frameio", "--full", "--db", path, "--concurrency", "1"], environment: environment,
                // Once it is recorded as running (its staging file comes a moment before that).
                when: { (try? Self.crawlCount(path)) == 2 })
            #expect(second == 130)
            #expect(!FileManager.default.fileExists(atPath: path + ".staging"))
            #expect(try itemsOnDisk(path) == before)
            let status = try await runCatalog(["status", "--db", path])
            #expect(status.stdout.contains("latest crawl #2 interrupted"), "\(status.stdout)")
        }
    }
}

import CatalogCore
import CatalogStore
import Foundation
import TestSupport
import Testing

/// Careless and hostile input through the real executable: a clear message and exit code, and no
/// byte a server or a user sent ever drives the terminal.
@Suite(.serialized) struct HostileInputCLITests {
    @Test func aCommandLineOfThousandsOfWordsIsRefusedBeforeParsing() async throws {
        let words = (0..<5_000).map { "w\($0)" }
        let run = try await runCatalog(["search", "--db", try scratchDirectory() + "/c.sqlite"] + words)
        #expect(run.status == 64)
        #expect(run.stderr.contains("5003 arguments is more than the 512 accepted") && run.stderr.contains("Quote"), "\(run.stderr)")
    }

    @Test(arguments: ["abc\r\nX-Injected: yes", "abc\ndef", "tok en", "tökén"])
    func aTokenThatCannotBeAHeaderIsRefusedAtStart(token: String) async throws {
        let path = try scratchDirectory() + "/c.sqlite"
        let run = try await runCatalog(
            ["crawl", "frameio", "--db", path, "--frameio-url", "http://127.0.0.1:9/v2"], environment: ["FRAMEIO_TOKEN": token])
        #expect(run.status == 2)
        #expect(run.stderr.contains("FRAMEIO_TOKEN holds a line break"), "\(run.stderr)")
        #expect(!run.stderr.contains("Injected") && !run.stderr.contains("def"))
    }

    @Test func escapeSequencesInAnErrorReachStderrShownNotObeyed() async throws {
        let hostile = "size:\"\u{1B}[2J\u{1B}[H\u{1B}[32mAll good\""
        let run = try await runCatalog(["search", "--db", try scratchDirectory() + "/c.sqlite", hostile])
        #expect(run.status == 64)
        #expect(!run.stderr.unicodeScalars.contains("\u{1B}"), "\(run.stderr)")
        #expect(run.stderr.contains("␛[2J␛[H␛[32mAll good"))
    }

    /// `status` replays a crawl's stored error on every run: on a terminal it is sanitized too.
    @Test func statusOnATerminalShowsAStoredErrorSanitized() async throws {
        let path = try scratchDirectory() + "/c.sqlite"
        let database = try CatalogDatabase(path: path)
        let session = try database.beginCrawl(source: .frameio)
        try await database.fail(
            session, error: "HTTP 500: \u{1B}[2J\u{1B}[H\u{1B}[32mAll good, crawl OK invoice\u{202E}gpj.exe", stats: CrawlStats())
        // `script` gives the command a pseudo-terminal for stdout and stderr.
        let run = try await runScript("\(catalogBinary) status --db \(path)")
        #expect(run.contains("latest crawl #1 failed"), "\(run)")
        #expect(!run.unicodeScalars.contains("\u{1B}") && !run.unicodeScalars.contains("\u{202E}"), "\(run)")
        #expect(run.contains("␛[2J␛[H␛[32mAll good, crawl OK invoice\u{FFFD}gpj.exe"))
        // Piped too: status is read by people, not a data format (`catalog status > log; cat log`
        // replayed the escape).
        let piped = try await runCatalog(["status", "--db", path])
        #expect(!piped.stdout.unicodeScalars.contains("\u{1B}") && piped.stdout.contains("␛[2J"), "\(piped.stdout)")
    }
}

/// Runs `command` under `script`, so it writes to a pseudo-terminal, and returns what it wrote.
func runScript(_ command: String) async throws -> String {
    let log = try scratchDirectory() + "/typescript"
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
    process.arguments = ["-q", "-e", "-c", command, log]
    process.environment = ["PATH": "/usr/bin:/bin", "HOME": scratchRoot, "TERM": "xterm"]
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = FileHandle.nullDevice
    let _: Int32 = try await withCheckedThrowingContinuation { continuation in
        process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
        do { try process.run() } catch { continuation.resume(throwing: error) }
    }
    let text = String(decoding: FileManager.default.contents(atPath: log) ?? Data(), as: UTF8.self)
    // `script` writes its own header line; keep what the command wrote.
    return text.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix("Script ") }.joined(separator: "\n")
}

import CatalogCore
import CatalogSandbox
import CatalogStore
import Foundation
import GRDB
import TestSupport
import Testing

/// The `catalog` executable, built beside this test bundle (it is a dependency of the tests).
let catalogBinary: String = {
    let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("catalog").path
    if FileManager.default.isExecutableFile(atPath: beside) { return beside }
    // On macOS `swift test` runs the bundle through a helper: the executable is in the build directory.
    let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    return package.appendingPathComponent(".build/debug/catalog").path
}()

struct Run {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs `catalog` with `arguments`, an environment holding only `environment` (and PATH), and,
/// when given, a file-size limit in KiB (SIGXFSZ ignored, so writes past it fail with EFBIG the
/// way they fail on a full disk); `asUser` runs it as that uid (when this process is root).
func runCatalog(
    _ arguments: [String], environment: [String: String] = [:], fileSizeLimitKiB: Int? = nil, asUser uid: Int? = nil
) async throws -> Run {
    #expect(FileManager.default.isExecutableFile(atPath: catalogBinary), "catalog binary missing at \(catalogBinary): run swift build first")
    let process = Process()
    var argv = [catalogBinary] + arguments
    if let fileSizeLimitKiB { argv = ["/bin/bash", "-c", "ulimit -f \(fileSizeLimitKiB); trap '' XFSZ; exec \"$@\"", "bash"] + argv }
    if let uid { argv = ["/usr/bin/setpriv", "--reuid=\(uid)", "--regid=\(uid)", "--clear-groups"] + argv }
    process.executableURL = URL(fileURLWithPath: argv[0])
    process.arguments = Array(argv.dropFirst())
    process.environment = environment.merging(["PATH": "/usr/bin:/bin", "HOME": scratchRoot]) { a, _ in a }
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    let (exits, exited) = AsyncStream<Int32>.makeStream()
    process.terminationHandler = {
        exited.yield($0.terminationStatus)
        exited.finish()
    }
    try process.run()
    // Both pipes are drained while the process runs: one that filled its pipe buffer (64 KiB)
    // would otherwise block on its next write and never exit.
    async let stdout = drain(out)
    async let stderr = drain(err)
    var status: Int32 = -1
    for await code in exits { status = code }
    return Run(status: status, stdout: String(decoding: await stdout, as: UTF8.self), stderr: String(decoding: await stderr, as: UTF8.self))
}

/// Reads a pipe to its end on a thread of its own: a blocking read on the concurrency pool's few
/// threads would starve the sandbox serving the very process being read.
func drain(_ pipe: Pipe) async -> Data {
    await withCheckedContinuation { continuation in
        Thread.detachNewThread { continuation.resume(returning: pipe.fileHandleForReading.readDataToEndOfFile()) }
    }
}

func scratchDirectory() throws -> String {
    let path = scratchRoot + "/cli-\(UUID().uuidString.prefix(8))"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
    return path
}

func bytes(_ path: String) -> Data? { FileManager.default.contents(atPath: path) }

/// Item ids and digests, read straight from the file with SQLite (no catalog code involved).
func itemsOnDisk(_ path: String) throws -> [String: String] {
    let queue = try DatabaseQueue(path: path)
    return try queue.read { db in
        Dictionary(
            uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT id, digest FROM item").map { ($0["id"] as String, $0["digest"] as String) })
    }
}

/// Bad catalog files and paths through the real executable: a clear message, exit code 3 (the
/// catalog database) or 64 (bad usage), and the file left exactly as it was.
@Suite(.serialized) struct CLITests {
    /// A crawl against an address where nothing listens, or a host that does not exist, fails
    /// after one quick second try (not six with backoff, minutes), naming the address and the
    /// settings that give it, and leaves no catalog.
    @Test(arguments: ["http://127.0.0.1:9/v4", "http://no-such-host.invalid/v4"])
    func aCrawlWhereNothingAnswersFailsFastAndLeavesNoCatalog(url: String) async throws {
        let path = try scratchDirectory() + "/catalog.sqlite"
        let run = try await runCatalog(
            ["crawl", "frameio", "--db", path, "--verbose"], environment: ["FRAMEIO_TOKEN": "t", "FRAMEIO_API_URL": url])
        #expect(run.status == 4, "\(run.stderr)")
        #expect(run.stderr.contains("nothing answers at \(url.replacingOccurrences(of: "/v4", with: ""))"), "\(run.stderr)")
        #expect(run.stderr.contains("--frameio-url or FRAMEIO_API_URL"), "\(run.stderr)")
        #expect(!run.stderr.contains("--concurrency"), "\(run.stderr)")
        // Two attempts, each logged at debug level, not the six of a server that went away.
        #expect(run.stderr.components(separatedBy: "request failed").count - 1 == 2, "\(run.stderr)")
        for file in [path, path + "-wal", path + "-shm", path + ".lock"] { #expect(!FileManager.default.fileExists(atPath: file), "\(file)") }
    }

    /// `crawl --thumbnails` from the command line and the config file: the pictures go beside
    /// the catalog, the summary counts them, a second crawl fetches none; a bad size is a usage error.
    @Test func thumbnailsFromTheCommandLineAndTheConfigFile() async throws {
        let directory = try scratchDirectory()
        let path = directory + "/c.sqlite"
        let server = SandboxServer(
            frameIO: FrameIODataset.generated(assets: 0, seed: 1), dash: try DashDataset.bundledFixture(), configuration: SandboxConfiguration())
        try await server.withRunning { urls in
            let environment = ["DASH_TOKEN": "sandbox", "DASH_API_URL": urls.dash]
            let first = try await runCatalog(["crawl", "dash", "--db", path, "--thumbnails"], environment: environment)
            #expect(first.status == 0, "\(first.stderr)")
            #expect(first.stderr.contains("thumbnails: 12 fetched, 0 current, 0 failed, 0 evicted (cache 12 pictures"), "\(first.stderr)")
            let kept = try FileManager.default.subpathsOfDirectory(atPath: path + ".thumbnails").filter { $0.hasSuffix(".png") }
            #expect(kept.count == 12)
            // The same from the config file; nothing changed, so nothing is fetched.
            let home = directory + "/config"
            try FileManager.default.createDirectory(atPath: home + "/catalog", withIntermediateDirectories: true)
            try "[crawl]\nthumbnails = true\nthumbnail_cache_size = \"1MB\"\n".write(
                toFile: home + "/catalog/config.toml", atomically: true, encoding: .utf8)
            let second = try await runCatalog(
                ["crawl", "dash", "--db", path, "--full"], environment: environment.merging(["XDG_CONFIG_HOME": home]) { a, _ in a })
            #expect(second.status == 0, "\(second.stderr)")
            #expect(second.stderr.contains("thumbnails: 0 fetched, 12 current, 0 failed"), "\(second.stderr)")
        }
        let bad = try await runCatalog(["crawl", "dash", "--db", path, "--thumbnail-cache-size", "lots"])
        #expect(bad.status == 64 && bad.stderr.contains("invalid for '--thumbnail-cache-size") && bad.stderr.contains("500MB"), "\(bad.stderr)")
    }

    /// `status` while a crawl runs, and after it was killed: a crawl recorded as running whose
    /// process is gone (it holds no lock) is shown as interrupted; sizes, plurals and relative times.
    @Test func statusTellsARunningCrawlFromAKilledOne() async throws {
        let path = try scratchDirectory() + "/c.sqlite"
        var configuration = SandboxConfiguration()
        configuration.latencyMilliseconds = 400
        let server = SandboxServer(frameIO: try FrameIODataset.bundledFixture(), configuration: configuration)
        try await server.withRunning { urls in
            let environment = ["FRAMEIO_TOKEN": "sandbox", "FRAMEIO_API_URL": urls.frameIO]
            let first = try await runCatalog(
                ["crawl", "frameio", "--db", path, "--quiet"], environment: ["FRAMEIO_TOKEN": "sandbox", "FRAMEIO_API_URL": urls.frameIO])
            #expect(first.status == 0, "\(first.stderr)")
            let done = try await runCatalog(["status", "--db", path])
            #expect(done.stdout.contains("refreshed just now: crawl #1, full through the v2 API"), "\(done.stdout)")
            #expect(done.stdout.contains(" projects, ") && done.stdout.contains(" version stacks"), "\(done.stdout)")
            #expect(done.stdout.split(separator: "\n").allSatisfy { $0.count <= 80 }, "\(done.stdout)")
            let process = Process()
            process.executableURL = URL(fileURLWithPath: catalogBinary)
            process.arguments = ["crawl", "frameio", "--full", "--db", path, "--quiet"]
            process.environment = environment.merging(["PATH": "/usr/bin:/bin", "HOME": scratchRoot]) { a, _ in a }
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            var running = ""
            for _ in 0..<100 where !running.contains("latest crawl #2 running") {
                try await Task.sleep(for: .milliseconds(100))
                running = try await runCatalog(["status", "--db", path]).stdout
            }
            #expect(running.contains("latest crawl #2 running"), "\(running)")
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            let after = try await runCatalog(["status", "--db", path])
            #expect(after.stdout.contains("latest crawl #2 interrupted"), "\(after.stdout)")
            #expect(after.stdout.contains("refreshed"), "the last complete crawl is still shown: \(after.stdout)")
        }
    }

    /// `search` says how many it shows and whether more match; `--limit 0` shows them all.
    @Test func searchSaysWhetherMoreMatchAndLimitZeroShowsAll() async throws {
        let path = try scratchDirectory() + "/c.sqlite"
        let database = try CatalogDatabase(path: path)
        let session = try database.beginCrawl(source: .frameio)
        try await database.stage(
            (1...5).map {
                CatalogItem(
                    source: .frameio, id: "f\($0)", kind: .file, name: "clip \($0).mov", parentID: "p", projectID: "p", path: "A/W/P/clip \($0).mov",
                    record: #"{"id":"f\#($0)"}"#)
            }, in: session)
        try await database.complete(session, stats: CrawlStats())
        let some = try await runCatalog(["search", "clip", "--limit", "3", "--db", path])
        #expect(some.status == 0)
        #expect(some.stdout.split(separator: "\n").count == 3, "\(some.stdout)")
        #expect(some.stderr.contains("3 of 5 results (--offset 3 for the next page, --limit 0 for all)"), "\(some.stderr)")
        let all = try await runCatalog(["search", "clip", "--limit", "0", "--db", path])
        #expect(all.stdout.split(separator: "\n").count == 5, "\(all.stdout)")
        #expect(all.stderr.contains("5 results") && !all.stderr.contains(" of "), "\(all.stderr)")
        let exact = try await runCatalog(["search", "clip", "--limit", "5", "--db", path])
        #expect(exact.stderr.contains("5 results") && !exact.stderr.contains(" of "), "\(exact.stderr)")
        let none = try await runCatalog(["search", "nothing", "--db", path])
        #expect(none.status == 0 && none.stdout.isEmpty && none.stderr.contains("no results"), "\(none.stderr)")
        let quiet = try await runCatalog(["search", "clip", "--quiet", "--db", path])
        #expect(quiet.stderr.isEmpty, "\(quiet.stderr)")
    }

    /// A mistyped command is refused with the closest names (exit 64), also after `help`.
    @Test func aMistypedCommandSuggestsTheRightOne() async throws {
        let typo = try await runCatalog(["serch", "interview"])
        #expect(typo.status == 64)
        #expect(typo.stderr.contains("'serch' is not a catalog command. Did you mean 'search'?"), "\(typo.stderr)")
        let help = try await runCatalog(["help", "nosuch"])
        #expect(help.status == 64 && help.stderr.contains("'nosuch' is not a catalog command"), "\(help.stderr)")
        let fine = try await runCatalog(["help", "search"])
        #expect(fine.status == 0 && fine.stdout.contains("Search the catalog offline"), "\(fine.stdout)")
        // Bare `catalog` is help, not an error.
        let bare = try await runCatalog([])
        #expect(bare.status == 0 && bare.stdout.contains("SUBCOMMANDS:") && !bare.stderr.contains("catalog: "), "\(bare.stdout) \(bare.stderr)")
    }

    /// `--format json` is indented for a person on a terminal and stays compact in a pipe.
    @Test func jsonIsIndentedOnATerminalAndCompactInAPipe() async throws {
        let path = try scratchDirectory() + "/c.sqlite"
        let database = try CatalogDatabase(path: path)
        let session = try database.beginCrawl(source: .frameio)
        try await database.stage(
            [
                CatalogItem(
                    source: .frameio, id: "f1", kind: .file, name: "clip.mov", parentID: "p", projectID: "p", path: "A/W/P/clip.mov", record: "{}")
            ],
            in: session)
        try await database.complete(session, stats: CrawlStats())
        let onTerminal = try await runScript("\(catalogBinary) search clip --format json --db \(path)")
        #expect(onTerminal.contains("{\r\n  \"version\": 1,") || onTerminal.contains("{\n  \"version\": 1,"), "\(onTerminal)")
        #expect(onTerminal.contains("\"name\": \"clip.mov\""), "\(onTerminal)")
        let piped = try await runCatalog(["search", "clip", "--format", "json", "--db", path])
        #expect(piped.stdout.hasPrefix("{\"version\":1,\"report\":\"search\",\"items\":[{"), "\(piped.stdout)")
    }

    @Test func aDatabaseInAMissingDirectoryIsAClearError() async throws {
        let directory = try scratchDirectory() + "/not/there"
        let run = try await runCatalog(["search", "interview", "--db", directory + "/catalog.sqlite"])
        #expect(run.status == 3)
        #expect(run.stderr.contains("no catalog at") && run.stderr.contains("Run `catalog crawl` first"), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: directory))
    }

    @Test func aFileThatIsNotSQLiteIsRefusedAndLeftAlone() async throws {
        let path = try scratchDirectory() + "/notes.txt"
        let content = Data("these are my notes, not a database\n".utf8) + Data(repeating: 7, count: 5000)
        try content.write(to: URL(fileURLWithPath: path))
        for arguments in [["status"], ["search", "notes"], ["export", "inventory"]] {
            let run = try await runCatalog(arguments + ["--db", path])
            #expect(run.status == 3, "\(arguments)")
            #expect(run.stderr.contains("is not a catalog database"), "\(run.stderr)")
        }
        #expect(bytes(path) == content)
    }

    @Test func anSQLiteFileOfAnotherProgramIsRefusedAndLeftAlone() async throws {
        let path = try scratchDirectory() + "/other.sqlite"
        let queue = try DatabaseQueue(path: path)
        try await queue.write {
            try $0.execute(sql: "CREATE TABLE invoices (id INTEGER PRIMARY KEY, amount REAL); INSERT INTO invoices VALUES (1, 9.5)")
        }
        try queue.close()
        let before = bytes(path)
        let run = try await runCatalog(["status", "--db", path])
        #expect(run.status == 3)
        #expect(run.stderr.contains("is not a catalog database"), "\(run.stderr)")
        #expect(bytes(path) == before)
    }

    @Test func anUnreadableCatalogIsAClearError() async throws {
        let directory = try scratchDirectory()
        let path = directory + "/catalog.sqlite"
        _ = try CatalogDatabase(path: path)
        try FileManager.default.setAttributes([.posixPermissions: 0o000], ofItemAtPath: path)
        // Root reads anything: run as nobody then.
        let run = try await runCatalog(["status", "--db", path], asUser: getuid() == 0 ? 65534 : nil)
        #expect(run.status == 3)
        #expect(run.stderr.contains("cannot open the catalog") && run.stderr.contains("ermission denied"), "\(run.stderr)")
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        #expect(try CatalogDatabase(path: path).integrityCheck() == "ok")
    }

    @Test func aCatalogFromANewerVersionIsRefusedUnchanged() async throws {
        let path = try scratchDirectory() + "/catalog.sqlite"
        _ = try CatalogDatabase(path: path)
        let queue = try DatabaseQueue(path: path)
        try await queue.write { try $0.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99-from-the-future')") }
        try queue.close()
        let before = bytes(path)
        for arguments in [["status"], ["search", "x"], ["crawl", "frameio"]] {
            let run = try await runCatalog(
                arguments + ["--db", path], environment: ["FRAMEIO_TOKEN": "t", "FRAMEIO_API_URL": "http://127.0.0.1:9/v2"])
            #expect(run.status == 3, "\(arguments): \(run.stderr)")
            #expect(run.stderr.contains("newer version of catalog"), "\(run.stderr)")
        }
        #expect(bytes(path) == before)
    }

    @Test func badFlagsAndQueriesAreUsageErrors() async throws {
        let path = try scratchDirectory() + "/catalog.sqlite"
        let flag = try await runCatalog(["search", "x", "--db", path, "--no-such-flag"])
        #expect(flag.status == 64)
        #expect(flag.stderr.contains("--no-such-flag"))
        let query = try await runCatalog(["search", "size:>lots", "--db", path])
        #expect(query.status == 64, "\(query.stderr)")
        #expect(!query.stderr.lowercased().contains("sql"), "\(query.stderr)")
    }

    @Test func aLockedCatalogMakesTheCrawlWaitThenFailCleanly() async throws {
        let directory = try scratchDirectory()
        let path = directory + "/catalog.sqlite"
        let server = SandboxServer(frameIO: try FrameIODataset.bundledFixture(), configuration: SandboxConfiguration())
        try await server.withRunning { urls in
            let environment = ["FRAMEIO_TOKEN": "sandbox", "FRAMEIO_API_URL": urls.frameIO, "CATALOG_BUSY_TIMEOUT": "0.5"]
            let first = try await runCatalog(["crawl", "frameio", "--db", path, "--quiet"], environment: environment)
            #expect(first.status == 0, "\(first.stderr)")
            let before = try itemsOnDisk(path)
            // Another program holds the write lock for the whole second crawl.
            var configuration = Configuration()
            configuration.allowsUnsafeTransactions = true
            let other = try DatabaseQueue(path: path, configuration: configuration)
            try other.inDatabase { try $0.execute(sql: "BEGIN IMMEDIATE") }
            let run = try await runCatalog(["crawl", "frameio", "--full", "--db", path], environment: environment)
            #expect(run.status == 3, "\(run.stderr)")
            #expect(run.stderr.contains("is locked by another process"), "\(run.stderr)")
            try other.inDatabase { try $0.execute(sql: "ROLLBACK") }
            try other.close()
            #expect(try itemsOnDisk(path) == before)
            // Searches still work, and the next crawl succeeds.
            let search = try await runCatalog(["search", "interview", "--db", path], environment: environment)
            #expect(search.status == 0 && search.stdout.contains("Interview"), "\(search.stderr)")
            let again = try await runCatalog(["crawl", "frameio", "--db", path, "--quiet"], environment: environment)
            #expect(again.status == 0, "\(again.stderr)")
        }
    }

    @Test func aFullDiskFailsTheCrawlAndKeepsTheLastCompleteCatalog() async throws {
        let directory = try scratchDirectory()
        let path = directory + "/catalog.sqlite"
        let server = SandboxServer(frameIO: try FrameIODataset.bundledFixture(), configuration: SandboxConfiguration())
        let bigger = SandboxServer(frameIO: FrameIODataset.generated(assets: 6000, seed: 4), configuration: SandboxConfiguration())
        try await server.withRunning { urls in
            let environment = ["FRAMEIO_TOKEN": "sandbox", "FRAMEIO_API_URL": urls.frameIO]
            let first = try await runCatalog(["crawl", "frameio", "--db", path, "--quiet"], environment: environment)
            #expect(first.status == 0, "\(first.stderr)")
        }
        let before = try itemsOnDisk(path)
        let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        try await bigger.withRunning { urls in
            let environment = ["FRAMEIO_TOKEN": "sandbox", "FRAMEIO_API_URL": urls.frameIO]
            // Room for the catalog as it is, not for 6 000 more items.
            let full = try await runCatalog(
                ["crawl", "frameio", "--db", path], environment: environment, fileSizeLimitKiB: size / 1024 + 256)
            #expect(full.status == 3, "\(full.stderr)")
            #expect(full.stderr.contains("could not write the catalog") || full.stderr.contains("is full"), "\(full.stderr)")
            #expect(try itemsOnDisk(path) == before)
            #expect(try CatalogDatabase(path: path).integrityCheck() == "ok")
            let status = try await runCatalog(["status", "--db", path])
            #expect(status.status == 0 && status.stdout.contains("failed"), "\(status.stdout)")
            // With room again, the crawl goes through (--full: the new tree is a different one;
            // --force: none of the old tree's items is in it, which the guard would refuse).
            let again = try await runCatalog(["crawl", "frameio", "--full", "--force", "--db", path, "--quiet"], environment: environment)
            #expect(again.status == 0, "\(again.stderr)")
            #expect(try itemsOnDisk(path).count > 6000)
        }
    }

    @Test func tokensNeverAppearInOutputLogsOrFiles() async throws {
        let directory = try scratchDirectory()
        let path = directory + "/catalog.sqlite"
        let token = "fio-secret-token-\(UUID().uuidString)"
        var configuration = SandboxConfiguration()
        configuration.requiredToken = token
        configuration.failRate = 0.1
        let server = SandboxServer(frameIO: try FrameIODataset.bundledFixture(), configuration: configuration)
        try await server.withRunning { urls in
            let environment = ["FRAMEIO_TOKEN": token, "FRAMEIO_API_URL": urls.frameIO]
            var outputs: [String] = []
            // The second crawl logs every request (CATALOG_LOG_LEVEL=trace).
            let runs: [([String], [String: String])] = [
                (["crawl", "frameio", "--verbose"], [:]), (["crawl", "frameio", "--full"], ["CATALOG_LOG_LEVEL": "trace"]), (["status"], [:]),
                (["search", "interview"], [:]),
            ]
            for (arguments, extra) in runs {
                let run = try await runCatalog(arguments + ["--db", path], environment: environment.merging(extra) { $1 })
                #expect(run.status == 0, "\(arguments): \(run.stderr)")
                outputs += [run.stdout, run.stderr]
            }
            // A refused token's error names the variable, never the value.
            let refused = try await runCatalog(
                ["crawl", "frameio", "--db", path], environment: ["FRAMEIO_TOKEN": token + "-wrong", "FRAMEIO_API_URL": urls.frameIO])
            #expect(refused.status == 2)
            outputs += [refused.stdout, refused.stderr]
            #expect(outputs.joined().contains("debug") || outputs.joined().contains("timing"))
            #expect(outputs.joined().contains("trace"))
            for output in outputs { #expect(!output.contains(token)) }
        }
        for file in try FileManager.default.subpathsOfDirectory(atPath: directory) {
            let data = try #require(bytes(directory + "/" + file))
            #expect(data.range(of: Data(token.utf8)) == nil, "\(file)")
            let mode = try FileManager.default.attributesOfItem(atPath: directory + "/" + file)[.posixPermissions] as! Int
            #expect(mode & 0o077 == 0, "\(file) is \(String(mode, radix: 8))")
        }
    }
}

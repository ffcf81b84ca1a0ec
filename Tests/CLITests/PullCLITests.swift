import CatalogCore
import CatalogSandbox
import CatalogStore
import Foundation
import GRDB
import TestSupport
import Testing

/// `catalog serve` on a team host, `catalog pull` on a laptop (issue 35): the pulled catalog
/// answers as the host's, byte for byte; a cut pull leaves the old catalog; a pull resumes.
@Suite(.serialized) struct PullCLITests {
    /// A `catalog serve` of `db` on a free port, with its address; stopped by `stop`.
    final class Host {
        let process = Process()
        let url: String

        /// What it wrote on stderr (its access log), read after ``stop()``.
        let log: String

        init(db: String, arguments: [String] = ["--quiet"], environment: [String: String] = [:]) async throws {
            process.executableURL = URL(fileURLWithPath: catalogBinary)
            process.arguments = ["serve", "--db", db, "--port", "0"] + arguments
            process.environment = environment.merging(["PATH": "/usr/bin:/bin", "HOME": scratchRoot]) { a, _ in a }
            let out = Pipe()
            process.standardOutput = out
            log = try scratchDirectory() + "/serve.log"
            FileManager.default.createFile(atPath: log, contents: nil)
            process.standardError = FileHandle(forWritingAtPath: log)
            try process.run()
            // The first line on stdout is the address it listens at.
            let line = await withCheckedContinuation { continuation in
                Thread.detachNewThread {
                    var bytes: [UInt8] = []
                    while let byte = try? out.fileHandleForReading.read(upToCount: 1), let first = byte.first, first != 0x0A { bytes.append(first) }
                    continuation.resume(returning: String(decoding: bytes, as: UTF8.self))
                }
            }
            url = line
        }

        func stop() {
            process.interrupt()
            process.waitUntilExit()
        }
    }

    /// This test's credentials file, where pulls keep a host's token (apart from other tests').
    let credentials = scratchRoot + "/catalog-pull-credentials-\(UUID().uuidString).json"

    /// `catalog pull` with this test's credentials file (unless `environment` names another).
    func pull(_ arguments: [String], environment: [String: String] = [:]) async throws -> Run {
        try await runCatalog(["pull"] + arguments, environment: environment.merging(["CATALOG_CREDENTIALS": credentials]) { given, _ in given })
    }

    /// What a person compares: every export format and a search, as bytes.
    static func answers(_ db: String, excluding word: String? = nil) async throws -> [String] {
        var outputs: [String] = []
        for arguments in [
            ["export", "--format", "ndjson"], ["export", "--format", "csv"], ["changes", "--since", "0", "--format", "ndjson"],
            ["comments", "--format", "ndjson"], ["search", "kind:file", "-A001C001", "--limit", "0", "--format", "json"],
        ] {
            let run = try await runCatalog(arguments + ["--db", db])
            #expect(run.status == 0 || arguments[0] == "comments", "\(arguments): \(run.stderr)")
            // Rows of a drive scanned on one side only are left out when asked.
            guard let word else {
                outputs.append("\(run.status)\n" + run.stdout)  // byte for byte
                continue
            }
            // (Lines as a person sees them: CSV's CRLF ends one too.)
            let kept = run.stdout.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).filter { !$0.contains(word) }
            outputs.append("\(run.status)\n" + kept.joined(separator: "\n"))
        }
        return outputs
    }

    @Test func aPulledCatalogAnswersAsTheHostsAndOnlyScansDrives() async throws {
        let host = try await ownDemo("pull-host")
        let server = try await Host(db: host)
        defer { server.stop() }
        #expect(server.url.hasPrefix("http://127.0.0.1:"), "\(server.url)")
        let laptop = try scratchDirectory() + "/laptop.sqlite"
        let pulled = try await pull([server.url, "--db", laptop])
        #expect(pulled.status == 0 && pulled.stderr.contains("pulled ") && pulled.stderr.contains("checked and in place"), "\(pulled.stderr)")
        // In a log (stderr not a terminal): a dated line for each phase, bytes of the total.
        let logged = pulled.stderr.split(separator: "\n").filter { $0.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ pull: .*/) != nil }
        #expect(logged.contains { $0.contains("pull: downloading") } && logged.contains { $0.contains("pull: checking, ") }, "\(pulled.stderr)")
        #expect(logged.allSatisfy { $0.contains(" of ") }, "\(logged)")
        let expected = try await Self.answers(host)
        #expect(!expected[0].isEmpty)
        #expect(try await Self.answers(laptop) == expected)
        // Pulled again unchanged: nothing is downloaded; with no address, from where it came.
        let again = try await pull(["--db", laptop])
        #expect(again.status == 0 && again.stderr.contains("is up to date with \(server.url)"), "\(again.stderr)")
        let status = try await runCatalog(["status", "--db", laptop])
        #expect(status.stdout.contains("pulled from \(server.url) just now"), "\(status.stdout)")
        // The services are crawled on the host; drives are scanned here.
        let crawl = try await runCatalog(["crawl", "frameio", "--db", laptop], environment: ["FRAMEIO_TOKEN": "mine"])
        #expect(crawl.status == 64 && crawl.stderr.contains("is pulled from the team host \(server.url)"), "\(crawl.stderr)")
        // A card scanned here: kept by a pull that finds nothing new, and by one that brings changes.
        let card = try scratchDirectory()
        try Data("take".utf8).write(to: URL(fileURLWithPath: card + "/A001C001.mov"))
        let scan = try await runCatalog(["crawl", "local", card, "--db", laptop, "--quiet"])
        #expect(scan.status == 0, "\(scan.stderr)")
        let unchanged = try await pull(["--db", laptop])
        #expect(unchanged.status == 0 && unchanged.stderr.contains("is up to date"), "\(unchanged.stderr)")
        let found = try await runCatalog(["search", "A001C001", "--db", laptop, "--format", "csv"])
        #expect(found.stdout.contains("A001C001.mov"), "\(found.stdout)")
        // The host changes (a scan of another drive there: /dev/shm is a filesystem of its own).
        let other = "/dev/shm/catalog-pull-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: other, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: other) }
        try Data("roll".utf8).write(to: URL(fileURLWithPath: other + "/B001C001.mov"))
        let hostScan = try await runCatalog(["crawl", "local", other, "--db", host, "--quiet"])
        #expect(hostScan.status == 0, "\(hostScan.stderr)")
        let carried = try await pull(["--db", laptop])
        #expect(carried.status == 0 && carried.stderr.contains("pulled what changed"), "\(carried.stderr)")
        let changed = try await Self.answers(host)
        #expect(changed != expected)
        // The laptop answers as the host does, and holds the card's volume besides.
        let volume = try #require(
            try await DatabaseQueue(path: laptop).read { db in
                try String.fetchOne(db, sql: "SELECT project_id FROM item WHERE name = 'A001C001.mov'")
            })
        let answered = try await Self.answers(laptop, excluding: volume)
        #expect(answered == (try await Self.answers(host, excluding: volume)), "the host's catalog, and the card scanned here")
        #expect(try await runCatalog(["search", "A001C001", "--db", laptop, "--format", "csv"]).stdout.contains("A001C001.mov"))
        // A drive the host holds, scanned here: the host's catalog would undo it, so the pull
        // says so and waits for --replace.
        try Data("more".utf8).write(to: URL(fileURLWithPath: other + "/B001C002.mov"))
        #expect(try await runCatalog(["crawl", "local", other, "--db", laptop, "--quiet"]).status == 0)
        let refused = try await pull(["--db", laptop])
        #expect(refused.status == 64 && refused.stderr.contains("of drives the host holds too"), "\(refused.stderr)")
        let replaced = try await pull(["--replace", "--db", laptop])
        #expect(replaced.status == 0 && replaced.stderr.contains("pulled "), "\(replaced.stderr)")
        #expect(try await Self.answers(laptop) == changed)
        // A catalog of one's own crawls is not replaced unasked.
        let own = try await pull([server.url, "--db", host])
        #expect(own.status == 64 && own.stderr.contains("holds a catalog of this machine's own crawls"), "\(own.stderr)")
        // Not even when asked: it is the very file the host serves.
        let itself = try await pull([server.url, "--db", host, "--replace"])
        #expect(itself.status == 2 && itself.stderr.contains("is the catalog this host serves"), "\(itself.stderr)")
        #expect(try await runCatalog(["status", "--db", host]).stdout.contains("pulled from") == false)
    }

    /// The host refreshes a V4 account (5% of it changed, comments too); the laptop's next pull
    /// brings only the rows that changed, and answers as the host does again.
    @Test func aRefreshedHostIsPulledByItsChangesAlone() async throws {
        let sandbox = SandboxServer(
            frameIO: try FrameIODataset.bundledFixture(), frameIOV4: FrameIOV4Dataset.generated(assets: 2000, seed: 5),
            configuration: SandboxConfiguration())
        try await sandbox.withRunning { urls in
            let environment = ["FRAMEIO_TOKEN": "sandbox", "FRAMEIO_API_URL": urls.frameIOV4]
            let host = try scratchDirectory() + "/host.sqlite"
            let full = try await runCatalog(["crawl", "frameio", "--comments", "--db", host, "--quiet"], environment: environment)
            #expect(full.status == 0, "\(full.stderr)")
            let server = try await Host(db: host)
            defer { server.stop() }
            let laptop = try scratchDirectory() + "/laptop.sqlite"
            let first = try await pull([server.url, "--db", laptop])
            #expect(first.status == 0 && first.stderr.contains("checked and in place"), "\(first.stderr)")
            let snapshotBytes = try #require(try FileManager.default.attributesOfItem(atPath: laptop)[.size] as? Int)
            sandbox.frameIOV4.mutate(rate: 0.05, seed: 9)
            let delta = try await runCatalog(["crawl", "frameio", "--comments", "--db", host], environment: environment)
            #expect(delta.status == 0, "\(delta.stderr)")
            let changes = try await runCatalog(["changes", "--db", host, "--format", "csv"])
            #expect(changes.stdout.split(whereSeparator: \.isNewline).count > 20, "the host refresh: \(delta.stderr) \(changes.stderr)")
            let second = try await pull(["--db", laptop])
            #expect(second.status == 0 && second.stderr.contains("pulled what changed from \(server.url)"), "\(second.stderr)")
            let size = try #require(second.stderr.firstMatch(of: /rows in ([0-9.]+) (KB|MB)/))
            let bytes = (Double(size.1) ?? 0) * (size.2 == "MB" ? 1_000_000 : 1000)
            #expect(bytes < Double(snapshotBytes) / 10, "\(bytes) bytes of changes against a snapshot of \(snapshotBytes)")
            #expect(try await Self.answers(laptop) == (try await Self.answers(host)))
            let again = try await pull(["--db", laptop])
            #expect(again.stderr.contains("is up to date"), "\(again.stderr)")
        }
    }

    /// `GET url` with curl, the body as text.
    static func get(_ url: String) async throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["curl", "-s", "--max-time", "10", url]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let body = await drain(out)
        process.waitUntilExit()
        return String(decoding: body, as: UTF8.self)
    }

    /// The refresh entry of `source` in the host's `/api/status`.
    static func refresh(_ url: String, _ source: String) async throws -> JSONValue? {
        let status = try JSONParser.parse(try await get(url + "/api/status"))
        return status["refresh"]?["sources"]?.arrayValue?.first { $0["source"]?.stringValue == source }
    }

    /// `serve --refresh`: the host crawls by itself, says so on /api/status, and a change in the
    /// service reaches a laptop through the host's next refresh and a pull; a service that does
    /// not answer is retried after twice the interval.
    @Test func aHostRefreshesItselfOnSchedule() async throws {
        let sandbox = SandboxServer(
            frameIO: try FrameIODataset.bundledFixture(), frameIOV4: FrameIOV4Dataset.generated(assets: 300, seed: 7),
            configuration: SandboxConfiguration())
        try await sandbox.withRunning { urls in
            let environment = ["FRAMEIO_TOKEN": "sandbox", "FRAMEIO_API_URL": urls.frameIOV4]
            let host = try scratchDirectory() + "/host.sqlite"
            #expect(try await runCatalog(["crawl", "frameio", "--db", host, "--quiet"], environment: environment).status == 0)
            let server = try await Host(db: host, arguments: ["--refresh", "10s"], environment: environment)
            var first: JSONValue?
            for _ in 0..<100 where first?["result"]?.stringValue == nil {
                try await Task.sleep(for: .milliseconds(100))
                first = try await Self.refresh(server.url, "frameio")
            }
            #expect(first?["result"]?.stringValue == "complete", "\(String(describing: first))")
            #expect(first?["message"]?.stringValue?.hasPrefix("frameio delta:") == true, "\(String(describing: first))")
            let laptop = try scratchDirectory() + "/laptop.sqlite"
            #expect(try await pull([server.url, "--db", laptop]).status == 0)
            sandbox.frameIOV4.mutate(rate: 0.05, seed: 3)
            let started = first?["last_started"]?.stringValue ?? ""
            var next = first
            for _ in 0..<300 where next?["last_started"]?.stringValue == started || next?["running"]?.boolValue == true {
                try await Task.sleep(for: .milliseconds(100))
                next = try await Self.refresh(server.url, "frameio")
            }
            #expect(next?["result"]?.stringValue == "complete" && next?["last_started"]?.stringValue != started, "\(String(describing: next))")
            let pulled = try await pull(["--db", laptop])
            #expect(pulled.stderr.contains("pulled what changed"), "\(pulled.stderr)")
            // This host reads no comments: the laptop says where they would be read.
            let comments = try await runCatalog(["comments", "--db", laptop])
            #expect(comments.status == 64 && comments.stderr.contains("the host reads them"), "\(comments.stderr)")
            #expect(try await Self.answers(laptop) == (try await Self.answers(host)))
            server.stop()
            let log = try String(contentsOfFile: server.log, encoding: .utf8)
            #expect(log.contains("catalog serve: refresh of Frame.io complete: frameio delta:"), "\(log)")
        }
        // A service that does not answer: the refresh fails, said so, and waits twice as long.
        let host = try await ownDemo("pull-host")
        let dead = try await Host(
            db: host, arguments: ["--refresh", "10s", "--quiet"],
            environment: ["FRAMEIO_TOKEN": "sandbox", "FRAMEIO_API_URL": "http://127.0.0.1:1/v4"])
        defer { dead.stop() }
        var failed: JSONValue?
        for _ in 0..<200 where failed?["result"]?.stringValue == nil {
            try await Task.sleep(for: .milliseconds(100))
            failed = try await Self.refresh(dead.url, "frameio")
        }
        #expect(failed?["result"]?.stringValue == "failed", "\(String(describing: failed))")
        let finished = failed?["last_finished"]?.stringValue.flatMap(Timestamp.parse)
        let next = failed?["next"]?.stringValue.flatMap(Timestamp.parse)
        #expect(finished != nil && next.map { $0.timeIntervalSince(finished ?? $0) } == 20, "\(String(describing: failed))")
    }

    @Test func aHostWithATokenRefusesPullsWithoutIt() async throws {
        let host = try await ownDemo("pull-host")
        let token = "team-token-0123456789abcdef"
        let server = try await Host(db: host, arguments: ["--token", token, "--quiet"])
        defer { server.stop() }
        let laptop = try scratchDirectory() + "/laptop.sqlite"
        let none = try await pull([server.url, "--db", laptop])
        #expect(none.status == 2 && none.stderr.contains("needs a token: --token or CATALOG_PULL_TOKEN"), "\(none.stderr)")
        let wrong = try await pull([server.url, "--db", laptop, "--token", "not-the-token-at-all"])
        #expect(wrong.status == 2 && wrong.stderr.contains("refused the token"), "\(wrong.stderr)")
        #expect(!wrong.stderr.contains("not-the-token-at-all"))
        #expect(!FileManager.default.fileExists(atPath: laptop), "nothing is made without the host's catalog")
        let right = try await pull([server.url, "--db", laptop], environment: ["CATALOG_PULL_TOKEN": token])
        #expect(right.status == 0, "\(right.stderr)")
        // The token is kept (0600) for the next pull from this host, which needs none given.
        let later = try await pull(["--db", laptop])
        #expect(later.status == 0 && later.stderr.contains("is up to date"), "\(later.stderr)")
        let mode = try #require(try FileManager.default.attributesOfItem(atPath: credentials)[.posixPermissions] as? Int)
        #expect(mode == 0o600)
        #expect(try await Self.answers(laptop) == (try await Self.answers(host)))
    }

    /// Named tokens: each reader their own, each request logged under its name (never the
    /// token), one revoked without the others, from the next request on.
    @Test func aRevokedTokenIsRefusedAndTheOthersStillPull() async throws {
        let host = try await ownDemo("pull-host")
        let file = try scratchDirectory() + "/tokens.json"
        let environment = ["CATALOG_SERVE_TOKENS": file]
        let mei = try await runCatalog(["tokens", "add", "mei"], environment: environment)
        let ana = try await runCatalog(["tokens", "add", "ana", "-q"], environment: environment)
        #expect(mei.status == 0 && ana.status == 0 && ana.stderr.isEmpty, "\(mei.stderr) \(ana.stderr)")
        let meiToken = mei.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let anaToken = ana.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(meiToken.count >= 40 && meiToken != anaToken)
        let kept = try String(contentsOfFile: file, encoding: .utf8)
        #expect(!kept.contains(meiToken) && kept.contains("\"mei\""), "only the hash is kept")
        let mode = try #require(try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int)
        #expect(mode == 0o600)
        let twice = try await runCatalog(["tokens", "add", "mei"], environment: environment)
        #expect(twice.status == 64 && twice.stderr.contains("there is a token named mei already"), "\(twice.stderr)")
        let server = try await Host(db: host, arguments: [], environment: environment)
        let laptop = try scratchDirectory() + "/laptop.sqlite"
        let meiPull = try await pull([server.url, "--db", laptop, "--token", meiToken])
        #expect(meiPull.status == 0, "\(meiPull.stderr)")
        let none = try await pull(
            [server.url, "--db", try scratchDirectory() + "/x.sqlite"], environment: ["CATALOG_CREDENTIALS": try scratchDirectory() + "/none.json"])
        #expect(none.status == 2 && none.stderr.contains("needs a token"), "a host with named tokens asks for one: \(none.stderr)")
        let revoke = try await runCatalog(["tokens", "revoke", "mei"], environment: environment)
        #expect(revoke.status == 0, "\(revoke.stderr)")
        let refused = try await pull(["--db", laptop, "--token", meiToken])
        #expect(refused.status == 2 && refused.stderr.contains("refused the token"), "\(refused.stderr)")
        let anaPull = try await pull([server.url, "--db", try scratchDirectory() + "/ana.sqlite", "--token", anaToken])
        #expect(anaPull.status == 0, "\(anaPull.stderr)")
        let list = try await runCatalog(["tokens", "list"], environment: environment)
        #expect(list.stdout.contains("ana") && !list.stdout.contains("mei"), "\(list.stdout)")
        server.stop()
        let log = try String(contentsOfFile: server.log, encoding: .utf8)
        #expect(log.contains(" mei GET /api/snapshot 200") && log.contains(" ana GET /api/snapshot 200"), "\(log)")
        #expect(!log.contains(meiToken) && !log.contains(anaToken))
        // Refused requests are logged too, under no name: a revoked token still trying shows.
        #expect(log.contains(" (refused token) GET /api/sync?") && log.contains(" (no token) GET /api/"), "\(log)")
    }

    /// A connection cut halfway: the catalog here is as it was and the part received is kept;
    /// the next pull from the host asks only for the rest (`Range`, `If-Range`).
    @Test func aCutPullLeavesTheOldCatalogAndTheNextOneResumes() async throws {
        let host = try await ownDemo("pull-host")
        let server = try await Host(db: host)
        defer { server.stop() }
        let laptop = try scratchDirectory() + "/laptop.sqlite"
        #expect(try await pull([server.url, "--db", laptop]).status == 0)
        let before = try await Self.answers(laptop)
        // The host's snapshot, as it serves it.
        let snapshots = host + ".snapshots"
        let name = try #require(try Self.newestSnapshot(in: snapshots))
        let snapshot = try #require(FileManager.default.contents(atPath: snapshots + "/" + name))
        let tag = "\"xxh3_128:" + (try XXH3Hasher.digest(ofFileAt: snapshots + "/" + name)) + "\""
        // A server that sends the headers and half the bytes, then hangs up.
        let cut = try CutServer(
            head: "HTTP/1.1 200 OK\r\nContent-Length: \(snapshot.count)\r\nETag: \(tag)\r\nX-Catalog-Generation: g\r\n\r\n",
            body: snapshot.prefix(snapshot.count / 2))
        let other = try scratchDirectory() + "/other.sqlite"
        let cutRun = try await pull(["http://127.0.0.1:\(cut.port)", "--db", other])
        #expect(cutRun.status == 4 && cutRun.stderr.contains("stopped at") && cutRun.stderr.contains("Run catalog pull again"), "\(cutRun.stderr)")
        #expect(!FileManager.default.fileExists(atPath: other), "no catalog is made from half a snapshot")
        let kept = (try? FileManager.default.attributesOfItem(atPath: other + ".pull")[.size] as? Int) ?? 0
        // What arrived before the cut is kept for the next pull (the last bytes in flight may be lost with it).
        #expect(kept > 0 && kept <= snapshot.count / 2, "\(kept)")
        // The laptop's catalog, refreshed from a pull interrupted at the host itself: the part on
        // disk is the host's snapshot's first half; the rest is asked for and the whole checked.
        try Data(snapshot.prefix(snapshot.count / 3)).write(to: URL(fileURLWithPath: laptop + ".pull"))
        try "\(tag)\n\(server.url)".write(toFile: laptop + ".pull.etag", atomically: true, encoding: .utf8)
        let hostScan = try await runCatalog(["crawl", "local", try scratchDirectory(), "--db", host, "--quiet"])
        #expect(hostScan.status == 0)
        #expect(try await Self.answers(laptop) == before, "the catalog here answers as before meanwhile")
        // The host made a new snapshot for its scan: the part on disk is of the old one, so the
        // whole new one comes (If-Range does not hold), and the result is exact.
        let fresh = try await pull(["--db", laptop])
        #expect(fresh.status == 0 && !fresh.stderr.contains("from the pull before"), "\(fresh.stderr)")
        #expect(try await Self.answers(laptop) == (try await Self.answers(host)))
        #expect(!FileManager.default.fileExists(atPath: laptop + ".pull"), "the part of an older snapshot is removed")
        // Now a part of the current snapshot (made for a new laptop): only the rest is fetched.
        #expect(try await pull([server.url, "--db", try scratchDirectory() + "/fourth.sqlite"]).status == 0)
        let current = try #require(try Self.newestSnapshot(in: snapshots))
        let whole = try #require(FileManager.default.contents(atPath: snapshots + "/" + current))
        let currentTag = "\"xxh3_128:" + (try XXH3Hasher.digest(ofFileAt: snapshots + "/" + current)) + "\""
        let third = try scratchDirectory() + "/third.sqlite"
        try Data(whole.prefix(whole.count / 2)).write(to: URL(fileURLWithPath: third + ".pull"))
        try "\(currentTag)\n\(server.url)".write(toFile: third + ".pull.etag", atomically: true, encoding: .utf8)
        let resumed = try await pull([server.url, "--db", third])
        #expect(resumed.status == 0 && resumed.stderr.contains("of it from the pull before"), "\(resumed.stderr)")
        #expect(try await Self.answers(third) == (try await Self.answers(host)))
        #expect(!FileManager.default.fileExists(atPath: third + ".pull") && !FileManager.default.fileExists(atPath: third + ".pull.etag"))
        // A part as long as the whole (a pull cut while it checked what it had): the whole again.
        let fifth = try scratchDirectory() + "/fifth.sqlite"
        try whole.write(to: URL(fileURLWithPath: fifth + ".pull"))
        try "\(currentTag)\n\(server.url)".write(toFile: fifth + ".pull.etag", atomically: true, encoding: .utf8)
        let whole416 = try await pull([server.url, "--db", fifth])
        #expect(whole416.status == 0 && !whole416.stderr.contains("from the pull before"), "\(whole416.stderr)")
        #expect(try await Self.answers(fifth) == (try await Self.answers(host)))
    }

    /// The name of the newest snapshot a host keeps (it keeps the one before too).
    static func newestSnapshot(in directory: String) throws -> String? {
        try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".sqlite") }.max { a, b in
            let dateA = (try? FileManager.default.attributesOfItem(atPath: directory + "/" + a)[.modificationDate] as? Date) ?? .distantPast
            let dateB = (try? FileManager.default.attributesOfItem(atPath: directory + "/" + b)[.modificationDate] as? Date) ?? .distantPast
            return dateA < dateB
        }
    }

    /// A one-connection server that answers with `head` and `body`, then closes.
    final class CutServer: @unchecked Sendable {
        let port: Int
        private let listener: Int32

        init(head: String, body: Data) throws {
            let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            self.listener = listener
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length) } }
            _ = listen(listener, 4)
            _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) } }
            port = Int(UInt16(bigEndian: address.sin_port))
            let answer = Array(head.utf8) + Array(body)
            Thread.detachNewThread {
                let connection = accept(listener, nil, nil)
                guard connection >= 0 else { return }
                var request = [UInt8](repeating: 0, count: 4096)
                _ = read(connection, &request, request.count)
                var sent = 0
                while sent < answer.count {
                    let written = answer[sent...].withUnsafeBytes { write(connection, $0.baseAddress, $0.count) }
                    guard written > 0 else { break }
                    sent += written
                }
                close(connection)
            }
        }

        deinit { close(listener) }
    }
}

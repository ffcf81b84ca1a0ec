import CatalogSandbox
import Foundation
import Synchronization
import TestSupport
import Testing

/// `catalog login frameio` end to end against the sandbox's fake Adobe IMS, then crawls signed
/// in through what it saved; no token, secret or code in any output or file but the
/// credentials file.
@Suite(.serialized) struct LoginCLITests {
    /// Starts `catalog login frameio`, waits for the authorize address it prints, and returns it
    /// with the running process and its output so far.
    func startLogin(_ arguments: [String], environment: [String: String]) throws -> (Process, Output, Pipe, Pipe) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: catalogBinary)
        process.arguments = ["login", "frameio"] + arguments
        process.environment = environment.merging(["PATH": "/usr/bin:/bin", "HOME": scratchRoot]) { a, _ in a }
        let out = Pipe()
        let err = Pipe()
        let inPipe = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = inPipe
        let text = Output()
        // Read while it runs: the address is printed before it exits.
        out.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            text.text.withLock { $0 += String(decoding: data, as: UTF8.self) }
        }
        try process.run()
        return (process, text, inPipe, err)
    }

    func waitFor(_ output: Output, _ pattern: String, seconds: Double = 20) async throws -> String {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let current = output.text.withLock { $0 }
            if let range = current.range(of: pattern + "[^ \\n]*", options: .regularExpression) { return String(current[range]) }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("no \(pattern) in \(output.text.withLock { $0 })")
        return ""
    }

    func exit(_ process: Process, seconds: Double = 20) async -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { try? await Task.sleep(for: .milliseconds(50)) }
        if process.isRunning {
            process.terminate()
            return nil
        }
        return process.terminationStatus
    }

    @Test func loginThroughTheLoopbackThenCrawlWithWhatItSaved() async throws {
        let directory = try scratchDirectory()
        let credentials = directory + "/credentials.json"
        let clientSecret = "login-secret-\(UUID().uuidString)"
        var configuration = SandboxConfiguration()
        configuration.ims = OAuthClientSettings(clientID: "login-client", clientSecret: clientSecret, refreshToken: "unused")
        let server = SandboxServer(frameIO: try FrameIODataset.bundledFixture(), configuration: configuration)
        try await server.withRunning { urls in
            let environment = ["FRAMEIO_CLIENT_ID": "login-client", "FRAMEIO_AUTH_URL": urls.ims, "CATALOG_CREDENTIALS": credentials]
            let (process, output, _, errors) = try startLogin(["--port", "0"], environment: environment)
            let authorize = try await waitFor(output, "http://127.0.0.1:[0-9]+/ims/authorize/v2\\?")
            // The "browser": the fake IMS signs the user in and redirects to the loopback listener.
            let browser = try await curl(["-sL", authorize])
            #expect(browser.contains("Signed in"), "\(browser)")
            #expect(await exit(process) == 0, "\(String(decoding: errors.fileHandleForReading.availableData, as: UTF8.self))")
            let savedFile = try #require(bytes(credentials))
            let saved = try JSONSerialization.jsonObject(with: savedFile) as? [String: [String: String]]
            let refresh = try #require(saved?["frameio"]?["refresh_token"])
            #expect(!output.text.withLock { $0 }.contains(refresh))
            let mode = try FileManager.default.attributesOfItem(atPath: credentials)[.posixPermissions] as? Int
            #expect(mode == 0o600)
            // A crawl signs in with what login saved: no token in the environment.
            let crawlEnvironment = ["CATALOG_CREDENTIALS": credentials, "FRAMEIO_API_URL": urls.frameIOV4]
            let crawl = try await runCatalog(
                ["crawl", "frameio", "--db", directory + "/catalog.sqlite"],
                environment: crawlEnvironment.merging(["CATALOG_LOG_LEVEL": "trace"]) { $1 })
            #expect(crawl.status == 0, "\(crawl.stderr)")
            #expect(crawl.stderr.contains("33 items"))
            let savedAgain = try #require(bytes(credentials))
            let rotated = try #require(
                (try JSONSerialization.jsonObject(with: savedAgain) as? [String: [String: String]])?["frameio"]?["refresh_token"])
            #expect(rotated != refresh)
            for secret in [refresh, rotated, clientSecret] {
                #expect(!crawl.stdout.contains(secret) && !crawl.stderr.contains(secret))
            }
            #expect(!crawl.stderr.contains("ims-access-"), "an access token was logged")
            // Nothing secret in the catalog files.
            for file in try FileManager.default.subpathsOfDirectory(atPath: directory) where !file.hasPrefix("credentials") {
                let data = try #require(bytes(directory + "/" + file))
                #expect(data.range(of: Data(rotated.utf8)) == nil && data.range(of: Data("ims-access-".utf8)) == nil, "\(file)")
            }
        }
    }

    @Test func withoutABrowserTheRedirectAddressIsPasted() async throws {
        let directory = try scratchDirectory()
        let credentials = directory + "/credentials.json"
        var configuration = SandboxConfiguration()
        configuration.ims = OAuthClientSettings(clientID: "paste-client", clientSecret: "s", refreshToken: "unused")
        let server = SandboxServer(frameIO: try FrameIODataset.bundledFixture(), configuration: configuration)
        try await server.withRunning { urls in
            let environment = ["FRAMEIO_CLIENT_ID": "paste-client", "FRAMEIO_AUTH_URL": urls.ims, "CATALOG_CREDENTIALS": credentials]
            let (process, output, input, _) = try startLogin(["--paste"], environment: environment)
            let authorize = try await waitFor(output, "http://127.0.0.1:[0-9]+/ims/authorize/v2\\?")
            // On another machine: the IMS redirects to a loopback address that does not load there.
            let redirect = try await curl(["-s", "-o", "/dev/null", "-w", "%{redirect_url}", authorize])
            #expect(redirect.hasPrefix("http://127.0.0.1:8400/callback?code="))
            input.fileHandleForWriting.write(Data("\(redirect)\n".utf8))
            #expect(await exit(process) == 0)
            #expect(FileManager.default.fileExists(atPath: credentials))
            #expect(!output.text.withLock { $0 }.contains("code="), "the code was echoed")
        }
    }

    @Test func loginWithoutAClientIDSaysWhatToSet() async throws {
        let run = try await runCatalog(["login", "frameio"], environment: [:])
        #expect(run.status == 2)
        #expect(run.stderr.contains("FRAMEIO_CLIENT_ID"))
    }

    @Test func aBaseURLNamingNeitherAPIIsRefusedNamingBoth() async throws {
        let run = try await runCatalog(
            ["crawl", "frameio", "--db", try scratchDirectory() + "/c.sqlite"],
            environment: ["FRAMEIO_TOKEN": "t", "FRAMEIO_API_URL": "https://api.frame.io/v3"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("/v4") && run.stderr.contains("/v2") && run.stderr.contains("FRAMEIO_API_URL"))
    }
}

/// What a running process printed so far.
final class Output: Sendable {
    let text = Mutex("")
}

/// `curl` (the "browser" of these tests), returning what it prints.
func curl(_ arguments: [String]) async throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
    process.arguments = arguments
    let out = Pipe()
    process.standardOutput = out
    try process.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
}

/// `catalog fields` over a crawled V4 fixture: every field with its type, options and how many
/// items hold each value.
@Suite(.serialized) struct FieldsCLITests {
    @Test func fieldsListTypesOptionsAndCounts() async throws {
        let directory = try scratchDirectory()
        let server = SandboxServer(frameIO: try FrameIODataset.bundledFixture(), configuration: SandboxConfiguration())
        try await server.withRunning { urls in
            let crawl = try await runCatalog(
                ["crawl", "frameio", "--db", directory + "/c.sqlite"], environment: ["FRAMEIO_TOKEN": "t", "FRAMEIO_API_URL": urls.frameIOV4])
            #expect(crawl.status == 0, "\(crawl.stderr)")
        }
        let csv = try await runCatalog(["fields", "--db", directory + "/c.sqlite", "--format", "csv"])
        #expect(csv.status == 0)
        let lines = Set(csv.stdout.components(separatedBy: "\r\n"))
        #expect(lines.contains("frameio,Review Status,select,Approved,2"))
        #expect(lines.contains("frameio,Review Status,select,Needs Review,1"))
        #expect(lines.contains("frameio,Tags,select_multi,Behind the Scenes,0"))
        #expect(lines.contains("frameio,Assignee,user_single,Ravi Producer,1"))
        #expect(lines.contains("frameio,Rating,rating,4,1"))
        let json = try await runCatalog(["fields", "--db", directory + "/c.sqlite", "--format", "json", "--source", "frameio"])
        let fields = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(fields.count == 11)
        #expect(
            Set(fields.compactMap { $0["type"] as? String }).isSuperset(of: [
                "text", "long_text", "select", "select_multi", "rating", "number", "toggle", "date", "user_single", "user_multi",
            ]))
        // The table names types in one vocabulary for every source (Dash's CHECKBOX and Frame.io's
        // select_multi are both options (several)); JSON and CSV keep the service's own name.
        let table = try await runScript("COLUMNS=100 \(catalogBinary) fields --db \(directory)/c.sqlite")
        let tags = table.split(whereSeparator: \.isNewline).first { $0.contains("Tags") }.map(String.init) ?? ""
        #expect(tags.contains("options (several)") && !table.contains("select_multi"), "\(table)")
        // One field: what can I type? Every value, the items holding it, the filter.
        let one = try await runScript("COLUMNS=100 \(catalogBinary) fields 'review status' --db \(directory)/c.sqlite")
        #expect(one.contains("Approved") && one.contains("\"Review Status\":Approved") && one.contains("Needs Review"), "\(one)")
        let unknown = try await runCatalog(["fields", "Reveiw Status", "--db", directory + "/c.sqlite"])
        #expect(unknown.status == 64 && unknown.stderr.contains("Did you mean 'Review Status'"), "\(unknown.stderr)")
        // Searching a value the field does not have is an error naming the closest, not 0 results.
        let typo = try await runCatalog(["search", "\"Review Status\":Aproved", "--db", directory + "/c.sqlite"])
        #expect(typo.status == 64 && typo.stderr.contains("Did you mean 'Approved'"), "\(typo.stderr)")
        let rated = try await runCatalog(["search", "Rating:>=4", "--format", "csv", "--fields", "name", "--db", directory + "/c.sqlite"])
        #expect(rated.status == 0 && rated.stdout.split(whereSeparator: \.isNewline).count == 2, "\(rated.stdout)")
    }
}

import CatalogCore
import CatalogSandbox
import Foundation
import Testing

/// `catalog crawl local` and `catalog where` through the executable: flags, the summary, the
/// verdict and its exit status.
@Suite struct LocalCLITests {
    @Test func localFlagsAreCheckedBeforeAnythingRuns() async throws {
        let path = try scratchDirectory() + "/c.sqlite"
        let none = try await runCatalog(["crawl", "local", "--db", path])
        #expect(none.status == 64 && none.stderr.contains("catalog crawl local needs the folders to scan"), "\(none.stderr)")
        let full = try await runCatalog(["crawl", "local", "/tmp", "--full", "--db", path])
        #expect(full.status == 64 && full.stderr.contains("--full is for Frame.io and Dash"), "\(full.stderr)")
        let folders = try await runCatalog(["crawl", "dash", "/tmp", "--db", path])
        #expect(folders.status == 64 && folders.stderr.contains("only catalog crawl local takes folders"), "\(folders.stderr)")
        let md5 = try await runCatalog(["crawl", "dash", "--md5", "--db", path])
        #expect(md5.status == 64 && md5.stderr.contains("--md5 is for catalog crawl local"), "\(md5.stderr)")
        let missing = try await runCatalog(["crawl", "local", "/no/such/card", "--db", path])
        #expect(missing.status == 64 && missing.stderr.contains("is the drive mounted?"), "\(missing.stderr)")
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    /// A card with one clip Dash holds (the fixture's `trail_runner_hero.jpg` is MD5 of "hello")
    /// and one it does not: exit 1 naming the missing clip; exit 0 once only the safe clip is left.
    @Test func whereGivesTheVerdictAndAnExitStatusAScriptCanUse() async throws {
        let directory = try scratchDirectory()
        let path = directory + "/c.sqlite"
        let card = directory + "/A001"
        try FileManager.default.createDirectory(atPath: card + "/CLIPS", withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: card + "/CLIPS/A001C001.mov", contents: Data("hello".utf8))
        FileManager.default.createFile(atPath: card + "/CLIPS/A001C002.mov", contents: Data("never uploaded".utf8))
        let scanned = try await runCatalog(["crawl", "local", card, "--md5", "--db", path])
        #expect(scanned.status == 0, "\(scanned.stderr)")
        #expect(scanned.stderr.contains("local scan: 2 files (19 B) in 1 folder on 1 volume; 2 hashed"), "\(scanned.stderr)")
        let alone = try await runCatalog(["where", card, "--db", path])
        #expect(alone.status == 64 && alone.stderr.contains("holds no complete Frame.io or Dash crawl"), "\(alone.stderr)")
        let server = SandboxServer(
            frameIO: FrameIODataset.generated(assets: 0, seed: 1), dash: try DashDataset.bundledFixture(), configuration: SandboxConfiguration())
        try await server.withRunning { urls in
            let crawled = try await runCatalog(
                ["crawl", "dash", "--db", path, "--quiet"], environment: ["DASH_TOKEN": "sandbox", "DASH_API_URL": urls.dash])
            #expect(crawled.status == 0, "\(crawled.stderr)")
        }
        let answer = try await runCatalog(["where", card, "--db", path, "--format", "json"])
        #expect(answer.status == 1, "\(answer.stderr)")
        #expect(
            answer.stderr.contains("1 of 2 files are in Frame.io or Dash: 1 exact; 1 missing: CLIPS/A001C002.mov"), "\(answer.stderr)")
        let json = try JSONParser.parse(answer.stdout)
        let files = json["files"]?.arrayValue ?? []
        #expect(files.compactMap { $0["status"]?.stringValue } == ["exact", "missing"])
        #expect(files.first?["copies"]?.arrayValue?.compactMap { $0["path"]?.stringValue }.allSatisfy { $0.contains("trail_runner_hero") } == true)
        // dupes spans the sources: the clip and Dash's asset are one group, joined by MD5.
        let dupes = try await runCatalog(["dupes", "--db", path, "--format", "json"])
        #expect(dupes.status == 0, "\(dupes.stderr)")
        let groups = try JSONParser.parse(dupes.stdout)["groups"]?.arrayValue ?? []
        let helloMD5 = "5d41402abc4b2a76b9719d911017c592"
        let group = try #require(groups.first { $0["copies"]?.arrayValue?.contains { $0["md5"]?.stringValue == helloMD5 } == true })
        let copies = group["copies"]?.arrayValue ?? []
        #expect(group["probable"]?.boolValue == false)
        #expect(Set(copies.compactMap { $0["source"]?.stringValue }) == ["local", "dash"], "\(dupes.stdout)")
        #expect(copies.contains { $0["source"]?.stringValue == "local" && $0["path"]?.stringValue == "A001/CLIPS/A001C001.mov" })
        try FileManager.default.removeItem(atPath: card + "/CLIPS/A001C002.mov")
        let safe = try await runCatalog(["where", card, "--db", path])
        #expect(safe.status == 0 && safe.stderr.contains("1 of 1 file is in Frame.io or Dash: 1 exact"), "\(safe.stderr)")
        let status = try await runCatalog(["status", "--db", path])
        #expect(status.stdout.contains("volume A001 (path:\(card)): 2 files"), "\(status.stdout)")
        #expect(status.stdout.contains("online at \(card); scanned"), "\(status.stdout)")
    }
}

/// `catalog demo --card`: the sandbox card gets the verdict its plan defines.
@Suite struct DemoCardCLITests {
    @Test func theDemoCardGetsItsVerdict() async throws {
        let directory = try scratchDirectory()
        let run = try await runCatalog(["demo", "--db", directory + "/demo.sqlite", "--card", directory + "/A002_CARD"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains(SandboxCard.expectedVerdict), "\(run.stdout)")
    }
}

import CatalogCore
import CatalogSandbox
import Foundation
import TestSupport
import Testing

/// `catalog crawl local` and `catalog where` through the executable: flags, the summary, the
/// verdict and its exit status.
@Suite struct LocalCLITests {
    @Test func localFlagsAreCheckedBeforeAnythingRuns() async throws {
        let path = try scratchDirectory() + "/c.sqlite"
        let none = try await runCatalog(["crawl", "local", "--db", path])
        #expect(none.status == 64 && none.stderr.contains("catalog crawl local needs the folders to scan"), "\(none.stderr)")
        // `crawl local` and the service crawls are commands of their own: each refuses the
        // other's flags before anything runs (a parent's flag used to be taken and ignored).
        let full = try await runCatalog(["crawl", "local", "/tmp", "--full", "--db", path])
        #expect(full.status == 64 && full.stderr.contains("Unknown option '--full'"), "\(full.stderr)")
        #expect(full.stderr.contains("catalog crawl local --help"), "\(full.stderr)")
        let folders = try await runCatalog(["crawl", "dash", "/tmp", "--db", path])
        #expect(folders.status == 64 && folders.stderr.contains("Unexpected argument '/tmp'"), "\(folders.stderr)")
        let md5 = try await runCatalog(["crawl", "dash", "--md5", "--db", path])
        #expect(md5.status == 64 && md5.stderr.contains("Unknown option '--md5'"), "\(md5.stderr)")
        let allMD5 = try await runCatalog(["crawl", "--md5", "--db", path])
        #expect(allMD5.status == 64 && allMD5.stderr.contains("Unknown option '--md5'"), "\(allMD5.stderr)")
        // What to crawl may follow the options, as when crawl was one command.
        let late = try await runCatalog(["crawl", "--db", path, "local", "/no/such/card"])
        #expect(late.status == 64 && late.stderr.contains("is the drive mounted?"), "\(late.stderr)")
        let lateDash = try await runCatalog(["crawl", "--full", "dash", "--db", path])
        #expect(lateDash.status == 2 && lateDash.stderr.contains("Dash is not configured"), "\(lateDash.stderr)")
        // The value of an option is never taken for what to crawl, whichever option it is (the
        // options that take values are read from the parser, not from a list kept by hand).
        for option in ["--timeout", "--page-size", "--thumbnail-cache-size", "--stats", "--concurrency"] {
            let value = try await runCatalog(["crawl", option, "local", "--db", path])
            #expect(value.status == 64 && value.stderr.contains("The value 'local' is invalid for '\(option)"), "\(option): \(value.stderr)")
        }
        let missing = try await runCatalog(["crawl", "local", "/no/such/card", "--db", path])
        #expect(missing.status == 64 && missing.stderr.contains("is the drive mounted?"), "\(missing.stderr)")
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    /// Fifty folders of a thousand clips each: the walk read each directory entry as a whole
    /// `dirent`, past the end of the last one in glibc's buffer, and crashed here (signal 11).
    @Test func aCardOfManyFoldersOfManyFilesIsScannedWhole() async throws {
        let directory = try scratchDirectory()
        let card = directory + "/B003"
        for folder in 0..<50 {
            let path = card + "/CLIPS\(folder)"
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            for clip in 0..<1000 {
                let fd = open(path + "/B003C\(folder)_\(clip).mov", O_CREAT | O_WRONLY, 0o644)
                var byte = UInt8(clip % 256)
                #expect(fd >= 0 && write(fd, &byte, 1) == 1)
                close(fd)
            }
        }
        let scanned = try await runCatalog(["crawl", "local", card, "--db", directory + "/c.sqlite"])
        #expect(scanned.status == 0, "\(scanned.stderr.suffix(2000))")
        #expect(
            scanned.stderr.contains("local scan: 50 000 files (50 KB) in 50 folders on 1 volume; 50 000 hashed"), "\(scanned.stderr.suffix(2000))")
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
        // The clip is in Dash, uploaded; the fixture's 8 MB trail_runner_hero.jpg has its MD5
        // too, but not its size: not a copy of it.
        var dash = try DashDataset.bundledFixture()
        var v4 = FrameIOV4Dataset.fixture()
        SandboxCard(files: [.init(path: "CLIPS/A001C001.mov", bytes: Array("hello".utf8), upload: .dash(name: "A001C001 upload.mov"))])
            .upload(to: &dash, &v4)
        let server = SandboxServer(frameIO: FrameIODataset.generated(assets: 0, seed: 1), dash: dash, configuration: SandboxConfiguration())
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
        let found = files.first?["copies"]?.arrayValue ?? []
        // (The fixture holds a second asset with that MD5, staged, not live: no copy either.)
        #expect(found.compactMap { $0["match"]?.stringValue } == ["exact", "uncounted", "uncounted"], "\(answer.stdout)")
        let hero = found.first { $0["path"]?.stringValue?.contains("trail_runner_hero") == true }
        #expect(hero?["note"]?.stringValue == "its Dash copy has another size (8421337 bytes)", "\(answer.stdout)")
        #expect(found.contains { $0["note"]?.stringValue == "its Dash asset is not live (STAGED)" })
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
        // A name the walk cannot read (not UTF-8) is not known to be anywhere: not safe.
        let badName = (Array((card + "/CLIPS/A001C003").utf8) + [0xFF, 0]).map { CChar(bitPattern: $0) }
        let fd = open(badName, O_CREAT | O_WRONLY, 0o644)
        #expect(fd >= 0)
        close(fd)
        let unread = try await runCatalog(["where", card, "--db", path, "--format", "csv"])
        #expect(unread.status == 1, "\(unread.stderr)")
        #expect(unread.stderr.contains("1 exact; 1 unreadable: CLIPS/…"), "\(unread.stderr)")
        #expect(unread.stdout.contains("CLIPS/…,0,,,unreadable,"), "\(unread.stdout)")
        unlink(badName)
        // A folder with nothing in it (a card not mounted) is not safe.
        try FileManager.default.createDirectory(atPath: directory + "/EMPTY", withIntermediateDirectories: true)
        let empty = try await runCatalog(["where", directory + "/EMPTY", "--db", path])
        #expect(empty.status == 1 && empty.stderr.contains("no files here"), "\(empty.stderr)")
        let status = try await runCatalog(["status", "--db", path])
        #expect(status.stdout.contains("volume A001 (path:\(card)): 2 files"), "\(status.stdout)")
        #expect(status.stdout.contains("online at \(card); scanned"), "\(status.stdout)")
    }
}

/// What keeps `where` and `verify` from saying a card is safe when they could not look.
@Suite struct LocalSafetyCLITests {
    /// An empty folder (a card not mounted leaves its mount point empty) is not safe to wipe.
    @Test func anEmptyFolderIsNeverSafe() async throws {
        let directory = try scratchDirectory()
        try FileManager.default.createDirectory(atPath: directory + "/EMPTY", withIntermediateDirectories: true)
        let verify = try await runCatalog(["verify", directory + "/EMPTY"], environment: ["CATALOG_DB": ""])
        #expect(verify.status == 1 && verify.stderr.contains("nothing to verify (is the drive mounted?)"), "\(verify.stderr)")
        let quiet = try await runCatalog(["verify", directory + "/EMPTY", "--quiet"])
        #expect(quiet.status == 1 && quiet.stderr.isEmpty, "\(quiet.stderr)")
    }

    /// Files on record in a folder the user cannot read are unreadable, not missing: they are
    /// not known to be gone.
    @Test func filesInAFolderThatCannotBeReadAreNotCalledMissing() async throws {
        let run = try await Self.verifyAsNobody(card: "L012", files: ["CLIPS/L012C001.mov", "L012.xml"], locking: "CLIPS")
        #expect(run.status == 1, "\(run.stderr)")
        #expect(run.stdout.contains("CLIPS/L012C001.mov,unreadable,"), "\(run.stdout)")
        #expect(run.stdout.contains("its folder CLIPS cannot be read (Permission denied)"), "\(run.stdout)")
        #expect(run.stdout.contains("L012.xml,verified,"), "\(run.stdout)")
    }

    /// A history whose folder cannot be listed was not held against: verify says so and fails,
    /// rather than calling every file new and passing.
    @Test func aHistoryThatCannotBeListedFailsVerify() async throws {
        let run = try await Self.verifyAsNobody(card: "N014", files: ["CLIPS/N014C001.mov"], locking: "ascmhl")
        #expect(run.status == 1, "\(run.stderr)")
        #expect(run.stdout.contains("ascmhl,unreadable,"), "\(run.stdout)")
        #expect(run.stdout.contains("could not be read (Permission denied), so it and anything under it went unverified"), "\(run.stdout)")
        #expect(run.stderr.contains("1 new, 1 unreadable"), "\(run.stderr)")
    }

    /// A card of `files` (each holding "take"), sealed by ascmhl, verified as an unprivileged
    /// user (uid 65534) with its folder `locking` made unreadable (mode 000) meanwhile.
    static func verifyAsNobody(card name: String, files: [String], locking: String) async throws -> Run {
        let (directory, card) = try Self.card(name, files)
        try await Self.ascmhl(["create", "-h", "xxh64", card])
        #expect(chmod(card + "/" + locking, 0) == 0)
        defer { chmod(card + "/" + locking, 0o755) }
        let home = directory + "/home"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        return try await runCatalog(["verify", card, "--format", "csv"], environment: ["HOME": home], asUser: 65534)
    }

    /// A card `name` in a new scratch directory, each of `files` (paths on the card) holding
    /// "take"; returns the directory and the card.
    static func card(_ name: String, _ files: [String]) throws -> (directory: String, card: String) {
        let directory = try scratchDirectory()
        let card = directory + "/" + name
        try FileManager.default.createDirectory(atPath: card, withIntermediateDirectories: true)
        for file in files {
            let folder = (card + "/" + file as NSString).deletingLastPathComponent
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            FileManager.default.createFile(atPath: card + "/" + file, contents: Data("take".utf8))
        }
        return (directory, card)
    }

    /// A card that also holds an MHL 1.1 list (Silverstack's, ShotPut's): catalog reads the
    /// list's digests, and records and verifies the list itself as a file, as ascmhl does, so
    /// ascmhl accepts the sealed card.
    @Test func aCardWithAnMHLListIsSealedAsAscmhlExpects() async throws {
        let (directory, card) = try Self.card("P015", ["CLIPS/P015C001.mov"])
        try """
        <?xml version="1.0" encoding="UTF-8"?>
        <hashlist version="1.1">
          <hash><file>CLIPS/P015C001.mov</file><size>4</size><xxhash64be>\(Digest.xxh64("take").hex)</xxhash64be></hash>
        </hashlist>
        """.write(toFile: card + "/P015.mhl", atomically: true, encoding: .utf8)
        let sealed = try await runCatalog(["verify", card, "--seal", "--format", "csv"], environment: ["HOME": directory])
        #expect(sealed.status == 0, "\(sealed.stderr)")
        #expect(sealed.stdout.contains("CLIPS/P015C001.mov,verified,") && sealed.stdout.contains("P015.mhl,new,"), "\(sealed.stdout)")
        // ascmhl finds no file the generation leaves out, and every one it records verifies.
        try await Self.ascmhl(["diff", card])
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["ascmhl-debug", "verify", card]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        // The list is recorded as ascmhl records it: a change to it is a mismatch.
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: card + "/P015.mhl"))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("\n".utf8))
        try handle.close()
        let changed = try await runCatalog(["verify", card, "--format", "csv"], environment: ["HOME": directory])
        #expect(changed.status == 1 && changed.stdout.contains("P015.mhl,mismatched,"), "\(changed.stdout)")
    }

    /// Two names in two Unicode forms are two files to verify and seal, as ascmhl has them; but
    /// nothing is sealed while something on the card went unread (here a name that is not
    /// UTF-8): the generation would leave it out.
    @Test func aCardWithSomethingUnreadIsNotSealed() async throws {
        let (directory, card) = try Self.card("R017", ["Caf\u{E9}.mov"])
        let decomposed = (Array(card.utf8) + Array("/Cafe".utf8) + [0xCC, 0x81] + Array(".mov".utf8) + [0]).map { CChar(bitPattern: $0) }
        let fd = open(decomposed, O_CREAT | O_WRONLY, 0o644)
        #expect(fd >= 0)
        close(fd)
        let both = try await runCatalog(["verify", card, "--seal", "--format", "csv"], environment: ["HOME": directory])
        #expect(both.status == 0 && both.stderr.contains("sealed: 2 files in"), "\(both.stderr)")
        let judge = Process()
        judge.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        judge.arguments = ["ascmhl-debug", "verify", card]
        try judge.run()
        judge.waitUntilExit()
        #expect(judge.terminationStatus == 0)
        try FileManager.default.removeItem(atPath: card + "/ascmhl")
        let badName = (Array((card + "/R017C002").utf8) + [0xFF, 0]).map { CChar(bitPattern: $0) }
        let bad = open(badName, O_CREAT | O_WRONLY, 0o644)
        #expect(bad >= 0)
        close(bad)
        let sealed = try await runCatalog(["verify", card, "--seal", "--format", "csv"], environment: ["HOME": directory])
        #expect(sealed.status == 1, "\(sealed.stderr)")
        #expect(
            sealed.stderr.contains("cannot seal: 1 file or folder could not be read, and a new generation would leave it out"), "\(sealed.stderr)")
        #expect(!FileManager.default.fileExists(atPath: card + "/ascmhl"))
    }

    /// A subfolder sealed alone gets a history of its own, which does not hold a file the card's
    /// history says is damaged: nothing is written, rather than the damage as the original.
    /// Nor is anything sealed while a hash list could not be read.
    @Test func aSealNeverRecordsWhatAnotherRecordDisputes() async throws {
        let (directory, card) = try Self.card("S018", ["A001/S018C001.mov"])
        try await Self.ascmhl(["create", "-h", "xxh64", card])
        try Data("tako".utf8).write(to: URL(fileURLWithPath: card + "/A001/S018C001.mov"))
        let sealed = try await runCatalog(["verify", card + "/A001", "--seal", "--format", "csv"], environment: ["HOME": directory])
        #expect(sealed.status == 1 && sealed.stdout.contains("S018C001.mov,mismatched,"), "\(sealed.stdout)")
        #expect(sealed.stderr.contains("cannot seal: 1 file does not match its record"), "\(sealed.stderr)")
        #expect(!FileManager.default.fileExists(atPath: card + "/A001/ascmhl"))
        // An MHL 1.1 list in XXH32 (not read): nothing sealed either.
        let other = try Self.card("T019", ["T019C001.mov"]).card
        try #"<?xml version="1.0"?><hashlist version="1.1"><hash><file>T019C001.mov</file><xxhash>1234abcd</xxhash></hash></hashlist>"#.write(
            toFile: other + "/T019.mhl", atomically: true, encoding: .utf8)
        let unread = try await runCatalog(["verify", other, "--seal", "--format", "csv"], environment: ["HOME": directory])
        #expect(unread.status == 1 && unread.stderr.contains("cannot seal: 1 hash list could not be read"), "\(unread.stderr)")
        #expect(!FileManager.default.fileExists(atPath: other + "/ascmhl"))
    }

    /// Histories that cannot be listed fail verify wherever they are: one nested in the card
    /// (which every history's `ascmhl` pattern would otherwise have hidden) and one above the
    /// folder verified.
    @Test func nestedAndOuterHistoriesThatCannotBeListedFailVerify() async throws {
        let (directory, card) = try Self.card("U020", ["A001/U020C001.mov", "U020.xml"])
        try await Self.ascmhl(["create", "-h", "xxh64", card + "/A001"])
        try await Self.ascmhl(["create", "-h", "xxh64", card])
        let home = directory + "/home"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        #expect(chmod(card + "/A001/ascmhl", 0) == 0)
        let nested = try await runCatalog(["verify", card, "--format", "csv"], environment: ["HOME": home], asUser: 65534)
        chmod(card + "/A001/ascmhl", 0o755)
        #expect(nested.status == 1 && nested.stdout.contains("A001/ascmhl,unreadable,"), "\(nested.stdout)")
        #expect(chmod(card + "/ascmhl", 0) == 0)
        let outer = try await runCatalog(["verify", card + "/A001", "--format", "csv"], environment: ["HOME": home], asUser: 65534)
        chmod(card + "/ascmhl", 0o755)
        #expect(outer.status == 1 && outer.stderr.contains("could not be read"), "\(outer.stderr)")
    }

    /// A file that no longer matches the catalog's scan, on a card with no history yet, is not
    /// sealed as it is now: the seal would make the damaged content its original.
    @Test func aSealNeverTakesADamagedFileForItsOriginal() async throws {
        let (directory, card) = try Self.card("Q016", ["CLIPS/Q016C001.mov"])
        let scanned = try await runCatalog(["crawl", "local", card, "--db", directory + "/c.sqlite"])
        #expect(scanned.status == 0, "\(scanned.stderr)")
        try Data("tako".utf8).write(to: URL(fileURLWithPath: card + "/CLIPS/Q016C001.mov"))
        let sealed = try await runCatalog(["verify", card, "--seal", "--db", directory + "/c.sqlite", "--format", "csv"])
        #expect(sealed.status == 1, "\(sealed.stderr)")
        #expect(sealed.stdout.contains("CLIPS/Q016C001.mov,mismatched,"), "\(sealed.stdout)")
        #expect(sealed.stderr.contains("cannot seal: 1 file does not match its record and the history has none"), "\(sealed.stderr)")
        #expect(!FileManager.default.fileExists(atPath: card + "/ascmhl"))
    }

    /// Sealing a card whose history is in another algorithm records that algorithm again, as
    /// verified (the proof that the files were checked), beside XXH64, as ascmhl does.
    @Test(arguments: ["c4", "md5"])
    func aSealKeepsTheHistorysAlgorithm(_ algorithm: String) async throws {
        let directory = try scratchDirectory()
        let card = directory + "/M013"
        try FileManager.default.createDirectory(atPath: card + "/CLIPS", withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: card + "/CLIPS/M013C001.mov", contents: Data("take one".utf8))
        try await Self.ascmhl(["create", "-h", algorithm, card])
        let sealed = try await runCatalog(["verify", card, "--seal", "--format", "csv"], environment: ["HOME": directory])
        #expect(sealed.status == 0, "\(sealed.stderr)")
        let generation = try #require(try FileManager.default.contentsOfDirectory(atPath: card + "/ascmhl").first { $0.hasPrefix("0002_") })
        let text = try String(contentsOfFile: card + "/ascmhl/" + generation, encoding: .utf8)
        #expect(text.contains("<\(algorithm) action=\"verified\"") && text.contains("<xxh64 action=\"original\""), "\(text)")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["ascmhl-debug", "verify", card]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        // Directory hashes in the history's algorithm too, as ascmhl writes them: the root's
        // are those ascmhl computed for the same content in the first generation (with XXH64
        // alone, ascmhl-debug verify -dh -h \(algorithm) stopped on KeyError 'xxh64').
        func rootHashes(_ name: String) throws -> [String] {
            let generation = try String(contentsOfFile: card + "/ascmhl/" + name, encoding: .utf8)
            let root = generation.components(separatedBy: "<roothash>").dropFirst().first?.components(separatedBy: "</roothash>").first ?? ""
            return root.components(separatedBy: "</\(algorithm)>").dropLast().compactMap { $0.components(separatedBy: ">").last }
        }
        let first = try #require(try FileManager.default.contentsOfDirectory(atPath: card + "/ascmhl").first { $0.hasPrefix("0001_") })
        #expect(try rootHashes(first).count == 2 && rootHashes(generation) == rootHashes(first), "\(text)")
    }

    /// Runs the reference tool (`ascmhl`, which scripts/test installs from PyPI).
    static func ascmhl(_ arguments: [String]) async throws {
        let (status, output) = try await runTool(["ascmhl"] + arguments)
        #expect(status == 0, "ascmhl \(arguments) failed (scripts/test installs it: pip install ascmhl): \(output)")
    }

    /// A catalog named with --db must be there; a history that cannot be read fails the check.
    @Test func aMissingCatalogOrAnUnreadableHistoryIsAnError() async throws {
        let directory = try scratchDirectory()
        let card = directory + "/K011"
        try FileManager.default.createDirectory(atPath: card + "/ascmhl", withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: card + "/K011C001.mov", contents: Data("take".utf8))
        let missing = try await runCatalog(["verify", card, "--db", directory + "/nope.sqlite"])
        // Without the catalog named, the card is held against its hash lists alone, and that is said.
        #expect(missing.status == 1 && missing.stderr.contains("no catalog at"), "\(missing.stderr)")
        try "<ascmhldirectory><hashlist sequencenr=\"1\">".write(toFile: card + "/ascmhl/ascmhl_chain.xml", atomically: true, encoding: .utf8)
        let broken = try await runCatalog(["verify", card, "--format", "json"])
        #expect(broken.status == 1, "\(broken.stderr)")
        #expect(broken.stderr.contains("1 file: 1 new; 1 hash list could not be read, so its files were not checked against it"), "\(broken.stderr)")
        #expect(broken.stderr.contains("ascmhl_chain.xml: not well-formed XML"), "\(broken.stderr)")
        // A program reading the JSON report sees it too.
        let unusable = try JSONParser.parse(broken.stdout)["unusable_lists"]?.arrayValue ?? []
        #expect(unusable.count == 1 && unusable.first?.stringValue?.contains("not well-formed XML") == true, "\(broken.stdout)")
    }
}

/// `catalog demo --card`: the sandbox card gets the verdict its plan defines.
@Suite struct DemoCardCLITests {
    @Test func theDemoCardGetsItsVerdict() async throws {
        let directory = try scratchDirectory()
        // As the README has it: the demo first, then the demo with a card, into the same catalog.
        let first = try await runCatalog(["demo", "--db", directory + "/demo.sqlite"])
        #expect(first.status == 0, "\(first.stderr)")
        let run = try await runCatalog(["demo", "--db", directory + "/demo.sqlite", "--card", directory + "/A002_CARD"])
        #expect(run.status == 0, "\(run.stderr)")
        // The verdict where `catalog where` puts it (stderr); the table on stdout.
        #expect(run.stderr.contains(SandboxCard.expectedVerdict), "\(run.stderr)")
        #expect(run.stdout.contains("$ catalog where") && !run.stdout.contains("sandbox listening"), "\(run.stdout)")
    }
}

/// A DIT's day with a card, through the executable, with ascmhl as the judge (issue 30): offload
/// (`ascmhl create`), scan, upload, damage one clip, then `where`, `verify` and `--seal`.
@Suite struct CardDayCLITests {
    @Test func aCardDayGivesTheRightVerdictAtEveryStep() async throws {
        let directory = try scratchDirectory()
        let (db, card) = (directory + "/c.sqlite", directory + "/D001")
        let uploads = SandboxCard(files: [
            .init(path: "CLIPS/D001C001.mov", bytes: Array("first take of the day".utf8), upload: .dash(name: "D001C001.mov")),
            .init(path: "CLIPS/D001C002.mov", bytes: Array("second take of the day".utf8), upload: .dash(name: "D001C002 hero.mov")),
            .init(path: "CLIPS/.D001C003_take.mov", bytes: Array("a take the camera hid".utf8), upload: .dash(name: "D001C003.mov")),
        ])
        try uploads.write(to: card)
        // The offload records the card in XXH128 (hidden take included); Finder leaves a
        // .DS_Store afterwards, which no record names.
        try await Self.tool(["ascmhl", "create", "-h", "xxh128", card])
        FileManager.default.createFile(atPath: card + "/CLIPS/.DS_Store", contents: Data("finder".utf8))
        var dash = try DashDataset.bundledFixture()
        var v4 = FrameIOV4Dataset.fixture()
        uploads.upload(to: &dash, &v4)
        let server = SandboxServer(frameIO: FrameIODataset.generated(assets: 0, seed: 1), dash: dash, configuration: SandboxConfiguration())
        try await server.withRunning { urls in
            let crawled = try await runCatalog(
                ["crawl", "dash", "--db", db, "--quiet"], environment: ["DASH_TOKEN": "sandbox", "DASH_API_URL": urls.dash])
            #expect(crawled.status == 0, "\(crawled.stderr)")
        }
        let scanned = try await runCatalog(["crawl", "local", card, "--md5", "--db", db])
        #expect(scanned.status == 0, "\(scanned.stderr)")
        // Every file is in Dash, the hidden take the history records among them; the .DS_Store
        // left out is named, and so is where the digests came from.
        let safe = try await runCatalog(["where", card, "--db", db])
        #expect(safe.status == 0, "\(safe.stderr)")
        #expect(
            safe.stderr.contains(
                """
                3 of 3 files are in Frame.io or Dash: 3 exact; 1 hidden or system file left out (CLIPS/.DS_Store; --include-hidden checks \
                them); digests of\u{20}
                """
            ), "\(safe.stderr)")
        // A clip damaged in place: same size, same time.
        let damaged = card + "/CLIPS/D001C002.mov"
        // Its time to the nanosecond, read and put back by GNU stat and touch.
        let time = try shell("stat -c %y '\(damaged)'")
        var bytes = Array("second take of the day".utf8)
        bytes[0] ^= 0x01
        try Data(bytes).write(to: URL(fileURLWithPath: damaged))
        _ = try shell("touch -m -d '\(time)' '\(damaged)'")
        #expect(try shell("stat -c %y '\(damaged)'") == time && time.contains("."), "\(time)")
        // The digests where takes on trust say so; --rehash reads the card and finds the damage.
        let trusted = try await runCatalog(["where", card, "--db", db])
        #expect(trusted.stderr.contains("not read now (--rehash reads every file)"), "\(trusted.stderr)")
        let reread = try await runCatalog(["where", card, "--rehash", "--db", db])
        #expect(reread.status == 1, "\(reread.stderr)")
        #expect(reread.stderr.contains("2 of 3 files are in Frame.io or Dash: 2 exact; 1 missing: CLIPS/D001C002.mov"), "\(reread.stderr)")
        // verify finds it against the offload's history and the scan.
        let verified = try await runCatalog(["verify", card, "--db", db, "--format", "json"])
        #expect(verified.status == 1, "\(verified.stderr)")
        #expect(verified.stderr.contains("3 files: 2 verified, 1 mismatched"), "\(verified.stderr)")
        // The seal records the damage as failed and adds no XXH64 for the damaged clip: a later
        // ascmhl offload in XXH64 still refuses it.
        let sealed = try await runCatalog(["verify", card, "--seal", "--db", db])
        #expect(sealed.status == 1, "\(sealed.stderr)")
        #expect(sealed.stderr.contains("3 files: 2 verified, 1 mismatched") && sealed.stderr.contains("sealed: 3 files in"), "\(sealed.stderr)")
        let generation = try #require(
            try FileManager.default.contentsOfDirectory(atPath: card + "/ascmhl").filter { $0.hasPrefix("0002_") }.first)
        let text = try String(contentsOfFile: card + "/ascmhl/" + generation, encoding: .utf8)
        let clip = try #require(
            text.components(separatedBy: "<hash>").compactMap { $0.components(separatedBy: "</hash>").first }.first {
                $0.contains(">CLIPS/D001C002.mov</path>")
            })
        #expect(clip.contains("<xxh128 action=\"failed\"") && !clip.contains("<xxh64") && !clip.contains("<md5"), "\(clip)")
        #expect(!text.contains(">CLIPS/.DS_Store</path>"))
        let (again, output) = try await Self.toolStatus(["ascmhl", "create", "-h", "xxh64", card])
        #expect(again != 0, "ascmhl accepted the damaged clip after catalog's seal: \(output)")
        #expect(try await Self.toolStatus(["ascmhl-debug", "verify", card]).0 != 0)
        // Put right from the upload: verify and the seal agree, and ascmhl accepts the card.
        try Data("second take of the day".utf8).write(to: URL(fileURLWithPath: damaged))
        let mended = try await runCatalog(["verify", card, "--seal", "--db", db])
        #expect(mended.stderr.contains("3 files: 3 verified"), "\(mended.stderr)")
        let (accepted, log) = try await Self.toolStatus(["ascmhl", "create", "-h", "xxh64", card])
        #expect(accepted == 0, "\(log)")
    }

    /// verify needs no catalog: a card is held against its own hash lists (issue 30).
    @Test func verifyWorksWithoutACatalog() async throws {
        let directory = try scratchDirectory()
        let card = directory + "/E001"
        try FileManager.default.createDirectory(atPath: card, withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: card + "/E001C001.mov", contents: Data("take".utf8))
        try await Self.tool(["ascmhl", "create", "-h", "xxh64", card])
        let run = try await runCatalog(["verify", card, "--db", directory + "/none.sqlite"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("no catalog at") && run.stderr.contains("1 file: 1 verified"), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: directory + "/none.sqlite"))
        let home = try await runCatalog(["verify", card], environment: ["HOME": directory + "/home", "CATALOG_DB": ""])
        #expect(home.status == 0 && home.stderr.contains("1 file: 1 verified"), "\(home.stderr)")
    }

    /// Runs a tool from PATH (the test setup installs ascmhl), failing on a non-zero exit.
    static func tool(_ arguments: [String]) async throws {
        let (status, text) = try await toolStatus(arguments)
        #expect(status == 0, "\(arguments.joined(separator: " ")) failed: \(text)")
    }

    /// Runs a tool from PATH: its exit status and output.
    static func toolStatus(_ arguments: [String]) async throws -> (Int32, String) { try await runTool(arguments) }
}

/// What `command` prints on stdout through `/bin/sh`, less its last newline.
private func shell(_ command: String) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", command]
    let out = Pipe()
    process.standardOutput = out
    try process.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .newlines)
}

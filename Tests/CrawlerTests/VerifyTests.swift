import CatalogCore
import CatalogReports
import CatalogStore
import Crawler
import Foundation
import LocalChecks
import LocalFiles
import TestSupport
import Testing

/// `catalog verify`: a card held against the ASC MHL history `ascmhl` wrote and the catalog's scan.
@Suite struct VerifyTests {
    @Test func aCardIsHeldAgainstItsHistoryAndTheCatalog() async throws {
        let card = scratchURL.appendingPathComponent("catalog-verify-\(UUID().uuidString)/D004").path
        try FileManager.default.createDirectory(atPath: card + "/CLIPS", withIntermediateDirectories: true)
        for name in ["D004C001.mov", "D004C002.mov", "D004C003.mov"] {
            FileManager.default.createFile(atPath: card + "/CLIPS/" + name, contents: Data("take \(name)".utf8))
        }
        try await LocalCrawlTests.tool(["ascmhl", "create", "-h", "xxh64", card])
        let resolver = VolumeResolver(mounts: [], deviceAt: { _ in nil })
        let database = try CatalogDatabase(path: try temporaryDatabasePath())
        _ = try await LocalCrawler(folders: [card], database: database, options: CrawlOptions(), resolver: resolver).run()
        var clean: [FileVerification] = []
        try await Verifier(database: database, resolver: resolver).verify(card) { clean.append($0) }
        #expect(clean.map(\.status) == [.verified, .verified, .verified])
        #expect(clean.allSatisfy { $0.records == ["ascmhl", "catalog"] })
        // Damaged, lost and added since.
        try Data("take D004C00X.mov".utf8).write(to: URL(fileURLWithPath: card + "/CLIPS/D004C002.mov"))
        try FileManager.default.removeItem(atPath: card + "/CLIPS/D004C003.mov")
        FileManager.default.createFile(atPath: card + "/CLIPS/D004C004.mov", contents: Data("late take".utf8))
        var after: [FileVerification] = []
        try await Verifier(database: database, resolver: resolver).verify(card) { after.append($0) }
        #expect(after.map(\.path) == ["CLIPS/D004C001.mov", "CLIPS/D004C002.mov", "CLIPS/D004C003.mov", "CLIPS/D004C004.mov"])
        #expect(after.map(\.status) == [.verified, .mismatched, .missing, .new])
        let mismatch = try #require(after.first { $0.status == .mismatched })
        #expect(mismatch.mismatches.map(\.record) == ["ascmhl", "catalog"])
        #expect(mismatch.mismatches.allSatisfy { $0.recorded == Digest.xxh64("take D004C002.mov").hex && $0.actual == mismatch.xxh64 })
        // Without a catalog: the history alone.
        var listsOnly: [FileVerification] = []
        try await Verifier(database: nil, resolver: resolver).verify(card + "/CLIPS") { listsOnly.append($0) }
        #expect(listsOnly.map(\.path) == ["D004C001.mov", "D004C002.mov", "D004C003.mov", "D004C004.mov"])
        #expect(listsOnly.map(\.records) == [["ascmhl"], ["ascmhl"], ["ascmhl"], []])
    }

    /// A file ascmhl recorded as renamed (`create -dr` writes `<previousPath>`) is verified
    /// under its new name, and its old name is not missing; a seal then builds on it.
    @Test func aRenameAscmhlRecordedIsFollowed() async throws {
        let card = scratchURL.appendingPathComponent("catalog-verify-\(UUID().uuidString)/G007").path
        try FileManager.default.createDirectory(atPath: card + "/CLIPS", withIntermediateDirectories: true)
        for name in ["G007C001.mov", "G007C002.mov"] {
            FileManager.default.createFile(atPath: card + "/CLIPS/" + name, contents: Data("take \(name)".utf8))
        }
        try await LocalCrawlTests.tool(["ascmhl", "create", "-h", "xxh64", card])
        try FileManager.default.moveItem(atPath: card + "/CLIPS/G007C002.mov", toPath: card + "/CLIPS/G007C002_hero.mov")
        try await LocalCrawlTests.tool(["ascmhl", "create", "-dr", "-h", "xxh64", card])
        let resolver = VolumeResolver(mounts: [], deviceAt: { _ in nil })
        var found: [FileVerification] = []
        try await Verifier(database: nil, resolver: resolver).verify(card) { found.append($0) }
        #expect(found.map(\.path) == ["CLIPS/G007C001.mov", "CLIPS/G007C002_hero.mov"], "\(found)")
        #expect(found.map(\.status) == [.verified, .verified])
    }

    /// A history made with ignore patterns (`ascmhl create -i '*.tmp' -i cache`): what they
    /// leave out is not verified or sealed, the seal carries the patterns on, and ascmhl (with
    /// directory hashes) accepts it.
    @Test func ignorePatternsOfAHistoryAreHonouredAndCarriedOn() async throws {
        let card = scratchURL.appendingPathComponent("catalog-verify-\(UUID().uuidString)/H008").path
        try FileManager.default.createDirectory(atPath: card + "/CLIPS", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: card + "/cache", withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: card + "/CLIPS/H008C001.mov", contents: Data("take".utf8))
        FileManager.default.createFile(atPath: card + "/CLIPS/H008C001.tmp", contents: Data("scratch".utf8))
        FileManager.default.createFile(atPath: card + "/cache/index.bin", contents: Data("cache".utf8))
        try await LocalCrawlTests.tool(["ascmhl", "create", "-h", "xxh64", "-i", "*.tmp", "-i", "cache", card])
        try Data("scratch, changed".utf8).write(to: URL(fileURLWithPath: card + "/CLIPS/H008C001.tmp"))
        let resolver = VolumeResolver(mounts: [], deviceAt: { _ in nil })
        var found: [FileVerification] = []
        let outcome = try await Verifier(database: nil, resolver: resolver).verify(card) { found.append($0) }
        #expect(found.map(\.path) == ["CLIPS/H008C001.mov"] && found.map(\.status) == [.verified], "\(found)")
        // What the patterns left out is counted for the verdict (the .tmp and cache/index.bin).
        #expect(outcome.ignoredFiles == 2)
        var verdict = VerificationWriter(format: .ndjson) { _ in }
        for file in found { try verdict.write(file) }
        verdict.ignoredFiles = outcome.ignoredFiles
        #expect(verdict.verdict.contains("2 files left out by the history's ignore patterns"), "\(verdict.verdict)")
        let sealed = found.compactMap { file in
            file.xxh64.map { ASCMHLWriter.File(path: file.path, size: file.size ?? 0, modified: file.modified ?? Date(), xxh64: $0) }
        }
        try ASCMHLWriter.seal(sealed, folders: outcome.folders, folder: card, tool: "catalog", version: "test")
        let generation = try #require(try FileManager.default.contentsOfDirectory(atPath: card + "/ascmhl").first { $0.hasPrefix("0002_") })
        let text = try String(contentsOfFile: card + "/ascmhl/" + generation, encoding: .utf8)
        #expect(text.contains("<pattern>*.tmp</pattern>") && text.contains("<pattern>cache</pattern>"), "\(text)")
        try await LocalCrawlTests.tool(["ascmhl", "diff", card])
        try await LocalCrawlTests.tool(["ascmhl-debug", "verify", "-dh", card])
    }

    /// A link to a file is followed, as ascmhl follows it (recording the link's name with the
    /// file's digest): verified, sealed, and accepted by ascmhl. It was `missing` (exit 1), and a
    /// seal left it out, which ascmhl refused ("found new file").
    @Test func linksToFilesAreFollowedAsAscmhlFollowsThem() async throws {
        let root = scratchURL.appendingPathComponent("catalog-verify-\(UUID().uuidString)").path
        let resolver = VolumeResolver(mounts: [], deviceAt: { _ in nil })
        for (card, historyFirst) in [(root + "/J009", true), (root + "/J010", false)] {
            try FileManager.default.createDirectory(atPath: card + "/CLIPS", withIntermediateDirectories: true)
            FileManager.default.createFile(atPath: card + "/CLIPS/J009C001.mov", contents: Data("take".utf8))
            try FileManager.default.createSymbolicLink(atPath: card + "/CLIPS/HERO.mov", withDestinationPath: "J009C001.mov")
            if historyFirst { try await LocalCrawlTests.tool(["ascmhl", "create", "-h", "xxh64", card]) }
            var found: [FileVerification] = []
            let outcome = try await Verifier(database: nil, resolver: resolver).verify(card) { found.append($0) }
            #expect(found.map(\.path) == ["CLIPS/HERO.mov", "CLIPS/J009C001.mov"], "\(found)")
            #expect(found.map(\.status) == (historyFirst ? [.verified, .verified] : [.new, .new]), "\(found)")
            #expect(found.first?.xxh64 == Digest.xxh64("take").hex)
            let sealed = found.compactMap { file in
                file.xxh64.map { ASCMHLWriter.File(path: file.path, size: file.size ?? 0, modified: file.modified ?? Date(), xxh64: $0) }
            }
            try ASCMHLWriter.seal(sealed, folders: outcome.folders, folder: card, tool: "catalog", version: "test")
            try await LocalCrawlTests.tool(["ascmhl", "diff", card])
            try await LocalCrawlTests.tool(["ascmhl-debug", "verify", card])
        }
    }

    /// An MHL 1.1 list beside an ASC MHL history is a record too: when it says another digest
    /// than the file has, the file is mismatched, though the history agrees with the file.
    @Test func everyListDescribingAFileIsHeldAgainstIt() async throws {
        let card = scratchURL.appendingPathComponent("catalog-verify-\(UUID().uuidString)/K011").path
        try FileManager.default.createDirectory(atPath: card + "/CLIPS", withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: card + "/CLIPS/K011C001.mov", contents: Data("take".utf8))
        try await LocalCrawlTests.tool(["ascmhl", "create", "-h", "xxh64", card])
        try """
        <?xml version="1.0" encoding="UTF-8"?>
        <hashlist version="1.1">
          <hash><file>CLIPS/K011C001.mov</file><size>4</size><xxhash64be>1111111111111111</xxhash64be></hash>
        </hashlist>
        """.write(toFile: card + "/K011.mhl", atomically: true, encoding: .utf8)
        let resolver = VolumeResolver(mounts: [], deviceAt: { _ in nil })
        var found: [FileVerification] = []
        try await Verifier(database: nil, resolver: resolver).verify(card) { found.append($0) }
        let clip = try #require(found.first { $0.path == "CLIPS/K011C001.mov" })
        #expect(clip.status == .mismatched && clip.records == ["ascmhl", "mhl"], "\(found)")
        #expect(clip.mismatches.map(\.record) == ["mhl"] && clip.mismatches.first?.recorded == "1111111111111111")
    }

    /// ascmhl matches some patterns (`CLIP/**`) against the absolute path, so they leave nothing
    /// out and it records the files: what a history records is verified whatever its patterns
    /// say, so damage to such a file is caught.
    @Test func filesAHistoryRecordsAreVerifiedWhateverItsPatternsSay() async throws {
        let card = scratchURL.appendingPathComponent("catalog-verify-\(UUID().uuidString)/L012").path
        try FileManager.default.createDirectory(atPath: card + "/CLIP", withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: card + "/CLIP/L012C001.mov", contents: Data("take".utf8))
        try await LocalCrawlTests.tool(["ascmhl", "create", "-h", "xxh64", "-i", "CLIP/**", card])
        try Data("tako".utf8).write(to: URL(fileURLWithPath: card + "/CLIP/L012C001.mov"))
        let resolver = VolumeResolver(mounts: [], deviceAt: { _ in nil })
        var found: [FileVerification] = []
        try await Verifier(database: nil, resolver: resolver).verify(card) { found.append($0) }
        #expect(found.map(\.path) == ["CLIP/L012C001.mov"] && found.map(\.status) == [.mismatched], "\(found)")
    }

    /// A history whose chain file is gone (deleted, or a tool stopped part way) is not read as
    /// a history, and not sealed over: its generations cannot be told from files put there
    /// since.
    @Test func aHistoryWithoutItsChainIsNotUsedNorSealedOver() async throws {
        let card = scratchURL.appendingPathComponent("catalog-verify-\(UUID().uuidString)/M013").path
        try FileManager.default.createDirectory(atPath: card + "/CLIP", withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: card + "/CLIP/M013C001.mov", contents: Data("take".utf8))
        try await LocalCrawlTests.tool(["ascmhl", "create", "-h", "xxh64", card])
        try FileManager.default.removeItem(atPath: card + "/ascmhl/ascmhl_chain.xml")
        let resolver = VolumeResolver(mounts: [], deviceAt: { _ in nil })
        var found: [FileVerification] = []
        let outcome = try await Verifier(database: nil, resolver: resolver).verify(card) { found.append($0) }
        #expect(outcome.unusableLists.map(\.reason) == [HashListReader.missingChain], "\(outcome.unusableLists)")
        let sealed = found.compactMap { file in
            file.xxh64.map { ASCMHLWriter.File(path: file.path, size: file.size ?? 0, modified: file.modified ?? Date(), xxh64: $0) }
        }
        #expect { try ASCMHLWriter.seal(sealed, folder: card, tool: "catalog", version: "test") } throws: { error in
            "\(error)".contains("no ascmhl_chain.xml")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: card + "/ascmhl").count == 1)
    }

    /// A file the history names in another Unicode form than the disk's (decomposed `Café`,
    /// renamed precomposed) is the same file to catalog; the seal records the rename
    /// (`previousPath`) so ascmhl, which tells the two apart, follows it.
    @Test func aNameInAnotherUnicodeFormIsSealedAsARename() async throws {
        let card = scratchURL.appendingPathComponent("catalog-verify-\(UUID().uuidString)/N014").path
        try FileManager.default.createDirectory(atPath: card + "/CLIP", withIntermediateDirectories: true)
        let decomposed = card + "/CLIP/Cafe\u{301}.mov"
        FileManager.default.createFile(atPath: decomposed, contents: Data("take".utf8))
        try await LocalCrawlTests.tool(["ascmhl", "create", "-h", "xxh64", card])
        #expect(rename(decomposed, card + "/CLIP/Caf\u{E9}.mov") == 0)
        let resolver = VolumeResolver(mounts: [], deviceAt: { _ in nil })
        var found: [FileVerification] = []
        let outcome = try await Verifier(database: nil, resolver: resolver).verify(card) { found.append($0) }
        #expect(found.map(\.status) == [.verified], "\(found)")
        let sealed = found.compactMap { file in
            file.xxh64.map { ASCMHLWriter.File(path: file.path, size: file.size ?? 0, modified: file.modified ?? Date(), xxh64: $0) }
        }
        try ASCMHLWriter.seal(sealed, folders: outcome.folders, folder: card, tool: "catalog", version: "test")
        try await LocalCrawlTests.tool(["ascmhl", "diff", card])
        try await LocalCrawlTests.tool(["ascmhl-debug", "verify", card])
    }

    /// Histories in every algorithm ascmhl writes (not only XXH64) are verified in that algorithm;
    /// a changed file's digest is the one ascmhl gives the new content.
    @Test(arguments: ["md5", "sha1", "xxh3", "xxh128", "c4"])
    func historiesInEachAlgorithmAreVerified(_ algorithm: String) async throws {
        let root = scratchURL.appendingPathComponent("catalog-verify-\(algorithm)-\(UUID().uuidString)").path
        let card = root + "/F006"
        try FileManager.default.createDirectory(atPath: card + "/CLIPS", withIntermediateDirectories: true)
        // A file larger than one read, so the digests are fed in several chunks.
        var large = Data(count: ContentHasher.chunkSize * 2 + 77)
        for i in large.indices { large[i] = UInt8(truncatingIfNeeded: i &* 31 &+ i >> 9) }
        FileManager.default.createFile(atPath: card + "/CLIPS/F006C001.mov", contents: large)
        FileManager.default.createFile(atPath: card + "/CLIPS/F006C002.mov", contents: Data("second take".utf8))
        try await LocalCrawlTests.tool(["ascmhl", "create", "-h", algorithm, card])
        let resolver = VolumeResolver(mounts: [], deviceAt: { _ in nil })
        var clean: [FileVerification] = []
        try await Verifier(database: nil, resolver: resolver).verify(card) { clean.append($0) }
        #expect(clean.map(\.status) == [.verified, .verified], "\(clean)")
        #expect(clean.allSatisfy { $0.records == ["ascmhl"] })
        // The changed file's new digest, as ascmhl computes it in a folder of its own.
        try Data("second take, altered".utf8).write(to: URL(fileURLWithPath: card + "/CLIPS/F006C002.mov"))
        let reference = root + "/reference"
        try FileManager.default.createDirectory(atPath: reference, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: card + "/CLIPS/F006C002.mov", toPath: reference + "/F006C002.mov")
        try await LocalCrawlTests.tool(["ascmhl", "create", "-h", algorithm, reference])
        let expected = try #require(try HashListReader.ascMHL(folder: reference)["F006C002.mov"]?.hashes[algorithm])
        var after: [FileVerification] = []
        try await Verifier(database: nil, resolver: resolver).verify(card) { after.append($0) }
        #expect(after.map(\.status) == [.verified, .mismatched])
        let mismatch = try #require(after.last?.mismatches.first)
        #expect(mismatch.algorithm == algorithm && mismatch.actual == expected && mismatch.recorded != expected)
    }

    /// A history that cannot be read (a generation cut short, one the chain names gone) is
    /// returned as a problem, never passed over: the files it describes were not checked.
    /// Hidden files it records are verified, though hidden files are otherwise left out.
    @Test func anUnreadableHistoryIsReportedAndHiddenFilesOnRecordAreVerified() async throws {
        let card = scratchURL.appendingPathComponent("catalog-broken-\(UUID().uuidString)/J010").path
        try FileManager.default.createDirectory(atPath: card + "/CLIPS", withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: card + "/CLIPS/J010C001.mov", contents: Data("take".utf8))
        FileManager.default.createFile(atPath: card + "/CLIPS/._J010C001.mov", contents: Data("resource fork".utf8))
        try await LocalCrawlTests.tool(["ascmhl", "create", "-h", "xxh128", card])
        FileManager.default.createFile(atPath: card + "/.DS_Store", contents: Data("finder".utf8))
        let resolver = VolumeResolver(mounts: [], deviceAt: { _ in nil })
        var clean: [FileVerification] = []
        let none = try await Verifier(database: nil, resolver: resolver).verify(card) { clean.append($0) }.unusableLists
        #expect(none.isEmpty)
        #expect(clean.map(\.path) == ["CLIPS/._J010C001.mov", "CLIPS/J010C001.mov"] && clean.allSatisfy { $0.status == .verified })
        let generation = try #require(try FileManager.default.contentsOfDirectory(atPath: card + "/ascmhl").first { $0.hasSuffix(".mhl") })
        let text = try Data(contentsOf: URL(fileURLWithPath: card + "/ascmhl/" + generation))
        try text.prefix(text.count / 2).write(to: URL(fileURLWithPath: card + "/ascmhl/" + generation))
        var cut: [FileVerification] = []
        let problems = try await Verifier(database: nil, resolver: resolver).verify(card) { cut.append($0) }.unusableLists
        #expect(problems.count == 1 && problems.first?.file.hasSuffix(generation) == true, "\(problems)")
        #expect(cut.map(\.status) == [.new])  // only the clip: the hidden file is on no readable record
        try FileManager.default.removeItem(atPath: card + "/ascmhl/" + generation)
        let gone = try await Verifier(database: nil, resolver: resolver).verify(card) { _ in }.unusableLists
        #expect(gone.count == 1 && gone.first?.reason.contains("cannot be read") == true, "\(gone)")
    }

    /// `--seal` writes generations the reference tool accepts: `ascmhl-debug verify` passes on a
    /// card catalog sealed (a name with XML's special characters, a hidden file), `ascmhl create`
    /// builds on it, and a file changed since fails ascmhl's verification.
    @Test func ascmhlVerifiesWhatASealWrote() async throws {
        let card = scratchURL.appendingPathComponent("catalog-seal-\(UUID().uuidString)/E005").path
        try FileManager.default.createDirectory(atPath: card + "/CLIPS", withIntermediateDirectories: true)
        let files = ["CLIPS/E005C001.mov": "first take", "CLIPS/E005 & <2>.mov": "second \"take\"", ".hidden": "h"]
        for (path, text) in files { FileManager.default.createFile(atPath: card + "/" + path, contents: Data(text.utf8)) }
        let (sealed, folders) = try Self.sealing(files, in: card)
        let first = try ASCMHLWriter.seal(sealed, folders: folders, folder: card, tool: "catalog", version: "test")
        #expect(first.count == 1 && first[0].folder == "" && first[0].files == 3)
        #expect(first[0].name.hasPrefix("0001_E005_") && first[0].name.hasSuffix("Z.mhl"))
        let (status, output) = try await LocalCrawlTests.toolStatus(["ascmhl-debug", "verify", card])
        #expect(status == 0, "\(output)")
        try await LocalCrawlTests.tool(["ascmhl", "create", "-h", "xxh64", card])
        #expect(try HashListReader.ascMHL(folder: card)["CLIPS/E005 & <2>.mov"]?.hashes["xxh64"] == Digest.xxh64("second \"take\"").hex)
        let again = try ASCMHLWriter.seal(sealed, folders: folders, folder: card, tool: "catalog", version: "test")
        #expect(again.map(\.name).allSatisfy { $0.hasPrefix("0003_E005_") })
        #expect(try await LocalCrawlTests.toolStatus(["ascmhl-debug", "verify", card]).0 == 0)
        try Data("changed".utf8).write(to: URL(fileURLWithPath: card + "/CLIPS/E005C001.mov"))
        #expect(try await LocalCrawlTests.toolStatus(["ascmhl-debug", "verify", card]).0 != 0)
    }

    /// A card whose clip folder ascmhl sealed alone: the seal gives that folder's history its own
    /// generation, and the card's names it by reference instead of listing its files, as ascmhl
    /// does; ascmhl verifies both, and catches a clip changed since through the reference. The
    /// directory hashes (an empty folder among them) are ascmhl's, and `verify -dh` checks them.
    @Test func nestedHistoriesAreSealedByReference() async throws {
        let card = scratchURL.appendingPathComponent("catalog-nested-\(UUID().uuidString)/G007").path
        let files = ["CLIPS/G007C001.mov": "first take", "CLIPS/G007C002.mov": "second take", "SOUND/G007S001.wav": "room tone"]
        for (path, text) in files {
            try FileManager.default.createDirectory(
                atPath: (card + "/" + path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            FileManager.default.createFile(atPath: card + "/" + path, contents: Data(text.utf8))
        }
        try FileManager.default.createDirectory(atPath: card + "/SOUND/EMPTY", withIntermediateDirectories: true)
        try await LocalCrawlTests.tool(["ascmhl", "create", "-h", "xxh64", card + "/CLIPS"])
        // The directory hashes ascmhl gives the same tree, in a copy without histories.
        let copy = (card as NSString).deletingLastPathComponent + "/copy"
        try FileManager.default.copyItem(atPath: card, toPath: copy)
        try FileManager.default.removeItem(atPath: copy + "/CLIPS/ascmhl")
        try await LocalCrawlTests.tool(["ascmhl", "create", "-h", "xxh64", copy])
        let reference = try Self.rootHash(in: copy)
        let (sealed, folders) = try Self.sealing(files, in: card)
        let generations = try ASCMHLWriter.seal(sealed, folders: folders, folder: card, tool: "catalog", version: "test")
        #expect(generations.map(\.folder) == ["CLIPS", ""])
        #expect(generations.map(\.files) == [2, 1])
        #expect(generations[0].name.hasPrefix("0002_CLIPS_") && generations[1].name.hasPrefix("0001_G007_"))
        // The card's generation lists its own file and names the clips' generation.
        let cardGeneration = try String(contentsOfFile: card + "/" + generations[1].path, encoding: .utf8)
        #expect(cardGeneration.contains(">SOUND/G007S001.wav</path>") && !cardGeneration.contains("G007C001"))
        let clipsGeneration = try Data(contentsOf: URL(fileURLWithPath: card + "/" + generations[0].path))
        #expect(cardGeneration.contains("<path>\(generations[0].path)</path>"))
        #expect(cardGeneration.contains("<c4>\(ASCMHLWriter.c4(of: clipsGeneration))</c4>"))
        #expect(try HashListReader.ascMHL(folder: card + "/CLIPS")["G007C002.mov"]?.hashes["xxh64"] == Digest.xxh64("second take").hex)
        let (status, output) = try await LocalCrawlTests.toolStatus(["ascmhl-debug", "verify", card])
        #expect(status == 0, "\(output)")
        // Directory hashes: the root's (content and structure) as ascmhl's, and ascmhl checks them all.
        #expect(try Self.rootHash(in: card, generation: generations[1].name) == reference)
        let (directories, listing) = try await LocalCrawlTests.toolStatus(["ascmhl-debug", "verify", "-dh", card])
        #expect(directories == 0, "\(listing)")
        try Data("altered".utf8).write(to: URL(fileURLWithPath: card + "/CLIPS/G007C002.mov"))
        #expect(try await LocalCrawlTests.toolStatus(["ascmhl-debug", "verify", card]).0 != 0)
        #expect(try await LocalCrawlTests.toolStatus(["ascmhl-debug", "verify", "-dh", card]).0 != 0)
    }

    /// Two files whose names are one text in two Unicode forms (NFC and NFD `Café.mov`), with
    /// other content, both recorded by ascmhl: each is held against its own record (issue 30,
    /// defect 2: the NFD one was `mismatched` against the NFC one's).
    @Test func namesInTwoUnicodeFormsAreEachHeldAgainstTheirOwnRecord() async throws {
        let card = scratchURL.appendingPathComponent("catalog-verify-\(UUID().uuidString)/K011").path
        try FileManager.default.createDirectory(atPath: card, withIntermediateDirectories: true)
        let (nfc, nfd) = ("Caf\u{E9}.mov", "Cafe\u{301}.mov")
        #expect(nfc == nfd && Array(nfc.utf8) != Array(nfd.utf8))
        FileManager.default.createFile(atPath: card + "/" + nfc, contents: Data("precomposed take".utf8))
        FileManager.default.createFile(atPath: card + "/" + nfd, contents: Data("decomposed take".utf8))
        try await LocalCrawlTests.tool(["ascmhl", "create", "-h", "xxh64", card])
        #expect(try await LocalCrawlTests.toolStatus(["ascmhl-debug", "verify", card]).0 == 0)
        var found: [FileVerification] = []
        try await Verifier(database: nil, resolver: VolumeResolver(mounts: [], deviceAt: { _ in nil })).verify(card) { found.append($0) }
        #expect(found.count == 2 && found.map(\.status) == [.verified, .verified], "\(found)")
        #expect(Set(found.map { Array($0.path.utf8) }) == [Array(nfc.utf8), Array(nfd.utf8)])
        // One of them damaged: only that one is mismatched.
        try Data("decomposed TAKE".utf8).write(to: URL(fileURLWithPath: card + "/" + nfd))
        var after: [FileVerification] = []
        try await Verifier(database: nil, resolver: VolumeResolver(mounts: [], deviceAt: { _ in nil })).verify(card) { after.append($0) }
        let statuses = Dictionary(uniqueKeysWithValues: after.map { (ExactPath($0.path), $0.status) })
        #expect(statuses == [ExactPath(nfc): .verified, ExactPath(nfd): .mismatched], "\(after)")
    }

    /// `ascmhl flatten` writes a packing list (an ASC MHL document, `.mhl`) outside any history:
    /// verify holds the card against it (issue 30, defect 6: it was passed over, "2 new").
    @Test func aFlattenedPackingListIsRead() async throws {
        let root = scratchURL.appendingPathComponent("catalog-verify-\(UUID().uuidString)").path
        let (offload, card) = (root + "/OFFLOAD", root + "/L012")
        try FileManager.default.createDirectory(atPath: offload + "/CLIPS", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: card, withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: offload + "/CLIPS/L012C001.mov", contents: Data("first take".utf8))
        FileManager.default.createFile(atPath: offload + "/L012_01.wav", contents: Data("sound".utf8))
        try await LocalCrawlTests.tool(["ascmhl", "create", "-h", "xxh64", "-h", "md5", offload])
        try await LocalCrawlTests.tool(["ascmhl", "flatten", offload, card])
        // The packing list beside a copy of the files, without their history.
        try FileManager.default.createDirectory(atPath: card + "/CLIPS", withIntermediateDirectories: true)
        try Data("first take".utf8).write(to: URL(fileURLWithPath: card + "/CLIPS/L012C001.mov"))
        try Data("SOUND".utf8).write(to: URL(fileURLWithPath: card + "/L012_01.wav"))
        let list = try #require(try FileManager.default.contentsOfDirectory(atPath: card).first { $0.hasSuffix(".mhl") })
        var found: [FileVerification] = []
        let outcome = try await Verifier(database: nil, resolver: VolumeResolver(mounts: [], deviceAt: { _ in nil })).verify(card) {
            found.append($0)
        }
        #expect(outcome.unusableLists.isEmpty, "\(outcome.unusableLists)")
        let byPath = Dictionary(uniqueKeysWithValues: found.map { ($0.path, $0) })
        #expect(byPath["CLIPS/L012C001.mov"]?.status == .verified && byPath["CLIPS/L012C001.mov"]?.records == ["mhl"], "\(found)")
        #expect(byPath["L012_01.wav"]?.status == .mismatched)
        #expect(Set(byPath["L012_01.wav"]?.mismatches.map(\.algorithm) ?? []) == ["xxh64", "md5"])
        // The packing list is a file of the card like any other (ascmhl records it).
        #expect(byPath[list]?.status == .new)
    }

    /// What a seal of `card` records, as `catalog verify` gives it: its files (path → content,
    /// hashed here with their size and time from the disk) and every folder under it but the
    /// histories.
    static func sealing(_ files: [String: String], in card: String) throws -> (files: [ASCMHLWriter.File], folders: [ASCMHLWriter.Folder]) {
        let sealed = try files.map { path, text in
            let attributes = try FileManager.default.attributesOfItem(atPath: card + "/" + path)
            return ASCMHLWriter.File(
                path: path, size: Int64(text.utf8.count), modified: attributes[.modificationDate] as? Date ?? Date(),
                xxh64: Digest.xxh64(text).hex)
        }
        var folders: [ASCMHLWriter.Folder] = []
        for path in try FileManager.default.subpathsOfDirectory(atPath: card).sorted()
        where !HashListReader.isHashList(path + "/") && !path.hasSuffix("ascmhl") {
            let attributes = try FileManager.default.attributesOfItem(atPath: card + "/" + path)
            guard attributes[.type] as? FileAttributeType == .typeDirectory else { continue }
            folders.append(ASCMHLWriter.Folder(path: path, modified: attributes[.modificationDate] as? Date))
        }
        return (sealed, folders)
    }

    /// The `<roothash>` content and structure values of a generation in `folder`'s history (the
    /// first when none is named).
    static func rootHash(in folder: String, generation: String? = nil) throws -> [String] {
        let names = try FileManager.default.contentsOfDirectory(atPath: folder + "/ascmhl").filter { $0.hasSuffix(".mhl") }.sorted()
        let name = try #require(generation ?? names.first)
        let text = try String(contentsOfFile: folder + "/ascmhl/" + name, encoding: .utf8)
        let root = try #require(text.components(separatedBy: "<roothash>").dropFirst().first?.components(separatedBy: "</roothash>").first)
        let values = root.components(separatedBy: "</xxh64>").dropLast().compactMap { $0.components(separatedBy: ">").last }
        #expect(values.count == 2, "\(root)")
        return values
    }

    /// The C4 id of nothing, as the C4 specification gives it (SHA-512 in base 58).
    @Test func c4IdsAreBase58OfSHA512() {
        #expect(
            ASCMHLWriter.c4(of: Data())
                == "c459dsjfscH38cYeXXYogktxf4Cd9ibshE3BHUo6a58hBXmRQdZrAkZzsWcbWtDg5oQstpDuni4Hirj75GEmTc1sFT")
    }
}

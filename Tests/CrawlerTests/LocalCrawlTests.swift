import CatalogCore
import CatalogStore
import Crawler
import Crypto
import Foundation
import LocalFiles
import TestSupport
import Testing

/// `catalog crawl local`: what a scan catalogues, what a second scan reuses, and what it changes.
@Suite struct LocalCrawlTests {
    /// A card: `DCIM/A001` with three clips of known bytes, a hidden file and a link.
    static func makeCard() throws -> String {
        let root = scratchURL.appendingPathComponent("catalog-card-\(UUID().uuidString)/A001_CARD").path
        try FileManager.default.createDirectory(atPath: root + "/DCIM/A001", withIntermediateDirectories: true)
        for (i, size) in [1000, 5_000_000, 3].enumerated() {
            FileManager.default.createFile(
                atPath: root + "/DCIM/A001/A001C00\(i + 1).mov", contents: Data((0..<size).map { UInt8(truncatingIfNeeded: $0 * (i + 3)) }))
        }
        FileManager.default.createFile(atPath: root + "/.DS_Store", contents: Data([1, 2]))
        try FileManager.default.createSymbolicLink(atPath: root + "/DCIM/latest", withDestinationPath: root + "/DCIM/A001")
        return root
    }

    static func crawl(_ folders: [String], _ database: CatalogDatabase, md5: Bool = false, rehash: Bool = false) async throws -> CrawlReport {
        try await LocalCrawler(
            folders: folders, database: database, options: CrawlOptions(), scan: LocalScanOptions(md5: md5, rehash: rehash, hashers: 2),
            resolver: VolumeResolver(mounts: [], deviceAt: { _ in nil })
        ).run()
    }

    @Test func aScanCataloguesEveryFileWithItsDigestsAndASecondReusesThem() async throws {
        let card = try Self.makeCard()
        let database = try CatalogDatabase(path: try temporaryDatabasePath())
        let first = try await Self.crawl([card], database, md5: true)
        let local = try #require(first.local)
        #expect(local.files == 3 && local.folders == 2 && local.volumes == 1 && local.bytes == 5_001_003)
        #expect(local.hashed == 3 && local.hashedBytes == 5_001_003 && local.reused == 0 && local.hidden == 1 && local.special == 1)
        #expect(first.stats.changes.added == 6)  // the volume, DCIM, A001 and three clips
        let clip = try #require(try database.items(path: "A001_CARD/DCIM/A001/A001C001.mov", source: .local).first)
        let bytes = Data((0..<1000).map { UInt8(truncatingIfNeeded: $0 * 3) })
        #expect(clip.xxh64 == Digest.xxh64(bytes).hex)
        #expect(clip.md5 == "\(try md5sum(card + "/DCIM/A001/A001C001.mov"))")
        #expect(clip.id == "path:\(card)/DCIM/A001/A001C001.mov" && clip.projectID == "path:\(card)" && clip.size == 1000)
        let second = try await Self.crawl([card], database)
        #expect(second.local?.hashed == 0 && second.local?.reused == 3)
        #expect(second.stats.changes.unchanged == 6 && second.stats.changes.added == 0)
        // MD5 was kept though this scan did not ask for it.
        #expect(try database.items(path: "A001_CARD/DCIM/A001/A001C001.mov", source: .local).first?.md5 == clip.md5)
        let forced = try await Self.crawl([card], database, rehash: true)
        #expect(forced.local?.hashed == 3 && forced.local?.reused == 0)
    }

    @Test func changedDeletedAndRenamedFilesAreChangesAndOnlyChangedBytesAreRead() async throws {
        let card = try Self.makeCard()
        let database = try CatalogDatabase(path: try temporaryDatabasePath())
        _ = try await Self.crawl([card], database)
        let clips = card + "/DCIM/A001/"
        try Data("new take".utf8).write(to: URL(fileURLWithPath: clips + "A001C003.mov"))
        try FileManager.default.removeItem(atPath: clips + "A001C001.mov")
        try FileManager.default.moveItem(atPath: clips + "A001C002.mov", toPath: clips + "A001C002_renamed.mov")
        let report = try await Self.crawl([card], database)
        // Only the rewritten clip is read: the renamed one keeps its digests (same inode, size, time).
        #expect(report.local?.hashed == 1 && report.local?.hashedBytes == 8 && report.local?.reused == 1)
        #expect(report.stats.changes.changed >= 1)  // the clip (and its folder, whose time moved)
        #expect(report.stats.changes.deleted == 2 && report.stats.changes.added == 1)
        let renamed = try #require(try database.items(path: "A001_CARD/DCIM/A001/A001C002_renamed.mov", source: .local).first)
        #expect(renamed.xxh64 == Digest.xxh64(Data((0..<5_000_000).map { UInt8(truncatingIfNeeded: $0 * 4) })).hex)
        #expect(try database.items(path: "A001_CARD/DCIM/A001/A001C003.mov", source: .local).first?.xxh64 == Digest.xxh64("new take").hex)
    }

    /// A scan replaces only what is under the folders it read: other volumes, and the rest of
    /// the same volume, stay as they were.
    @Test func aScanLeavesOtherVolumesAndFoldersAlone() async throws {
        let card = try Self.makeCard()
        let other = try Self.makeCard()
        let database = try CatalogDatabase(path: try temporaryDatabasePath())
        _ = try await Self.crawl([card], database)
        _ = try await Self.crawl([other], database)
        #expect(try database.itemCount(source: .local) == 12)
        // A subfolder of a volume scanned before: the same volume; nothing outside it is touched.
        try FileManager.default.createDirectory(atPath: card + "/DCIM/A002", withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: card + "/DCIM/A002/A002C001.mov", contents: Data([9]))
        try FileManager.default.removeItem(atPath: card + "/DCIM/A001/A001C001.mov")
        let report = try await Self.crawl([card + "/DCIM/A002"], database)
        #expect(report.stats.changes.added == 2 && report.stats.changes.deleted == 0)
        let added = "path:\(card)/DCIM/A002/A002C001.mov"
        #expect(try database.items(source: .local, ids: [added])[added]?.projectID == "path:\(card)")
        let kept = "path:\(card)/DCIM/A001/A001C001.mov"
        #expect(try database.items(source: .local, ids: [kept])[kept] != nil)
        #expect(try database.itemCount(source: .local) == 14)
    }

    @Test func aPathThatIsNotAFolderFailsBeforeTheCatalogIsTouched() async throws {
        let database = try CatalogDatabase(path: try temporaryDatabasePath())
        await #expect(throws: LocalScanError.self) { try await Self.crawl(["/no/such/card"], database) }
        #expect(try database.crawls().isEmpty)
    }

    /// A card whose offload left an ASC MHL history (made by the reference tool, XXH64 then MD5):
    /// the files it describes as they are take its digests unread; a file touched since is read.
    @Test func filesAnASCMHLHistoryDescribesAreNotRead() async throws {
        let card = scratchURL.appendingPathComponent("catalog-mhl-\(UUID().uuidString)/B002").path
        try FileManager.default.createDirectory(atPath: card + "/CLIPS", withIntermediateDirectories: true)
        let clips = (1...3).map { i in Data((0..<(700 * i)).map { UInt8(truncatingIfNeeded: $0 &* (i + 7)) }) }
        for (i, bytes) in clips.enumerated() { FileManager.default.createFile(atPath: card + "/CLIPS/B002C00\(i + 1).mov", contents: bytes) }
        for format in ["xxh64", "md5"] { try await Self.tool(["ascmhl", "create", "-h", format, card]) }
        let report = try await Self.crawl([card], try CatalogDatabase(path: try temporaryDatabasePath()), md5: true)
        // The three clips from the history; the history's own three files (chain, two generations) read.
        #expect(report.local?.fromHashLists == 3 && report.local?.hashed == 3, "\(String(describing: report.local))")
        // Touched since the offload: its time no longer matches, so it is read.
        var times = [timespec(tv_sec: 1_700_000_000, tv_nsec: 0), timespec(tv_sec: 1_700_000_000, tv_nsec: 0)]
        #expect(utimensat(AT_FDCWD, card + "/CLIPS/B002C002.mov", &times, 0) == 0)
        let database = try CatalogDatabase(path: try temporaryDatabasePath())
        let again = try await Self.crawl([card], database, md5: true)
        #expect(again.local?.fromHashLists == 2 && again.local?.hashed == 4)
        for (i, bytes) in clips.enumerated() {
            let item = try #require(try database.items(path: "B002/CLIPS/B002C00\(i + 1).mov", source: .local).first)
            #expect(item.xxh64 == Digest.xxh64(bytes).hex && item.md5 == Digest.hex(bytes: Insecure.MD5.hash(data: bytes)))
        }
    }

    /// Nested histories: ascmhl sealed the clip folder alone, then the card, whose generation names
    /// the clips' by reference instead of listing them. Every file still takes its list's digests,
    /// from the history nearest to it, whether the card or only the clip folder is scanned.
    @Test func nestedHistoriesDescribeTheirOwnFolders() async throws {
        let card = scratchURL.appendingPathComponent("catalog-nested-\(UUID().uuidString)/H008").path
        try FileManager.default.createDirectory(atPath: card + "/CLIPS", withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: card + "/CLIPS/H008C001.mov", contents: Data("first take".utf8))
        FileManager.default.createFile(atPath: card + "/CLIPS/H008C002.mov", contents: Data("second take".utf8))
        FileManager.default.createFile(atPath: card + "/H008.xml", contents: Data("<clip/>".utf8))
        try await Self.tool(["ascmhl", "create", "-h", "xxh64", card + "/CLIPS"])
        try await Self.tool(["ascmhl", "create", "-h", "xxh64", card])
        let cardGeneration = try #require(
            try FileManager.default.contentsOfDirectory(atPath: card + "/ascmhl").first { $0.hasPrefix("0001_") })
        #expect(try String(contentsOfFile: card + "/ascmhl/" + cardGeneration, encoding: .utf8).contains("<hashlistreference>"))
        let whole = try await Self.crawl([card], try CatalogDatabase(path: try temporaryDatabasePath()))
        #expect(whole.local?.fromHashLists == 3, "\(String(describing: whole.local))")
        let clips = try await Self.crawl([card + "/CLIPS"], try CatalogDatabase(path: try temporaryDatabasePath()))
        #expect(clips.local?.fromHashLists == 2, "\(String(describing: clips.local))")
    }

    /// Runs a tool from PATH (the test setup installs `ascmhl` from PyPI), failing on a non-zero exit.
    static func tool(_ arguments: [String]) async throws {
        let (status, text) = try await toolStatus(arguments)
        #expect(status == 0, "\(arguments.joined(separator: " ")) failed (scripts/test installs ascmhl: pip install ascmhl): \(text)")
    }

    /// Runs a tool from PATH: its exit status and output.
    static func toolStatus(_ arguments: [String]) async throws -> (Int32, String) { try await runTool(arguments) }

    /// MD5 as coreutils computes it, an implementation independent of the one under test.
    func md5sum(_ path: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/md5sum")
        process.arguments = [path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: output, as: UTF8.self).split(separator: " ").first.map(String.init) ?? ""
    }
}

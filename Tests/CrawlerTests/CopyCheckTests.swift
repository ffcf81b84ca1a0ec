import CatalogCore
import CatalogReports
import CatalogStore
import Crawler
import Crypto
import Foundation
import LocalFiles
import TestSupport
import Testing

/// `catalog where`: exact, probable, pending and missing copies of a card's files.
@Suite struct CopyCheckTests {
    static func file(_ source: Source, _ id: String, name: String, size: Int64, xxh64: String? = nil, md5: String? = nil) -> CatalogItem {
        CatalogItem(
            source: source, id: id, kind: source == .dash ? .asset : .file, name: name, parentID: "p", projectID: "p", path: "Project/\(name)",
            size: size, xxh64: xxh64, md5: md5, record: #"{"id":"\#(id)"}"#)
    }

    static func catalogue(_ items: [CatalogItem], source: Source, api: ServiceAPI, in database: CatalogDatabase) async throws {
        let crawl = try database.beginCrawl(source: source, api: api)
        try await database.stage(items, in: crawl)
        try await database.complete(crawl, stats: CrawlStats())
    }

    /// A card of five clips: one uploaded to Frame.io v2, one to Dash, one whose upload's
    /// checksum is still being computed, one uploaded and then altered on the card, one never uploaded.
    @Test func eachFileOfACardGetsTheVerdictItsCopiesGive() async throws {
        let card = FileManager.default.temporaryDirectory.appendingPathComponent("catalog-where-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: card + "/CLIPS", withIntermediateDirectories: true)
        let clips = (1...5).map { i in (name: "A001C00\(i).mov", bytes: Data((0..<(1000 * i)).map { UInt8(truncatingIfNeeded: $0 &* i) })) }
        for clip in clips { FileManager.default.createFile(atPath: card + "/CLIPS/" + clip.name, contents: clip.bytes) }
        let database = try CatalogDatabase(path: try temporaryDatabasePath())
        let altered = Data("what was uploaded".utf8)
        try await Self.catalogue(
            [
                Self.file(.frameio, "f1", name: "A001C001.mov", size: 1000, xxh64: Digest.xxh64(clips[0].bytes).hex),
                Self.file(.frameio, "f3", name: "a001c003.MOV", size: 3000),
                Self.file(.frameio, "f4", name: "A001C004.mov", size: 4000, xxh64: Digest.xxh64(altered).hex),
            ], source: .frameio, api: .v2, in: database)
        try await Self.catalogue(
            [Self.file(.dash, "d2", name: "renamed in Dash.mov", size: 2000, md5: Digest.hex(bytes: Insecure.MD5.hash(data: clips[1].bytes)))],
            source: .dash, api: .v2, in: database)
        var checks: [CopyCheck] = []
        try await CopyChecker(database: database, resolver: VolumeResolver(mounts: [], deviceAt: { _ in nil })).check(card) { checks.append($0) }
        #expect(checks.map(\.path) == clips.map { "CLIPS/" + $0.name })
        #expect(checks.map(CopyCheckWriter.status) == ["exact", "exact", "pending", "missing", "missing"])
        #expect(checks[0].copies.map(\.item.id) == ["f1"] && checks[1].copies.map(\.item.id) == ["d2"])
        #expect(checks[2].copies.map(\.item.id) == ["f3"])
        // The clip altered after its upload: no copy, but Frame.io's file of its name and size
        // is named as one that differs; the one never uploaded has nothing.
        #expect(checks[3].copies.map(\.match) == [.differs] && checks[4].copies.isEmpty)
        var totals = CopyCheckTotals()
        var lines: [UInt8] = []
        var writer = CopyCheckWriter(format: .csv) { lines += $0 }
        try writer.begin()
        for check in checks { try writer.write(check) }
        totals = writer.totals
        #expect(totals.exact == 2 && totals.pending == 1 && totals.missing == 2 && !totals.allSafe(acceptingProbable: true))
        #expect(
            CopyCheckWriter.verdict(totals)
                == "2 of 5 files are in Frame.io or Dash: 2 exact; 1 pending (uploaded, checksum not yet computed): CLIPS/A001C003.mov; 2 missing: CLIPS/A001C004.mov (its Frame.io copy differs), CLIPS/A001C005.mov"
        )
        #expect(String(decoding: lines, as: UTF8.self).split(whereSeparator: \.isNewline).count == 6)
        // The same catalogue read through Frame.io V4 (no checksums): name and size are a probable copy.
        let v4 = try CatalogDatabase(path: try temporaryDatabasePath())
        try await Self.catalogue([Self.file(.frameio, "v4-5", name: "A001C005.mov", size: 5000)], source: .frameio, api: .v4, in: v4)
        var fromV4: [CopyCheck] = []
        try await CopyChecker(database: v4, resolver: VolumeResolver(mounts: [], deviceAt: { _ in nil })).check(card + "/CLIPS/A001C005.mov") {
            fromV4.append($0)
        }
        #expect(fromV4.map(CopyCheckWriter.status) == ["probable"] && fromV4.first?.path == "A001C005.mov")
    }

    /// Digests from the card's ASC MHL history (made by `ascmhl`) answer without reading: a clip
    /// rewritten since with the same size and time still matches what the offload hashed, until
    /// `--rehash` reads it.
    @Test func anASCMHLHistoryAnswersUntilRehashReadsTheFiles() async throws {
        let card = FileManager.default.temporaryDirectory.appendingPathComponent("catalog-where-mhl-\(UUID().uuidString)/C003").path
        try FileManager.default.createDirectory(atPath: card, withIntermediateDirectories: true)
        let original = Data("offloaded take".utf8)
        FileManager.default.createFile(atPath: card + "/C003C001.mov", contents: original)
        try LocalCrawlTests.tool(["ascmhl", "create", "-h", "xxh64", card])
        var info = stat()
        #expect(stat(card + "/C003C001.mov", &info) == 0)
        try Data("OFFLOADED TAKE".utf8).write(to: URL(fileURLWithPath: card + "/C003C001.mov"))
        var times = [info.st_atim, info.st_mtim]
        #expect(utimensat(AT_FDCWD, card + "/C003C001.mov", &times, 0) == 0)
        let database = try CatalogDatabase(path: try temporaryDatabasePath())
        try await Self.catalogue(
            [Self.file(.frameio, "f1", name: "C003C001.mov", size: 14, xxh64: Digest.xxh64(original).hex)], source: .frameio, api: .v2, in: database)
        let resolver = VolumeResolver(mounts: [], deviceAt: { _ in nil })
        var listed: [CopyCheck] = []
        try await CopyChecker(database: database, resolver: resolver).check(card) { listed.append($0) }
        // The history's own files are not checked.
        #expect(listed.map(\.path) == ["C003C001.mov"] && listed.map(CopyCheckWriter.status) == ["exact"])
        var read: [CopyCheck] = []
        try await CopyChecker(database: database, scan: LocalScanOptions(rehash: true), resolver: resolver).check(card) { read.append($0) }
        #expect(read.map(CopyCheckWriter.status) == ["missing"])
    }

    @Test func aCatalogWithoutServicesCannotAnswer() async throws {
        let database = try CatalogDatabase(path: try temporaryDatabasePath())
        await #expect(throws: CopyCheckError.self) { try await CopyChecker(database: database).check("/tmp") { _ in } }
    }
}

import CatalogCore
import CatalogStore
import Crawler
import Foundation
import LocalFiles
import TestSupport
import Testing

/// `catalog verify`: a card held against the ASC MHL history `ascmhl` wrote and the catalog's scan.
@Suite struct VerifyTests {
    @Test func aCardIsHeldAgainstItsHistoryAndTheCatalog() async throws {
        let card = FileManager.default.temporaryDirectory.appendingPathComponent("catalog-verify-\(UUID().uuidString)/D004").path
        try FileManager.default.createDirectory(atPath: card + "/CLIPS", withIntermediateDirectories: true)
        for name in ["D004C001.mov", "D004C002.mov", "D004C003.mov"] {
            FileManager.default.createFile(atPath: card + "/CLIPS/" + name, contents: Data("take \(name)".utf8))
        }
        try LocalCrawlTests.tool(["ascmhl", "create", "-h", "xxh64", card])
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
}

import CatalogCore
import Dispatch
import Foundation
import GRDB
import TestSupport
import Testing

@testable import CatalogStore

@Suite struct ReadOnlyTests {
    /// A catalog file holding `items` from one crawl, its writer and a read-only reader of it.
    static func catalog(with items: [CatalogItem]) async throws -> (writer: CatalogDatabase, reader: CatalogDatabase) {
        let path = try temporaryDatabasePath()
        let writer = try CatalogDatabase(path: path)
        let crawl = try writer.beginCrawl(source: .frameio)
        try await writer.stage(items, in: crawl)
        try await writer.complete(crawl, stats: CrawlStats())
        return (writer, try CatalogDatabase(path: path, access: .readOnly))
    }

    /// `catalog serve` answers many requests at once from a read-only catalog: its reads ran one
    /// at a time on a single connection (p99 55 ms under 8 clients at 1M items; 22–32 ms with
    /// readers side by side, docs/benchmarks.md).
    @Test func readOnlyReadsRunSideBySide() async throws {
        let (writer, reader) = try await Self.catalog(with: [makeItem("1", name: "a.mov")])
        let entered = DispatchSemaphore(value: 0)
        let secondDone = DispatchSemaphore(value: 0)
        // The first read holds its connection until the second read has finished (or 30 s pass,
        // which only a reader that waits for the first would need).
        let first = Task.detached {
            try reader.read { _ in
                entered.signal()
                return secondDone.wait(timeout: .now() + 30) == .success
            }
        }
        entered.wait()
        let count = try reader.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM item") }
        secondDone.signal()
        #expect(count == 1)
        #expect(try await first.value, "the second read waited for the first one's connection")
    }

    /// The server's reads run on GRDB's reader connections (`reading`): every read inside one
    /// block sees the same state of the catalog, even while a crawl commits; errors come out as
    /// they were thrown.
    @Test func aReadingBlockSeesOneStateOfTheCatalog() async throws {
        struct Refused: Error {}
        let (writer, reader) = try await Self.catalog(with: [makeItem("1", name: "a.mov")])
        let (before, after) = try await reader.reading {
            let before = try reader.itemCount()
            // Another connection commits an item between the block's two reads.
            try writer.writeSync { db in
                try db.execute(
                    sql: """
                        INSERT INTO item (source, id, kind, name, path, record, digest, crawl_id)
                        SELECT source, '2', kind, 'b.mov', path, record, digest, crawl_id FROM item WHERE id = '1'
                        """)
            }
            return (before, try reader.itemCount())
        }
        #expect(before == 1 && after == 1, "a block's second read saw a later state")
        #expect(try reader.itemCount() == 2)
        await #expect(throws: Refused.self) { try await reader.reading { () throws -> Int in throw Refused() } }
    }

    /// Reads that stream (forEachItem, forEachChange) re-enter the block's connection.
    @Test func streamingReadsInsideAReadingBlockUseItsConnection() async throws {
        let (writer, reader) = try await Self.catalog(with: [makeItem("1", name: "a.mov"), makeItem("2", name: "b.mov")])
        let (items, changes, count) = try await reader.reading {
            var items = 0
            try reader.forEachItem { _ in items += 1 }
            var changes = 0
            try reader.forEachChange(.init(afterCrawl: 0)) { _ in changes += 1 }
            return (items, changes, try reader.itemCount())
        }
        #expect(items == 2 && count == 2 && changes == 0)
    }

    /// A row's columns are read by position: the written-out positions are `allCases`'s order.
    @Test func columnPositionsFollowTheirOrder() {
        for (index, column) in ItemRecord.Columns.allCases.enumerated() {
            #expect(column.position == index + 1, "\(column)")
        }
        #expect(ItemRecord.selection.split(separator: ",").count == ItemRecord.Columns.allCases.count + 1)
    }
}

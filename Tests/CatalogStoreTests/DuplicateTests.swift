import CatalogCore
import CatalogStore
import Foundation
import TestSupport
import Testing

@Suite struct DuplicateTests {
    func item(
        _ id: String, _ source: Source = .frameio, kind: ItemKind = .file, name: String? = nil, parent: String = "P1", project: String? = "P1",
        size: Int64? = nil, xxh64: String? = nil, md5: String? = nil
    ) -> CatalogItem {
        CatalogItem(
            source: source, id: id, kind: kind, name: name ?? "\(id).mov", parentID: parent, projectID: project,
            path: "Acct/Team/Alpha/\(parent == "P1" ? "" : parent + "/")\(name ?? "\(id).mov")", size: size, xxh64: xxh64, md5: md5,
            record: #"{"id":"\#(id)"}"#)
    }

    /// A catalog with known groups: A (a stack's identical versions plus one copy elsewhere: two
    /// places), B (two copies), C (joined across sources through an item carrying both digests),
    /// D (Dash only), a stack whose identical versions are no group, and two probable copies.
    func catalog() async throws -> CatalogDatabase {
        let database = try CatalogDatabase(path: try temporaryDatabasePath())
        let a = String(repeating: "a", count: 16)
        let frameio = try database.beginCrawl(source: .frameio)
        try await database.stage(
            [
                item("P1", kind: .project, name: "Alpha", parent: "T1"),
                item("S", kind: .versionStack), item("S2", kind: .versionStack),
                item("v1", parent: "S", size: 100, xxh64: a), item("v2", parent: "S", size: 100, xxh64: a),
                item("c1", size: 100, xxh64: a),
                item("d1", size: 1000, xxh64: String(repeating: "b", count: 16)),
                item("d2", size: 1000, xxh64: String(repeating: "b", count: 16)),
                item("e1", size: 50, xxh64: String(repeating: "c", count: 16), md5: String(repeating: "1", count: 32)),
                item("s1", parent: "S2", size: 5, xxh64: String(repeating: "d", count: 16)),
                item("s2", parent: "S2", size: 5, xxh64: String(repeating: "d", count: 16)),
                item("n1", name: "same.mov", size: 7), item("n2", name: "same.mov", parent: "F", size: 7),
            ], in: frameio)
        try await database.complete(frameio, stats: CrawlStats())
        let dash = try database.beginCrawl(source: .dash)
        try await database.stage(
            [
                item("a1", .dash, kind: .asset, parent: "-", project: nil, size: 50, md5: String(repeating: "1", count: 32)),
                item("a2", .dash, kind: .asset, parent: "-", project: nil, size: 10, md5: String(repeating: "2", count: 32)),
                item("a3", .dash, kind: .asset, parent: "-", project: nil, size: 10, md5: String(repeating: "2", count: 32)),
            ], in: dash)
        try await database.complete(dash, stats: CrawlStats())
        return database
    }

    func ids(_ groups: [DuplicateGroup]) -> [[String]] { groups.map { $0.copies.map(\.id).sorted() } }

    @Test func groupsAreExactlyTheKnownOnesMostWastedFirst() async throws {
        let database = try await catalog()
        let groups = try database.duplicateGroups(DuplicateFilter())
        #expect(ids(groups) == [["d1", "d2"], ["c1", "v1", "v2"], ["a1", "e1"], ["a2", "a3"]])
        #expect(groups.map(\.wastedBytes) == [1000, 100, 50, 10])
        #expect(groups.map(\.places) == [2, 2, 2, 2])
        #expect(groups[1].copies.filter { $0.stackID == "S" }.count == 2)
        #expect(groups[2].digestKind == "xxh64+md5")
        #expect(groups.map(\.number) == [1, 2, 3, 4])
        #expect(groups.allSatisfy { !$0.probable })
        var summary = DuplicateSummary()
        for group in groups { summary.add(group) }
        #expect(summary.groups == 4 && summary.redundantCopies == 4 && summary.reclaimableBytes == 1160)
    }

    @Test func probableGroupsComeAfterAndApart() async throws {
        let database = try await catalog()
        let groups = try database.duplicateGroups(DuplicateFilter(probable: true))
        #expect(ids(groups).last == ["n1", "n2"])
        #expect(groups.last?.probable == true && groups.last?.digestKind == "size+name")
        #expect(groups.dropLast().allSatisfy { !$0.probable })
        var summary = DuplicateSummary()
        for group in groups { summary.add(group) }
        #expect(summary.groups == 4 && summary.probableGroups == 1 && summary.reclaimableBytes == 1160)
    }

    @Test func filtersNarrowTheItemsCompared() async throws {
        let database = try await catalog()
        #expect(ids(try database.duplicateGroups(DuplicateFilter(source: .dash))) == [["a2", "a3"]])
        #expect(ids(try database.duplicateGroups(DuplicateFilter(minSize: 60))) == [["d1", "d2"], ["c1", "v1", "v2"]])
        #expect(
            ids(try database.duplicateGroups(DuplicateFilter(projectIDs: try database.projectIDs(named: ["alpha"])))) == [
                ["d1", "d2"], ["c1", "v1", "v2"],
            ])
        #expect(ids(try database.duplicateGroups(DuplicateFilter(projectIDs: ["P1"], kinds: [.asset]))).isEmpty)
    }
}

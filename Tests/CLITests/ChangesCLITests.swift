import CatalogCore
import CatalogStore
import Foundation
import Testing

/// `catalog changes` answers "what changed in project X since Monday" (issue 29).
@Suite struct ChangesCLITests {
    /// Two Frame.io projects and a Dash tenant, each crawled twice: the second crawl changes a
    /// file in each project and adds a Dash asset.
    static func catalog() async throws -> String {
        let path = try scratchDirectory() + "/c.sqlite"
        let database = try CatalogDatabase(path: path)
        func file(_ id: String, _ project: String, _ name: String, version: Int) -> CatalogItem {
            CatalogItem(
                source: .frameio, id: id, kind: .file, name: name, parentID: project, projectID: project, path: "Studio/Main/\(project)/\(name)",
                size: Int64(version), record: #"{"id":"\#(id)","v":\#(version)}"#)
        }
        func project(_ id: String) -> CatalogItem {
            CatalogItem(
                source: .frameio, id: id, kind: .project, name: id, parentID: nil, projectID: id, path: "Studio/Main/\(id)",
                record: #"{"id":"\#(id)"}"#)
        }
        for version in 1...2 {
            let crawl = try database.beginCrawl(source: .frameio)
            try await database.stage(
                [
                    project("Feature Film"), project("Trailer"), file("a", "Feature Film", "a.mov", version: version),
                    file("b", "Trailer", "b.mov", version: version),
                ], in: crawl)
            try await database.complete(crawl, stats: CrawlStats())
            let dash = try database.beginCrawl(source: .dash)
            let assets = (1...version).map { n in
                CatalogItem(
                    source: .dash, id: "d\(n)", kind: .asset, name: "logo \(n).png", parentID: nil, projectID: nil, path: "Brand/logo \(n).png",
                    record: #"{"id":"d\#(n)"}"#)
            }
            try await database.stage(assets, in: dash)
            try await database.complete(dash, stats: CrawlStats())
        }
        return path
    }

    @Test func changesOfAProjectSinceAWeekdayWithTotals() async throws {
        let path = try await Self.catalog()
        let all = try await runCatalog(["changes", "--since", "0", "--format", "csv", "--db", path])
        #expect(all.status == 0, "\(all.stderr)")
        #expect(all.stdout.split(whereSeparator: \.isNewline).count == 4, "\(all.stdout)")  // header, a, b, d2
        #expect(all.stderr.contains("3 changes"), "\(all.stderr)")
        // The first two only; the count still says how many there are.
        let two = try await runCatalog(["changes", "--since", "0", "--limit", "2", "--format", "csv", "--db", path])
        #expect(two.stdout.split(whereSeparator: \.isNewline).count == 3, "\(two.stdout)")
        #expect(two.stderr.contains("3 changes (the first 2 shown; --limit 0 for all)"), "\(two.stderr)")
        let project = try await runCatalog(["changes", "--since", "monday", "--project", "feature*", "--format", "csv", "--db", path])
        #expect(project.status == 0, "\(project.stderr)")
        let rows = project.stdout.split(whereSeparator: \.isNewline).dropFirst()
        #expect(rows.count == 1 && rows.first?.contains("Studio/Main/Feature Film/a.mov") == true, "\(project.stdout)")
        #expect(project.stderr.contains("1 change"), "\(project.stderr)")
        for since in ["7d", "yesterday", "today", "2w", "2026-01-01", "1"] {
            let run = try await runCatalog(["changes", "--since", since, "--format", "csv", "--db", path])
            #expect(run.status == 0, "\(since): \(run.stderr)")
        }
        let bad = try await runCatalog(["changes", "--since", "someday", "--db", path])
        #expect(bad.status == 64 && bad.stderr.contains("a weekday (monday)"), "\(bad.stderr)")
        let none = try await runCatalog(["changes", "--project", "Nope", "--db", path])
        #expect(none.status == 64 && none.stderr.contains("no project is called 'Nope'"), "\(none.stderr)")
        // A table of both sources says which each change came from.
        let table = try await runScript("COLUMNS=100 \(catalogBinary) changes --since 0 --db \(path)")
        #expect(table.contains("SOURCE") && table.contains(" dash ") && table.contains(" frameio "), "\(table)")
    }

    @Test func aWeekdayIsItsLastMidnight() throws {
        // 2026-12-06 is a Sunday; noon UTC.
        let parser = SearchQueryParser(now: Date(timeIntervalSince1970: 1_796_558_400))
        #expect(parser.moment("sunday") == Date(timeIntervalSince1970: 1_796_515_200))
        #expect(parser.moment("monday") == Date(timeIntervalSince1970: 1_796_515_200 - 6 * 86_400))
        #expect(parser.moment("sat") == Date(timeIntervalSince1970: 1_796_515_200 - 86_400))
        #expect(parser.moment("yesterday") == Date(timeIntervalSince1970: 1_796_515_200 - 86_400))
        #expect(parser.moment("7d") == Date(timeIntervalSince1970: 1_796_558_400 - 7 * 86_400))
        #expect(parser.moment("someday") == nil)
    }
}

/// Issue 31, item 13: `catalog status > log; cat log` replayed a terminal escape from a service's
/// text (an asset type in a warning). Status is read by people: it is safe in a file too.
@Suite struct StatusSafetyCLITests {
    @Test func statusNeverCarriesATerminalEscapeEvenToAFile() async throws {
        let path = try scratchDirectory() + "/c.sqlite"
        let database = try CatalogDatabase(path: path)
        let crawl = try database.beginCrawl(source: .frameio, api: .v4)
        try await database.stage(
            [
                CatalogItem(
                    source: .frameio, id: "a", kind: .other, name: "x", parentID: nil, projectID: nil, path: "x", record: #"{"id":"a"}"#)
            ], in: crawl)
        var stats = CrawlStats()
        stats.warn("1 asset of an unknown type 'evil\u{1B}]0;owned\u{07}' kept as other")
        try await database.complete(crawl, stats: stats)
        let status = try await runCatalog(["status", "--db", path])
        #expect(status.status == 0, "\(status.stderr)")
        #expect(status.stdout.contains("unknown type 'evil"), "\(status.stdout)")
        #expect(!status.stdout.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 }, "\(status.stdout.debugDescription)")
    }
}

import CatalogCore
import CatalogStore
import Foundation
import Testing

/// What the questions of issue 29 return against a small catalog of both sources whose answers
/// are known by construction (each item below says which questions it answers).
@Suite struct QuerySemanticsTests {
    static func v4File(
        _ id: String, _ path: String, size: Int64, label: String? = nil, metadata: [String: [String]] = [:], state: String? = "transcoded"
    ) -> CatalogItem {
        let name = String(path.split(separator: "/").last ?? "")
        var item = CatalogItem(
            source: .frameio, id: id, kind: .file, name: name, parentID: nil, projectID: "proj", path: path, size: size,
            updatedAt: Date(timeIntervalSinceNow: -86_400), label: label,
            text: metadata.values.flatMap { $0 }.joined(separator: "\n"), record: #"{"id":"\#(id)"}"#, state: state)
        item.metadata = metadata
        return item
    }

    static func container(_ id: String, _ kind: ItemKind, _ path: String, size: Int64) -> CatalogItem {
        CatalogItem(
            source: .frameio, id: id, kind: kind, name: String(path.split(separator: "/").last ?? ""), parentID: nil,
            projectID: kind == .project ? id : "proj", path: path, size: size, record: #"{"id":"\#(id)"}"#)
    }

    static func dashAsset(_ id: String, _ name: String, size: Int64, folders: [String], metadata: [String: [String]], state: String = "LIVE")
        -> CatalogItem
    {
        var item = CatalogItem(
            source: .dash, id: id, kind: .asset, name: name, parentID: nil, projectID: nil, path: (folders.first ?? "") + "/" + name, size: size,
            text: metadata.values.flatMap { $0 }.joined(separator: "\n"), record: #"{"id":"\#(id)"}"#, state: state, folders: folders)
        item.metadata = metadata
        return item
    }

    static func catalog() async throws -> CatalogDatabase {
        let database = try CatalogDatabase.inMemory()
        let frameIO = try database.beginCrawl(source: .frameio, api: .v4)
        try await database.stage(
            [
                container("proj", .project, "Studio/Main/Feature Film", size: 9_000_000_000),
                container("card1", .folder, "Studio/Main/Feature Film/Card 001", size: 5_000_000_000),
                container("uber", .folder, "Studio/Main/Feature Film/Über Archive", size: 2_000_000_000),
                v4File(
                    "f1", "Studio/Main/Feature Film/Card 001/A001C001_interview.mov", size: 3_000_000_000, label: "approved",
                    metadata: ["Rating": ["5"], "Shoot Date": ["2026-03-02"], "Editor": ["Søren Ødegaard"], "Tags": ["hero", "night"]]),
                v4File(
                    "f2", "Studio/Main/Feature Film/Card 001/A001C002_drone.mov", size: 2_000_000_000, label: "needs_review",
                    metadata: ["Rating": ["3"], "Shoot Date": ["2026-02-27"], "Tags": ["night"]]),
                v4File(
                    "f3", "Studio/Main/Feature Film/Über Archive/old_interview.mov", size: 500_000_000,
                    metadata: ["Rating": ["4.5"], "Shoot Date": ["2026-03-01T18:30:00Z"]]),
                v4File("f4", "Studio/Main/Feature Film/upload.mov", size: 4_000_000_000, state: "created"),
            ], in: frameIO)
        let fields = [
            CatalogField(
                source: .frameio, id: "rating", name: "Rating", position: 0, hasFixedOptions: false, hierarchical: false, multiValue: false,
                isFolders: false, type: "rating", record: "{}"),
            CatalogField(
                source: .frameio, id: "date", name: "Shoot Date", position: 1, hasFixedOptions: false, hierarchical: false, multiValue: false,
                isFolders: false, type: "date", record: "{}"),
            CatalogField(
                source: .frameio, id: "editor", name: "Editor", position: 2, hasFixedOptions: false, hierarchical: false, multiValue: false,
                isFolders: false, type: "user_single", record: "{}"),
            CatalogField(
                source: .frameio, id: "tags", name: "Tags", position: 3, hasFixedOptions: true, hierarchical: false, multiValue: true,
                isFolders: false, type: "select_multi", record: "{}"),
        ]
        let tagOptions = ["hero", "night", "day"].enumerated().map { index, tag in
            CatalogFieldOption(
                source: .frameio, id: "tag-\(tag)", fieldID: "tags", parentID: nil, value: tag, position: index, path: tag, record: "{}")
        }
        try await database.complete(frameIO, stats: CrawlStats(), fields: fields, options: tagOptions)
        let dash = try database.beginCrawl(source: .dash)
        try await database.stage(
            [
                dashAsset("d1", "acme_logo.png", size: 2_500_000_000, folders: ["Brand/Logos"], metadata: ["Brand": ["Acme"]]),
                dashAsset("d2", "globex_spot.mov", size: 1_500_000_000, folders: ["Campaigns/2026"], metadata: ["Brand": ["Globex"]]),
                dashAsset(
                    "d3", "initech_binned.mov", size: 1_200_000_000, folders: ["Campaigns/2026"], metadata: ["Brand": ["Initech"]], state: "BINNED"),
            ], in: dash)
        let brand = CatalogField(
            source: .dash, id: "brand", name: "Brand", position: 0, hasFixedOptions: true, hierarchical: false, multiValue: false,
            isFolders: false, type: "DROPDOWN", record: "{}")
        let brands = ["Acme", "Globex", "Initech"].enumerated().map { index, name in
            CatalogFieldOption(
                source: .dash, id: "b\(index)", fieldID: "brand", parentID: nil, value: name, position: index, path: name, record: "{}")
        }
        try await database.complete(dash, stats: CrawlStats(), fields: [brand], options: brands)
        // Review comments: two notes and a reply on f1 (one done), one open note on f2.
        let pass = try await database.beginCommentPass(source: .frameio, mode: .full, since: nil)
        func note(_ id: String, _ file: String, _ text: String, parent: String? = nil, done: Bool = false) -> CatalogComment {
            CatalogComment(
                source: .frameio, id: id, fileID: file, parentID: parent, text: text, authorName: parent == nil ? "Ravi Producer" : nil,
                completedAt: done ? Date(timeIntervalSince1970: 1_780_000_000) : nil, record: "{\"id\":\"\(id)\"}")
        }
        _ = try await database.replaceComments(
            [
                note("c1", "f1", "Logo too small at the end"), note("c2", "f1", "Flicker fixed", done: true),
                note("c3", "f1", "Agreed, the logo", parent: "c1"),
            ], source: .frameio, fileID: "f1", pass: pass)
        _ = try await database.replaceComments([note("c4", "f2", "Sound drops out")], source: .frameio, fileID: "f2", pass: pass)
        _ = try await database.completeCommentPass(pass)
        return database
    }

    @Test(arguments: [
        // Any of, on custom fields of both sources and on built-in filters.
        ("Brand:Acme,Globex", ["d1", "d2"]),
        ("Tags:hero,night", ["f1", "f2"]),
        ("Tags:night Tags:hero", ["f1"]),
        ("label:approved,needs_review", ["f1", "f2"]),
        ("project:feature*,archive*", ["card1", "f1", "f2", "f3", "f4", "proj", "uber"]),
        // Comparisons on number and date fields.
        ("Rating:>=4", ["f1", "f3"]),
        ("Rating:3..4", ["f2"]),
        (#""Shoot Date":>=2026-03-01"#, ["f1", "f3"]),
        (#""Shoot Date":2026-03"#, ["f1", "f3"]),
        // Boolean groups and an explicit AND.
        ("interview AND card", ["f1"]),
        ("Rating:4.5,5", ["f1", "f3"]),
        ("(Brand:Acme OR Tags:hero) kind:file", ["d1", "f1"]),
        ("label:approved OR Brand:Globex", ["d2", "f1"]),
        ("kind:file -(Brand:Initech OR drone)", ["d1", "d2", "f1", "f3", "f4"]),
        ("NOT interview kind:file source:frameio", ["f2", "f4"]),
        // A file is a file in every source; size compares files, not the folders' sums.
        ("kind:file size:>1GB", ["d1", "d2", "d3", "f1", "f2", "f4"]),
        ("size:>2GB", ["d1", "f1", "f4"]),
        ("kind:folder size:>1GB", ["card1", "uber"]),
        ("kind:asset state:live", ["d1", "d2"]),
        // folder: on Frame.io (the subtree of a folder of that path) and Dash.
        (#"folder:"Card 001""#, ["f1", "f2"]),
        (#"folder:"Feature Film/Card 001""#, ["f1", "f2"]),
        ("folder:Campaigns", ["d2", "d3"]),
        // Unicode case folding in values and folder paths.
        (#"Editor:"søren ødegaard""#, ["f1"]),
        (#"folder:"über archive""#, ["f3"]),
        // A Frame.io V4 file still uploading; what changed in the last week.
        ("state:created", ["f4"]),
        ("kind:file updated:>7d", ["f1", "f2", "f3", "f4"]),
        // Review comments: words, counts, open notes, and files without any.
        ("comment:logo", ["f1"]),
        (#"comment:"drops out",flicker"#, ["f1", "f2"]),
        ("comments:>=3", ["f1"]),
        ("commented:true Rating:3", ["f2"]),
        ("open_comments:true", ["f1", "f2"]),
        ("commented:false", ["f3", "f4"]),
        ("comment:Ravi -comment:logo", ["f2"]),
    ])
    func aQuestionGetsItsAnswer(_ text: String, _ expected: [String]) async throws {
        let database = try await Self.catalog()
        let query = try database.parseQuery(text)
        let found = try database.search(query, order: .path, limit: 100).map(\.id).sorted()
        #expect(found == expected.sorted(), "\(text)")
        #expect(try database.count(query, budget: .seconds(30)) == MatchCount(count: expected.count, isExact: true), "\(text)")
    }

    @Test func valuesAFieldDoesNotHaveAreRefused() async throws {
        let database = try await Self.catalog()
        #expect { try database.parseQuery("Brand:Acmee") } throws: { "\($0)".contains("Did you mean 'Acme'") }
        #expect { try database.parseQuery("Tags:nite") } throws: { "\($0)".contains("has no option 'nite'") }
        #expect(throws: SearchQueryError.self) { try database.parseQuery("Editor:>3") }
    }

    /// A count past its time budget says how many it saw and that there are at least that many.
    @Test func aCountOutOfTimeIsALowerBound() async throws {
        let database = try CatalogDatabase.inMemory()
        let crawl = try database.beginCrawl(source: .frameio)
        let items = (0..<20_000).map { makeItem("i\($0)", name: "clip_\($0).mov", size: Int64($0)) }
        try await database.stage(items, in: crawl)
        try await database.complete(crawl, stats: CrawlStats())
        let query = try database.parseQuery("clip kind:file")
        let counted = try database.count(query, cap: 100_000, budget: .zero)
        #expect(!counted.isExact && counted.count < 20_000, "\(counted)")
        #expect(try database.count(query, cap: 100_000, budget: .seconds(60)) == MatchCount(count: 20_000, isExact: true))
        // Facets out of time say they are estimates, and still name the kind the matches have.
        let facets = try database.facets(query, budget: .zero)
        #expect(facets.isEstimate && facets.builtIn[.kind]?.map(\.value) == ["file"])
    }
}

/// Filters nothing in the catalog can satisfy are refused, saying why (issue 29: no silent zeros).
@Suite struct UnsatisfiableFilterTests {
    @Test func aFilterNothingCanSatisfyIsAnErrorNamingWhatWould() async throws {
        let database = try await QuerySemanticsTests.catalog()
        // The catalog holds labels (f1, f2): label: is fine; a V4-only catalog is tried below.
        #expect(try database.parseQuery("label:approved").filters.count == 1)
        #expect {
            try database.parseQuery(#"folder:"Card 01""#)
        } throws: { error in
            "\(error)".contains("no folder in the catalog has that path") && "\(error)".contains("Did you mean 'Card 001'")
        }
        #expect { try database.parseQuery(#"project:"Feature Flim""#) } throws: { "\($0)".contains("Did you mean 'Feature Film'") }
        // Wildcards, alternatives and negations are not refused: they may match, or need nothing.
        #expect(try database.parseQuery("project:nothing*").filters.count == 1)
        #expect(try database.parseQuery(#"folder:"Card 01" OR Brand:Acme"#).groups.count == 1)
        #expect(try database.parseQuery(#"-folder:"Card 01" kind:file"#).filters.count == 2)
        let unlabelled = try CatalogDatabase.inMemory()
        let crawl = try unlabelled.beginCrawl(source: .frameio, api: .v4)
        try await unlabelled.stage([QuerySemanticsTests.v4File("f", "S/W/P/clip.mov", size: 1)], in: crawl)
        try await unlabelled.complete(crawl, stats: CrawlStats())
        #expect { try unlabelled.parseQuery("label:approved") } throws: { "\($0)".contains("no item in the catalog has a label") }
    }
}

/// Every query of docs/query-language.md's cheat sheet runs on the catalog whose answers the
/// cheat sheet's questions describe, without an error (the docs stay true).
@Suite struct CheatSheetTests {
    /// Each `query` in column `column` of the table rows starting with `rows` of the section
    /// of docs/query-language.md under `heading`, `catalog search ` left off; a span holding
    /// `…` (a placeholder) or ending in `:` (a filter's name) is not a query.
    static func queries(under heading: String, column: Int, rows: String = "| ") throws -> [String] {
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/query-language.md")
        let text = try String(contentsOf: docs, encoding: .utf8)
        guard let start = text.range(of: heading), let end = text.range(of: "\n## ", range: start.upperBound..<text.endIndex) else {
            return []
        }
        var queries: [String] = []
        for line in text[start.upperBound..<end.lowerBound].split(separator: "\n") where line.hasPrefix(rows) {
            let cells = line.split(separator: "|", omittingEmptySubsequences: false)
            guard cells.count > column + 1 else { continue }
            let parts = cells[column].split(separator: "`", omittingEmptySubsequences: false)
            for index in stride(from: 1, to: parts.count, by: 2) where !parts[index].contains("…") && !parts[index].hasSuffix(":") {
                var query = String(parts[index])
                if query.hasPrefix("catalog search ") { query.removeFirst("catalog search ".count) }
                queries.append(query)
            }
        }
        return queries
    }

    /// The cheat sheet's queries (its second column; some rows give two).
    static func cheatSheetQueries() throws -> [String] { try queries(under: "## Cheat sheet", column: 2) }

    /// The reference's examples: the Words table's first column and the Filters table's
    /// examples column, in the rows of built-in filters (the custom fields' row names none the
    /// test catalog has).
    static func referenceExamples() throws -> [String] {
        try queries(under: "## Words", column: 1, rows: "| `") + queries(under: "## Filters", column: 3, rows: "| `")
    }

    @Test func everyReferenceExampleRuns() async throws {
        let examples = try Self.referenceExamples()
        #expect(examples.count >= 30, "\(examples)")
        let database = try await QuerySemanticsTests.catalog()
        for text in examples {
            do {
                _ = try database.search(try database.parseQuery(text), limit: 10)
            } catch {
                Issue.record("the reference's `\(text)` fails: \(error)")
            }
        }
    }

    @Test func everyCheatSheetQueryRuns() async throws {
        let queries = try Self.cheatSheetQueries()
        #expect(queries.count >= 20, "\(queries)")
        let database = try await QuerySemanticsTests.catalog()
        for text in queries {
            do {
                let query = try database.parseQuery(text)
                let found = try database.search(query, limit: 100)
                #expect(!found.isEmpty, "the cheat sheet's `\(text)` finds nothing in the catalog it describes")
            } catch {
                Issue.record("the cheat sheet's `\(text)` fails: \(error)")
            }
        }
    }
}

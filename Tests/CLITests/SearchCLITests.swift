import CatalogCore
import CatalogStore
import Foundation
import Testing

/// `catalog search`'s ordering, paging, columns and messages, through the real executable.
@Suite(.serialized) struct SearchCLITests {
    /// Five Frame.io files of known sizes and dates, and a Dash asset filed in two folders.
    static func catalog() async throws -> String {
        let path = try scratchDirectory() + "/c.sqlite"
        let database = try CatalogDatabase(path: path)
        let day: (Int) -> Date = { Date(timeIntervalSince1970: 1_767_225_600 + Double($0) * 86_400) }  // 2026-01-01 + n days
        let sizes: [Int64] = [300, 5_000, 40, 1_000_000, 7]
        for source in [Source.frameio, .dash] {
            let session = try database.beginCrawl(source: source)
            let items: [CatalogItem] =
                source == .frameio
                ? (1...5).map { n in
                    CatalogItem(
                        source: .frameio, id: "f\(n)", kind: .file, name: "\(["delta", "Alpha", "echo", "bravo", "charlie"][n - 1]) clip.mov",
                        parentID: "p", projectID: "p", path: "A/W/P/Dailies \(n)/clip \(n).mov", size: sizes[n - 1], updatedAt: day(n * 3 % 5),
                        label: n == 2 ? "approved" : nil, record: #"{"id":"f\#(n)"}"#)
                }
                : [
                    CatalogItem(
                        source: .dash, id: "d1", kind: .asset, name: "hero clip.jpg", parentID: nil, projectID: nil,
                        path: "Brand/Logos/hero clip.jpg", size: 20, updatedAt: day(9), record: #"{"id":"d1"}"#,
                        folders: ["Brand/Logos", "Campaigns/2026/Spring"])
                ]
            try await database.stage(items, in: session)
            try await database.complete(session, stats: CrawlStats())
        }
        return path
    }

    static func ids(_ run: Run) -> [String] {
        run.stdout.split(whereSeparator: \.isNewline).map(String.init)
    }

    @Test func sortOrdersReverseAndOffsetPages() async throws {
        let path = try await Self.catalog()
        // A file is a file in every source: kind:file holds the Dash asset too.
        let everyFile = try await runCatalog(["search", "kind:file", "--format", "csv", "--fields", "id", "--sort", "path", "--db", path])
        #expect(Self.ids(everyFile) == ["id", "f1", "f2", "f3", "f4", "f5", "d1"], "\(everyFile.stdout)")
        let base = ["search", "kind:file", "source:frameio", "--format", "csv", "--fields", "id", "--db", path]
        #expect(Self.ids(try await runCatalog(base + ["--sort", "size"])) == ["id", "f4", "f2", "f1", "f3", "f5"])
        #expect(Self.ids(try await runCatalog(base + ["--sort", "size", "--reverse"])) == ["id", "f5", "f3", "f1", "f2", "f4"])
        // Case-insensitive names: Alpha, bravo, charlie, delta, echo.
        #expect(Self.ids(try await runCatalog(base + ["--sort", "name"])) == ["id", "f2", "f4", "f5", "f1", "f3"])
        // Updated days 3, 1, 4, 2, 0: newest first.
        #expect(Self.ids(try await runCatalog(base + ["--sort", "updated"])) == ["id", "f3", "f1", "f4", "f2", "f5"])
        let page = try await runCatalog(base + ["--sort", "size", "--limit", "2", "--offset", "2"])
        #expect(Self.ids(page) == ["id", "f1", "f3"])
        #expect(page.stderr.contains("3–4 of 5 results (--offset 4 for the next page, --limit 0 for all)"), "\(page.stderr)")
        let past = try await runCatalog(base + ["--offset", "10"])
        #expect(Self.ids(past) == ["id"] && past.stderr.contains("no results past 10"), "\(past.stderr)")
        // Relevance ranks the words' matches; the text query's page two follows its page one.
        let first = try await runCatalog(["search", "clip", "--format", "csv", "--fields", "id", "--limit", "3", "--db", path])
        let second = try await runCatalog(["search", "clip", "--format", "csv", "--fields", "id", "--limit", "3", "--offset", "3", "--db", path])
        let all = try await runCatalog(["search", "clip", "--format", "csv", "--fields", "id", "--limit", "0", "--db", path])
        #expect(Self.ids(first) + Self.ids(second).dropFirst() == Self.ids(all), "\(first.stdout) \(second.stdout) \(all.stdout)")
        #expect(first.stderr.contains("3 of 6 results"), "\(first.stderr)")
        let wrong = try await runCatalog(base + ["--reverse"])
        #expect(wrong.status == 64 && wrong.stderr.contains("--reverse turns a --sort order round"), "\(wrong.stderr)")
        let badSort = try await runCatalog(base + ["--sort", "colour"])
        #expect(badSort.status == 64 && badSort.stderr.contains("relevance"), "\(badSort.stderr)")
    }

    @Test func fieldsChooseColumnsAndKeys() async throws {
        let path = try await Self.catalog()
        let csv = try await runCatalog(["search", "bravo", "--format", "csv", "--fields", "name,Size,updated-at", "--db", path])
        #expect(csv.stdout == "name,size,updated_at\r\nbravo clip.mov,1000000,2026-01-03T00:00:00Z\r\n", "\(csv.stdout)")
        let ndjson = try await runCatalog(["search", "bravo", "--format", "ndjson", "--fields", "id,size,label", "--db", path])
        #expect(ndjson.stdout == "{\"id\":\"f4\",\"size\":1000000,\"label\":null}\n", "\(ndjson.stdout)")
        let bad = try await runCatalog(["search", "bravo", "--fields", "name,colour", "--db", path])
        #expect(bad.status == 64 && bad.stderr.contains("--fields"), "\(bad.stderr)")
    }

    /// A word starting with `-` is a query word wherever it stands (the README's example failed
    /// with `Unknown option '-draft'`); a mistyped `--option` is still an error.
    @Test func dashWordsAreExclusionsNotOptions() async throws {
        let path = try await Self.catalog()
        let base = ["--format", "csv", "--fields", "id", "--sort", "path", "--db", path]
        let first = try await runCatalog(["search", "-bravo", "kind:file", "source:frameio"] + base)
        #expect(first.status == 0 && Self.ids(first) == ["id", "f1", "f2", "f3", "f5"], "\(first.stderr)")
        let later = try await runCatalog(["search", "clip", "-bravo", "-delta", "source:frameio"] + base)
        #expect(later.status == 0 && Self.ids(later) == ["id", "f2", "f3", "f5"], "\(later.stderr)")
        let ended = try await runCatalog(["search"] + base + ["--", "-bravo", "source:frameio"])
        #expect(ended.status == 0 && Self.ids(ended) == ["id", "f1", "f2", "f3", "f5"], "\(ended.stderr)")
        let typo = try await runCatalog(["search", "clip", "--limt", "5", "--db", path])
        #expect(typo.status == 64 && typo.stderr.contains("unknown option '--limt'"), "\(typo.stderr)")
        // Any of, on a built-in filter, through the executable.
        let labels = try await runCatalog(["search", "label:approved,needs_review", "OR", "bravo"] + base)
        #expect(Self.ids(labels) == ["id", "f2", "f4"], "\(labels.stdout)")
    }

    /// On a terminal: SOURCE when results span sources, LABEL when the query asks about labels,
    /// and a `folder:` match shown under the folder that matched.
    @Test func tableColumnsAppearWhenTheyHelp() async throws {
        let path = try await Self.catalog()
        let both = try await runScript("COLUMNS=100 \(catalogBinary) search clip --db \(path)")
        #expect(both.contains("NAME") && both.contains("SOURCE") && both.contains("dash") && !both.contains("LABEL"), "\(both)")
        let one = try await runScript("COLUMNS=100 \(catalogBinary) search clip source:frameio --db \(path)")
        #expect(!one.contains("SOURCE"), "\(one)")
        let labelled = try await runScript("COLUMNS=100 \(catalogBinary) search label:approved --db \(path)")
        #expect(labelled.contains("LABEL") && labelled.contains("approved"), "\(labelled)")
        let folder = try await runScript("COLUMNS=100 \(catalogBinary) search 'folder:campaigns/*/spring' --db \(path)")
        #expect(folder.contains("Campaigns/2026/Spring/hero clip.jpg") && !folder.contains("Brand/Logos"), "\(folder)")
        let sized = try await runScript("COLUMNS=100 \(catalogBinary) search bravo --db \(path)")
        #expect(sized.contains("1.0 MB") && sized.contains("UPDATED") && sized.contains("2026-01-03"), "\(sized)")
    }

    /// From a table to the item: the ID column shows the shortest start of each id no other
    /// item's id has (8 characters at least), and `show` takes it; two files of one name in
    /// different folders are told apart by it, even on a narrow terminal.
    @Test func theIDColumnLeadsToTheItem() async throws {
        let path = try scratchDirectory() + "/ids.sqlite"
        let database = try CatalogDatabase(path: path)
        let session = try database.beginCrawl(source: .frameio)
        let ids = ["7f3a9c21-0001-4000-8000-000000000001", "7f3a9c21-0002-4000-8000-000000000002", "9b00e4d2-0003-4000-8000-000000000003"]
        let items = zip(ids, ["Dailies", "Selects", "Sound"]).map { id, folder in
            CatalogItem(
                source: .frameio, id: id, kind: .file, name: folder == "Sound" ? "mix_0301.wav" : "Northlight_A001_C001_0301.mov",
                parentID: "p", projectID: "p",
                path: "Northlight Studio/Feature/\(folder)/Day 01/Card 001/\(folder == "Sound" ? "mix_0301.wav" : "Northlight_A001_C001_0301.mov")",
                size: 1_000, record: #"{"id":"\#(id)"}"#)
        }
        try await database.stage(items, in: session)
        try await database.complete(session, stats: CrawlStats())

        for columns in [120, 60] {
            let table = try await runScript("COLUMNS=\(columns) \(catalogBinary) search Northlight --format table --db \(path)")
            let lines = table.split(whereSeparator: \.isNewline).map(String.init)
            #expect(lines.first?.hasPrefix("ID ") == true, "\(table)")
            let cells = lines.dropFirst().prefix(2).map { String($0.prefix { $0 != " " }) }
            // The two ids share "7f3a9c21-000": the short ids run one character past that.
            #expect(Set(cells) == ["7f3a9c21-0001", "7f3a9c21-0002"], "\(table)")
            for cell in cells {
                let shown = try await runCatalog(["show", cell, "--db", path])
                #expect(shown.status == 0 && shown.stdout.contains("\"id\":\"\(cell)-4000"), "\(cell): \(shown.stdout) \(shown.stderr)")
            }
        }
        // A narrow terminal and names that differ: no ID column, and no NAME (the path ends in it,
        // whole, with its top folder); a wide one: the ID column, short.
        let narrow = try await runScript("COLUMNS=70 \(catalogBinary) search mix --format table --db \(path)")
        #expect(narrow.hasPrefix("KIND ") && narrow.contains("Northlight Studio/") && narrow.contains("/mix_0301.wav"), "\(narrow)")
        let wide = try await runScript("COLUMNS=100 \(catalogBinary) search mix --format table --db \(path)")
        #expect(wide.hasPrefix("ID ") && wide.contains("9b00e4d2 ") && !wide.contains("9b00e4d2-"), "\(wide)")
        // CSV and JSON keep the whole id.
        let csv = try await runScript("COLUMNS=100 \(catalogBinary) search mix --format csv --fields id,name --db \(path)")
        #expect(csv.contains(ids[2] + ",mix_0301.wav"), "\(csv)")
    }

    /// Errors are wrapped to the width of the terminal stderr is on, even with stdout piped to a
    /// file (the width was measured on stdout: 160 columns, whatever the terminal).
    @Test func errorsWrapToTheTerminalTheyAreWrittenTo() async throws {
        let path = try await Self.catalog()
        let output = try scratchDirectory() + "/out"
        let run = try await runScript("stty cols 50; \(catalogBinary) search 'kind:nothing_of_the_sort' --db \(path) > \(output)")
        let lines = run.split(whereSeparator: \.isNewline).map(String.init).filter { !$0.isEmpty }
        #expect(lines.count > 1 && lines.allSatisfy { $0.count <= 50 }, "\(run)")
        #expect(run.contains("catalog: "), "\(run)")
    }

    @Test func anEmptyCatalogSaysSo() async throws {
        let path = try scratchDirectory() + "/empty.sqlite"
        _ = try CatalogDatabase(path: path)
        let run = try await runCatalog(["search", "anything", "--db", path])
        #expect(run.status == 0 && run.stderr.contains("the catalog is empty: run `catalog crawl`"), "\(run.stderr)")
    }
}

/// The README's and docs' search commands run as written on the quick start's demo catalog.
@Suite struct ReadmeExamplesCLITests {
    @Test func theReadmesSearchesRun() async throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let readme = root.appendingPathComponent("README.md")
        var lines = try String(contentsOf: readme, encoding: .utf8).split(separator: "\n").map(String.init).filter { $0.hasPrefix("catalog search ") }
        #expect(lines.count >= 4, "\(lines)")
        // And the docs' searches, written in a line of their own or `inline` (QUERY is a placeholder).
        let docs = root.appendingPathComponent("docs")
        var fromDocs = 0
        for name in try FileManager.default.contentsOfDirectory(atPath: docs.path) where name.hasSuffix(".md") {
            let text = try String(contentsOf: docs.appendingPathComponent(name), encoding: .utf8)
            var examples = text.split(separator: "\n").filter { $0.hasPrefix("catalog search ") }.map(String.init)
            // An inline example may run over a line break.
            for (index, part) in text.split(separator: "`", omittingEmptySubsequences: false).enumerated()
            where index % 2 == 1 && part.hasPrefix("catalog search ") {
                examples.append(part.replacingOccurrences(of: "\n", with: " "))
            }
            for example in examples where !example.contains("QUERY") {
                lines.append(example)
                fromDocs += 1
            }
        }
        #expect(fromDocs >= 4, "\(lines)")
        let directory = try scratchDirectory()
        let demo = try await runCatalog(["demo", "--db", directory + "/catalog-demo.sqlite"])
        #expect(demo.status == 0, "\(demo.stderr)")
        for line in lines {
            // The command as a shell runs it (quotes, globs that match nothing), on the demo catalog.
            let command = line.components(separatedBy: "#").first ?? line
            var shell = command.replacingOccurrences(of: "catalog search ", with: "\(catalogBinary) search ")
            if !shell.contains("--db") { shell += " --db catalog-demo.sqlite" }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", shell + " > /dev/null"]
            process.currentDirectoryURL = URL(fileURLWithPath: directory)
            let errors = Pipe()
            process.standardError = errors
            try process.run()
            let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationStatus == 0, "`\(line)`: \(stderr)")
        }
        // An unquoted `>` in an example is a shell redirect: the filter is lost and a file appears.
        let left = try FileManager.default.contentsOfDirectory(atPath: directory).filter { !$0.hasPrefix("catalog-demo.sqlite") }
        #expect(left.isEmpty, "the README's or docs' searches wrote \(left): quote filters with > or <")
    }
}

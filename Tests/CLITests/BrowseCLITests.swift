import CatalogCore
import Foundation
import Testing

/// `catalog ls`, `show` and `open` on the sandbox's catalog (the quick start's), through the real executable.
@Suite(.serialized) struct BrowseCLITests {
    /// The demo catalog: the sandbox's hand-written Frame.io V4 and Dash fixtures, crawled.
    static let demo: String = {
        let path = (try? scratchDirectory()).map { $0 + "/demo.sqlite" } ?? "/tmp/catalog-browse-demo.sqlite"
        return path
    }()

    static func catalog() async throws -> String {
        if !FileManager.default.fileExists(atPath: demo) {
            let run = try await runCatalog(["demo", "--db", demo])
            #expect(run.status == 0, "\(run.stderr)")
        }
        return demo
    }

    @Test func lsBrowsesBothSourcesLikeAFileSystem() async throws {
        let db = try await Self.catalog()
        let top = try await runCatalog(["ls", "--db", db, "--format", "table"])
        // Frame.io accounts and Dash's top folders (known only from paths), and an unfiled asset.
        #expect(top.stdout.contains("Northlight Studio/\n") && top.stdout.contains("Brand Library/\n"), "\(top.stdout)")
        #expect(top.stdout.contains("unfiled_scan_001.pdf\n") && !top.stdout.contains("unfiled_scan_001.pdf/"), "\(top.stdout)")
        let film = try await runCatalog(["ls", "-l", "--db", db, "--format", "table", "Northlight Studio/Post Production/Feature Film/"])
        let lines = film.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("KIND") == true, "\(film.stdout)")
        #expect(lines.contains { $0.hasPrefix("version_stack") && $0.hasSuffix("Main Cut/") }, "\(film.stdout)")
        #expect(lines.contains { $0.hasPrefix("file") && $0.contains("88 MB") && $0.hasSuffix("poster.psd") }, "\(film.stdout)")
        let logos = try await runCatalog(["ls", "--db", db, "--format", "ndjson", "Brand Library"])
        let entries = logos.stdout.split(separator: "\n").compactMap { try? JSONParser.parse(String($0)) }
        #expect(entries.map { $0["path"]?.stringValue } == ["Brand Library/Fonts", "Brand Library/Logos"], "\(logos.stdout)")
        #expect(entries.allSatisfy { $0["kind"]?.stringValue == "folder" && $0["source"]?.stringValue == "dash" }, "\(logos.stdout)")
        let file = try await runCatalog(["ls", "--db", db, "--format", "table", "Northlight Studio/Post Production/Feature Film/poster.psd"])
        #expect(file.stdout == "poster.psd\n", "\(file.stdout)")
        let nothing = try await runCatalog(["ls", "--db", db, "No Such/Folder"])
        #expect(nothing.status == 1 && nothing.stderr.contains("nothing is catalogued at 'No Such/Folder'"), "\(nothing.stderr)")
    }

    @Test func showGivesEveryFieldVersionsAndHistory() async throws {
        let db = try await Self.catalog()
        let path = "Northlight Studio/Post Production/Feature Film/Main Cut/Main Cut v2.mov"
        let text = try await runCatalog(["show", "--db", db, "--format", "table", path])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.hasPrefix("Main Cut v2.mov\n"), "\(text.stdout)")
        #expect(text.stdout.contains("  size        1.1 MB (1 100 000 bytes)\n"), "\(text.stdout)")
        #expect(text.stdout.contains("  versions (3, newest first)\n"), "\(text.stdout)")
        #expect(text.stdout.contains("    ▸ Main Cut v2.mov"), "\(text.stdout)")
        #expect(text.stdout.contains("url         https://next.frame.io/project/prj-feature/view/file-cut-v2"), "\(text.stdout)")
        let json = try await runCatalog(["show", "--db", db, "--format", "json", "file-cut-v2"])
        let document = try JSONParser.parse(json.stdout)
        let shown = document["items"]?.arrayValue?.first
        #expect(shown?["item"]?["id"]?.stringValue == "file-cut-v2")
        #expect(shown?["item"]?["url"]?.stringValue == "https://next.frame.io/project/prj-feature/view/file-cut-v2")
        #expect(shown?["versions"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["Main Cut v3.mov", "Main Cut v2.mov", "Main Cut v1.mov"])
        #expect(shown?["changes"]?.arrayValue?.isEmpty == true)
        let metadata = try await runCatalog(["show", "--db", db, "--format", "table", "file-a001"])
        #expect(metadata.stdout.contains("  metadata\n") && metadata.stdout.contains("    Review Status  Approved\n"), "\(metadata.stdout)")
        // A name's line break is shown, never obeyed.
        #expect(metadata.stdout.contains("Wide establishing shot.␊Second line of notes."), "\(metadata.stdout)")
        let missing = try await runCatalog(["show", "--db", db, "no-such-id"])
        #expect(missing.status == 1 && missing.stderr.contains("no item has the id, path or name 'no-such-id'"), "\(missing.stderr)")
        // From what a table shows: a name one item has, or the start of an id.
        let named = try await runCatalog(["show", "--db", db, "--format", "json", "main cut v2.MOV"])
        #expect(named.status == 0 && (try? JSONParser.parse(named.stdout))?["items"]?.arrayValue?.first?["item"]?["id"]?.stringValue == "file-cut-v2")
        let prefix = try await runCatalog(["show", "--db", db, "--format", "json", "file-cut-v"])
        #expect(prefix.status == 64, "\(prefix.stderr)")
        let unique = try await runCatalog(["show", "--db", db, "--format", "json", "file-a001-c"])
        #expect(unique.status == 0 && unique.stdout.contains("\"file-a001-copy\""), "\(unique.stderr)")
        let short = try await runCatalog(["show", "--db", db, "--format", "json", "file-a002"])
        #expect(short.status == 0 && short.stdout.contains("\"file-a002\""), "\(short.stderr)")
        // Two files of one name (a copy in another folder): both listed.
        let twins = try await runCatalog(["show", "--db", db, "A001_C001_0301.mov"])
        #expect(twins.status == 64 && twins.stderr.contains("2 items are named 'A001_C001_0301.mov'"), "\(twins.stderr)")
        #expect(twins.stderr.contains("file-a001") && twins.stderr.contains("file-a001-copy"), "\(twins.stderr)")
        // Several items answer: each is listed with its id and path, to choose from.
        let several = try await runCatalog(["show", "--db", db, "file-cut"])
        #expect(
            several.status == 64 && several.stderr.contains("items ids start with 'file-cut'") && several.stderr.contains("file-cut-v1"),
            "\(several.stderr)")
    }

    /// `open` prints the address, and starts $BROWSER with it; a Dash asset needs DASH_ASSET_URL.
    @Test func openPrintsAndLaunchesTheItemsPage() async throws {
        let db = try await Self.catalog()
        let directory = try scratchDirectory()
        let browser = directory + "/browser"
        let seen = directory + "/seen"
        try "#!/bin/sh\nprintf '%s' \"$1\" > \(seen)\n".write(toFile: browser, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: browser)
        let run = try await runCatalog(["open", "--db", db, "file-a001"], environment: ["BROWSER": browser])
        #expect(run.status == 0 && run.stdout == "https://next.frame.io/project/prj-feature/view/file-a001\n", "\(run.stdout) \(run.stderr)")
        for _ in 0..<50 where !FileManager.default.fileExists(atPath: seen) { try await Task.sleep(for: .milliseconds(100)) }
        #expect((try? String(contentsOfFile: seen, encoding: .utf8)) == "https://next.frame.io/project/prj-feature/view/file-a001")
        let dash = try await runCatalog(["open", "--db", db, "--print", "dash-0001"])
        #expect(dash.status == 2 && dash.stderr.contains("DASH_ASSET_URL"), "\(dash.stderr)")
        let dashSet = try await runCatalog(
            ["open", "--db", db, "--print", "dash-0001"], environment: ["DASH_ASSET_URL": "https://acme.dash.app/asset/{id}"])
        #expect(dashSet.stdout == "https://acme.dash.app/asset/dash-0001\n", "\(dashSet.stdout) \(dashSet.stderr)")
        let account = try await runCatalog(["open", "--db", db, "--print", "Northlight Studio"])
        #expect(account.status == 1 && account.stderr.contains("has no page of its own"), "\(account.stderr)")
        // Search's JSON items carry the address too.
        let search = try await runCatalog(["search", "--db", db, "A001_C001_0301", "kind:file", "--format", "ndjson", "--limit", "1"])
        #expect(search.stdout.contains("\"url\":\"https://next.frame.io/project/prj-feature/view/file-a001"), "\(search.stdout)")
    }

    /// A query about a project shows which project each result is in; JSON items name it.
    @Test func aProjectQueryShowsTheProjectColumn() async throws {
        let db = try await Self.catalog()
        let table = try await runScript("COLUMNS=120 \(catalogBinary) search 'A001 project:feature*' --db \(db)")
        #expect(table.contains("PROJECT") && table.contains("Feature Film"), "\(table)")
        let json = try await runCatalog(["search", "--db", db, "A001", "--format", "ndjson", "--limit", "1"])
        #expect(json.stdout.contains("\"project\":\"Feature Film\""), "\(json.stdout)")
    }

    @Test func webLinksRefuseAddressesThatAreNotPlainHTTP() {
        #expect(WebLink.checked("https://next.frame.io/project/p/view/a") != nil)
        #expect(WebLink.checked("javascript:alert(1)") == nil)
        #expect(WebLink.checked("https://evil.example/\u{1B}[2J") == nil)
        #expect(WebLink.checked("https://a b") == nil)
        #expect(WebLink.checked("file:///etc/passwd") == nil)
    }
}

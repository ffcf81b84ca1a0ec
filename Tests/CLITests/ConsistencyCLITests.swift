import CatalogCore
import Foundation
import TestSupport
import Testing

/// Issue 33: the same flag means the same thing in every command, help lists exactly what is
/// accepted, piped output follows one rule, and the summary lines count in words and units.
@Suite(.serialized) struct ConsistencyCLITests {
    static func catalog() async throws -> String { try await ownDemo("consistency") }

    @Test func formatsAreWhatHelpListsAndNoMore() async throws {
        let db = try await Self.catalog()
        let show = try await runCatalog(["show", "--format", "csv", "anything", "--db", db])
        #expect(show.status == 64 && show.stderr.contains("Please provide one of 'table', 'json' or 'ndjson'"), "\(show.stderr)")
        let export = try await runCatalog(["export", "--format", "table", "--db", db])
        #expect(export.status == 64 && export.stderr.contains("Please provide one of 'ndjson', 'json' or 'csv'"), "\(export.stderr)")
        // `--json` is a format, not the option the parser would guess.
        for arguments in [["search", "x", "--json"], ["dupes", "--json"], ["changes", "--csv"]] {
            let run = try await runCatalog(arguments + ["--db", db])
            let format = String(arguments.last?.dropFirst(2) ?? "")
            #expect(run.status == 64 && run.stderr.contains("the format is a value, --format \(format)"), "\(arguments): \(run.stderr)")
            #expect(!run.stderr.contains("Did you mean"), "\(run.stderr)")
        }
    }

    @Test func pipedOutputFollowsOneRule() async throws {
        let db = try await Self.catalog()
        // Data commands write NDJSON when piped: fields too (it wrote one JSON array).
        let fields = try await runCatalog(["fields", "--db", db])
        let lines = fields.stdout.split(separator: "\n")
        #expect(lines.count > 1 && lines.allSatisfy { (try? JSONParser.parse(String($0)))?["name"] != nil }, "\(fields.stdout)")
        // A listing is names, one per line, as `ls | grep` expects; data is asked for.
        let ls = try await runCatalog(["ls", "--db", db])
        #expect(ls.stdout.contains("Northlight Studio/\n") && !ls.stdout.contains("{"), "\(ls.stdout)")
        let data = try await runCatalog(["ls", "--db", db, "--format", "ndjson", "--fields", "name"])
        #expect(data.stdout.split(separator: "\n").first.map { $0.hasPrefix("{\"name\":") } == true, "\(data.stdout)")
        let ignored = try await runCatalog(["ls", "--db", db, "--fields", "name"])
        #expect(ignored.status == 64 && ignored.stderr.contains("--fields picks the fields of json, ndjson and csv"), "\(ignored.stderr)")
    }

    @Test func everyReportTakesOutputAndDupesTakesLimit() async throws {
        let db = try await Self.catalog()
        let directory = try scratchDirectory()
        for (arguments, check) in [
            (["search", "kind:file", "--format", "json"], "\"report\":\"search\""), (["ls", "--format", "csv"], "source,id,"),
            (["show", "dash-0001", "--format", "json"], "\"report\":\"show\""), (["fields", "--format", "json"], "\"name\":"),
        ] {
            let file = directory + "/\(arguments[0]).out"
            let run = try await runCatalog(arguments + ["-o", file, "--db", db])
            #expect(run.status == 0 && run.stdout.isEmpty, "\(arguments): \(run.stderr)")
            let written = (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
            #expect(written.contains(check), "\(arguments): \(written.prefix(200))")
        }
        let all = try await runCatalog(["dupes", "--probable", "--format", "ndjson", "--db", db])
        let groups = all.stdout.split(separator: "\n").count
        #expect(groups >= 2, "\(all.stdout)")
        let one = try await runCatalog(["dupes", "--probable", "--limit", "1", "--format", "ndjson", "--db", db])
        #expect(one.stdout.split(separator: "\n").count == 1, "\(one.stdout)")
        // The summary counts every group, in words and the table's units.
        #expect(one.stderr.contains("1 group, 1 redundant copy, 8.4 MB reclaimable"), "\(one.stderr)")
        #expect(one.stderr.contains("1 of \(groups) groups, 1 of them probable, shown (--limit 0 for all)"), "\(one.stderr)")
    }

    @Test func searchTakesSourceAsTheOtherCommandsDo() async throws {
        let db = try await Self.catalog()
        let dash = try await runCatalog(["search", "--source", "dash", "--format", "csv", "--fields", "source", "--limit", "0", "--db", db])
        let sources = Set(dash.stdout.split(whereSeparator: \.isNewline).dropFirst().map(String.init))
        #expect(dash.status == 0 && sources == ["dash"], "\(dash.stdout) \(dash.stderr)")
        let both = try await runCatalog(["search", "kind:file", "--source", "frameio", "--format", "csv", "--fields", "source", "--db", db])
        #expect(Set(both.stdout.split(whereSeparator: \.isNewline).dropFirst().map(String.init)) == ["frameio"], "\(both.stdout)")
    }

    @Test func statusAndConfigWriteJSONForScripts() async throws {
        let db = try await Self.catalog()
        let status = try await runCatalog(["status", "--format", "json", "--db", db])
        let document = try JSONParser.parse(status.stdout)
        let sources = document["sources"]?.arrayValue?.compactMap { $0["source"]?.stringValue }
        #expect(status.status == 0 && sources == ["frameio", "dash"], "\(status.stdout)")
        #expect(document["sources"]?.arrayValue?.first?["last_complete"]?["api"]?.stringValue == "v4", "\(status.stdout)")
        let refused = try await runCatalog(["status", "--format", "csv", "--db", db])
        #expect(refused.status == 64 && refused.stderr.contains("one of 'table' and 'json'"), "\(refused.stderr)")
        let secret = "do-not-print-\(UUID().uuidString)"
        let config = try await runCatalog(["config", "--format", "json"], environment: ["DASH_TOKEN": secret, "HOME": try scratchDirectory()])
        let settings = try JSONParser.parse(config.stdout)["settings"]?.arrayValue ?? []
        #expect(settings.contains { $0["name"]?.stringValue == "DASH_TOKEN" && $0["value"]?.stringValue == "set" }, "\(config.stdout)")
        #expect(settings.contains { $0["name"]?.stringValue == "crawl.concurrency" && $0["value"]?.stringValue == "8" }, "\(config.stdout)")
        #expect(!config.stdout.contains(secret))
    }

    @Test func csvOnATerminalHasNoCarriageReturnPictures() async throws {
        let db = try await Self.catalog()
        let shown = try await runScript("\(catalogBinary) search kind:file --format csv --db \(db)")
        #expect(shown.contains("source,id,") && !shown.contains("␍"), "\(shown.prefix(300))")
        // Piped, CSV keeps its CRLF line ends (RFC 4180).
        let piped = try await runCatalog(["search", "kind:file", "--format", "csv", "--db", db])
        #expect(piped.stdout.contains("\r\n"), "\(piped.stdout.prefix(200))")
    }
}

/// A demo catalog of a suite's own: suites run side by side, and two demos on one file collide.
func ownDemo(_ name: String) async throws -> String {
    let path = scratchRoot + "/catalog-\(name)-\(getpid()).sqlite"
    if !FileManager.default.fileExists(atPath: path) {
        let run = try await runCatalog(["demo", "--db", path])
        #expect(run.status == 0, "\(run.stderr)")
    }
    return path
}

/// Issue 33: errors say what to do, in one style, and fit the terminal.
@Suite(.serialized) struct ErrorsAndPromptsCLITests {
    @Test func parseErrorsAndHelpWrapToTheTerminal() async throws {
        let db = try await ownDemo("errors")
        // A usage mistake: `catalog:` like every error, the usage wrapped between its options.
        let wrong = try await runCatalog(["dupes", "--frob", "--db", db], environment: ["COLUMNS": "80"])
        #expect(wrong.status == 64 && wrong.stderr.hasPrefix("catalog: Unknown option '--frob'"), "\(wrong.stderr)")
        #expect(wrong.stderr.split(separator: "\n").allSatisfy { $0.count <= 80 }, "\(wrong.stderr)")
        for arguments in [["dupes", "--help"], ["crawl", "local", "--help"], ["help", "search"], ["search", "--help"]] {
            let help = try await runCatalog(arguments, environment: ["COLUMNS": "80"])
            #expect(help.status == 0 && help.stdout.contains("USAGE: catalog"), "\(arguments): \(help.stdout.prefix(200))")
            let wide = help.stdout.split(separator: "\n").filter { $0.count > 80 }
            #expect(wide.isEmpty, "\(arguments): \(wide)")
        }
        // A wrong field names every field.
        let fields = try await runCatalog(["search", "x", "--fields", "id,name,metadata.Rating", "--db", db])
        #expect(fields.status == 64 && fields.stderr.contains("'metadata.Rating' is not a field; the fields: source, id, kind"), "\(fields.stderr)")
    }

    /// `catalog comments` reads its words as search does: `-focus` unquoted, anywhere, is an
    /// exclusion, not the flags `-f -o -c -u -s`; a run of short flags (`-q`) stays a flag.
    @Test func commentsWordsMayStartWithADash() async throws {
        let db = try await ownDemo("errors")
        let logo = try await runCatalog(["comments", "logo", "--db", db, "--format", "csv"])
        #expect(logo.status == 0 && logo.stdout.contains("cmt-focus,") && logo.stdout.contains("cmt-cut,"), "\(logo.stdout) \(logo.stderr)")
        let excluded = try await runCatalog(["comments", "logo", "-focus", "--db", db, "--format", "csv"])
        #expect(excluded.status == 0 && !excluded.stdout.contains("cmt-focus,") && excluded.stdout.contains("cmt-cut,"), "\(excluded.stderr)")
        let first = try await runCatalog(["comments", "-focus", "-q", "logo", "--db", db, "--format", "csv"])
        #expect(first.status == 0 && first.stdout == excluded.stdout && first.stderr.isEmpty, "\(first.stderr)")
    }

    /// `--limit` on ls and fields too, counted as everywhere: "N of M shown (--limit 0 for all)".
    @Test func lsAndFieldsTakeALimit() async throws {
        let db = try await ownDemo("errors")
        let ls = try await runCatalog(["ls", "--limit", "1", "--db", db])
        #expect(ls.status == 0 && ls.stdout.split(separator: "\n").count == 1, "\(ls.stdout)")
        #expect(ls.stderr.contains("1 of ") && ls.stderr.contains(" entries shown (--limit 0 for all)"), "\(ls.stderr)")
        let fields = try await runCatalog(["fields", "--limit", "2", "--format", "ndjson", "--db", db])
        #expect(fields.status == 0 && fields.stdout.split(separator: "\n").count == 2, "\(fields.stdout)")
        #expect(fields.stderr.contains("2 of ") && fields.stderr.contains(" fields shown"), "\(fields.stderr)")
        let all = try await runCatalog(["ls", "--limit", "0", "--db", db])
        #expect(all.stdout.split(separator: "\n").count > 1 && all.stderr.isEmpty, "\(all.stderr)")
    }

    /// export's --limit is every listing's: the most rows, 0 for all (its default, but a
    /// search's first million); a mistyped option among comments' words is refused as search
    /// refuses it, and search points --project at project:.
    @Test func exportLimitsAndMistypedOptionsAreAsEverywhere() async throws {
        let db = try await ownDemo("errors")
        let one = try await runCatalog(["export", "inventory", "--limit", "1", "--db", db])
        #expect(one.status == 0 && one.stdout.split(separator: "\n").count == 1, "\(one.stdout)")
        let all = try await runCatalog(["export", "search", "A001", "--limit", "0", "--db", db])
        #expect(all.status == 0 && all.stdout.split(separator: "\n").count == 3, "\(all.stdout) \(all.stderr)")
        let bogus = try await runCatalog(["comments", "logo", "--bogus", "--db", db])
        #expect(
            bogus.status == 64 && bogus.stderr.contains("unknown option '--bogus'") && bogus.stderr.contains("comments's options"), "\(bogus.stderr)")
        let worded = try await runCatalog(["comments", "--db", db, "--format", "csv", "--", "--open"])
        #expect(worded.status == 0, "after --, words are the query's: \(worded.stderr)")
        let project = try await runCatalog(["search", "A001", "--project", "Feature Film", "--db", db])
        #expect(project.status == 64 && project.stderr.contains("project:NAME"), "\(project.stderr)")
    }

    /// --project means what project: means in a search, everywhere: a name, case-insensitive, *
    /// a wildcard, several with commas; a name no project has is the same usage error.
    @Test func projectMeansTheSameInEveryCommand() async throws {
        let db = try await ownDemo("errors")
        for command in [["dupes"], ["comments"], ["changes"], ["export", "dupes"], ["export", "changes"], ["export", "comments"]] {
            let named = try await runCatalog(command + ["--project", "FEATURE*,nope", "--format", "csv", "--db", db])
            #expect(named.status == 0, "\(command): \(named.stderr)")
            let none = try await runCatalog(command + ["--project", "Nope", "--db", db])
            #expect(none.status == 64 && none.stderr.contains("no project is called 'Nope'"), "\(command): \(none.stderr)")
        }
        // A project's id works too; an export that lists no projects refuses the flag.
        let byID = try await runCatalog(["dupes", "--project", "prj-feature", "--format", "csv", "--db", db])
        #expect(byID.status == 0, "\(byID.stderr)")
        let refused = try await runCatalog(["export", "inventory", "--project", "Feature Film", "--db", db])
        #expect(refused.status == 64 && refused.stderr.contains("--project is for export dupes"), "\(refused.stderr)")
        // The demo's comments are all in Feature Film and Spring Spot: a project keeps its own.
        let all = try await runCatalog(["comments", "--format", "csv", "--db", db])
        let feature = try await runCatalog(["comments", "--project", "feature film", "--format", "csv", "--db", db])
        let rows = { (run: Run) in run.stdout.split(whereSeparator: \.isNewline).count - 1 }
        #expect(rows(feature) > 0 && rows(feature) < rows(all), "\(feature.stdout)")
    }

    /// Every command that lists rows takes the same --format, --limit and -o (one option group):
    /// the same values, the same checks, one row with --limit 1 written to the file -o names.
    @Test func everyListingTakesTheSameFormatLimitAndOutput() async throws {
        let db = try await ownDemo("errors")
        let directory = scratchRoot + "/catalog-listing-\(getpid())"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for command in [["search", "kind:file"], ["ls", "Northlight Studio"], ["changes", "--since", "0"], ["comments"], ["dupes"], ["fields"]] {
            let name = command[0]
            let file = directory + "/" + name + ".ndjson"
            let one = try await runCatalog(command + ["--format", "ndjson", "--limit", "1", "-o", file, "--db", db])
            #expect(one.status == 0 && one.stdout.isEmpty, "\(name): \(one.stderr)")
            let written = (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
            // The demo is one crawl: it has no changes to list (a first crawl is not itemised).
            let rows = name == "changes" ? 0 : 1
            #expect(written.split(separator: "\n").count == rows && (rows == 0 || written.hasPrefix("{")), "\(name): \(written.prefix(200))")
            // Without --format, the file's extension names it.
            let csvFile = directory + "/" + name + ".csv"
            let csv = try await runCatalog(command + ["--limit", "1", "-o", csvFile, "--db", db])
            let csvText = (try? String(contentsOfFile: csvFile, encoding: .utf8)) ?? ""
            let header = csvText.split(whereSeparator: \.isNewline).first ?? ""
            #expect(csv.status == 0 && header.contains(",") && !header.hasPrefix("{"), "\(name): \(csvText.prefix(200))")
            let negative = try await runCatalog(command + ["--limit=-1", "--db", db])
            #expect(negative.status == 64 && negative.stderr.contains("--limit must be between 0 (all) and 1"), "\(name): \(negative.stderr)")
            let unknown = try await runCatalog(command + ["--format", "xml", "--db", db])
            #expect(unknown.status == 64 && unknown.stderr.contains("one of 'table', 'json', 'ndjson' or 'csv'"), "\(name): \(unknown.stderr)")
        }
    }

    @Test func aTakenPortIsSaidSo() async throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(listener) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length) } }
        _ = listen(listener, 1)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) } }
        let port = Int(UInt16(bigEndian: address.sin_port))
        let db = try await ownDemo("errors")
        for arguments in [["serve", "--db", db, "--port", "\(port)"], ["sandbox", "--port", "\(port)"]] {
            let run = try await runCatalog(arguments)
            #expect(run.status == 2 && run.stderr.contains("port \(port) on 127.0.0.1 is taken"), "\(arguments): \(run.stderr)")
            #expect(run.stderr.contains("--port 0") && !run.stderr.contains("errno"), "\(run.stderr)")
        }
    }

    @Test func aPastedSignInEndsWithItsInputAndLogoutForgets() async throws {
        let home = try scratchDirectory()
        let environment = ["HOME": home, "XDG_CONFIG_HOME": home + "/config", "FRAMEIO_CLIENT_ID": "client-1"]
        // stdin is /dev/null: the input ends at once; the sign-in ends with it (it waited forever).
        let login = try await runCatalog(["login", "frameio", "--paste"], environment: environment)
        #expect(login.status == 2 && login.stderr.contains("the input ended before an address or code was pasted"), "\(login.stderr)")
        let nothing = try await runCatalog(["logout"], environment: environment)
        #expect(nothing.status == 0 && nothing.stderr.contains("No Frame.io sign-in is kept"), "\(nothing.stderr)")
        let file = home + "/config/catalog/credentials.json"
        try FileManager.default.createDirectory(atPath: home + "/config/catalog", withIntermediateDirectories: true)
        try #"{"dash":{"refresh_token":"d"},"frameio":{"client_id":"client-1","refresh_token":"r-1"}}"#.write(
            toFile: file, atomically: true, encoding: .utf8)
        let out = try await runCatalog(["logout", "frameio"], environment: environment)
        #expect(out.status == 0 && out.stderr.contains("Signed out of Frame.io"), "\(out.stderr)")
        let kept = (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
        #expect(!kept.contains("r-1") && kept.contains("\"dash\""), "\(kept)")
    }

    @Test func openOnALocalFilePrintsWhereItIs() async throws {
        let directory = try scratchDirectory()
        let card = directory + "/CARD"
        try FileManager.default.createDirectory(atPath: card + "/CLIPS", withIntermediateDirectories: true)
        try Data("take".utf8).write(to: URL(fileURLWithPath: card + "/CLIPS/A001.mov"))
        let db = directory + "/local.sqlite"
        let crawl = try await runCatalog(["crawl", "local", card, "--db", db, "-q"])
        #expect(crawl.status == 0, "\(crawl.stderr)")
        let open = try await runCatalog(["open", "A001.mov", "--db", db, "--print"])
        #expect(open.status == 0 && open.stdout == card + "/CLIPS/A001.mov\n", "\(open.stdout) \(open.stderr)")
    }
}

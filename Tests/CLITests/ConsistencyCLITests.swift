import CatalogCore
import Foundation
import Testing

/// Issue 33: the same flag means the same thing in every command, help lists exactly what is
/// accepted, piped output follows one rule, and the summary lines count in words and units.
@Suite(.serialized) struct ConsistencyCLITests {
    static func catalog() async throws -> String { try await BrowseCLITests.catalog() }

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
        #expect(one.stderr.contains("1 of \(groups) groups shown (--limit 0 for all)"), "\(one.stderr)")
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

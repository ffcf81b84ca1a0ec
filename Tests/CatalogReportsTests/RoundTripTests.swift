import CatalogCore
import CatalogReports
import Foundation
import SwiftCSV
import Testing

@Suite struct RoundTripTests {
    static let hostileNames = [
        #"quote " inside"#, "comma, inside", "new\nline", "cr\r\nlf", "=SUM(A1:A9)", "+1 call", "-minus", "@mention", "\ttab first",
        "ünïcødé 日本語 🎬", #""fully quoted""#, "trailing space ", "", "semi;colon", "back\\slash",
    ]

    func item(_ index: Int, _ name: String) -> CatalogItem {
        CatalogItem(
            source: .frameio, id: "id\(index)", kind: .file, name: name, parentID: "p", projectID: "p", path: "Proj/\(name)", size: Int64(index),
            record: "{}")
    }

    /// What a spreadsheet shows for a neutralised cell: the value with a leading `'`.
    func shown(_ value: String) -> String {
        guard let first = value.unicodeScalars.first, ["=", "+", "-", "@", "\t", "\r"].contains(first) else { return value }
        return "'" + value
    }

    @Test func hostileNamesSurviveACSVParser() throws {
        var output: [UInt8] = []
        var writer = ItemWriter(format: .csv, report: "inventory") { output.append(contentsOf: $0) }
        try writer.begin()
        for (i, name) in Self.hostileNames.enumerated() { try writer.write(item(i, name)) }
        try writer.end()
        let text = String(decoding: output, as: UTF8.self)
        let parsed = try CSV<Named>(string: text, delimiter: .comma, loadColumns: false)
        #expect(parsed.header.first == "source")
        #expect(parsed.rows.count == Self.hostileNames.count)
        for (i, row) in parsed.rows.enumerated() {
            // CRLF inside a quoted cell is data; SwiftCSV keeps it as written.
            #expect(row["name"] == shown(Self.hostileNames[i]), "row \(i)")
            #expect(row["path"] == "Proj/\(Self.hostileNames[i])", "row \(i)")
            #expect(row["id"] == "id\(i)" && row["size"] == String(i))
        }
    }

    @Test func dupesReportsMatchTheirGoldenFiles() throws {
        let groups = [
            DuplicateGroup(
                number: 1, probable: false, digestKind: "xxh64", digest: "00000000000000aa", size: 1000,
                copies: [
                    .init(
                        source: .frameio, id: "f1", kind: .file, path: "A/T/P/=cut.mov", projectID: "P", stackID: nil, xxh64: "00000000000000aa",
                        md5: nil),
                    .init(
                        source: .frameio, id: "f2", kind: .file, path: "A/T/P/Stack/v1, \"final\".mov", projectID: "P", stackID: "S",
                        xxh64: "00000000000000aa", md5: nil),
                    .init(
                        source: .frameio, id: "f3", kind: .file, path: "A/T/P/Stack/v2.mov", projectID: "P", stackID: "S", xxh64: "00000000000000aa",
                        md5: nil),
                ]),
            DuplicateGroup(
                number: 2, probable: true, digestKind: "size+name", digest: "7:same.mov", size: 7,
                copies: [
                    .init(source: .dash, id: "d1", kind: .asset, path: "Brand/same.mov", projectID: nil, stackID: nil, xxh64: nil, md5: nil),
                    .init(source: .dash, id: "d2", kind: .asset, path: "Other/same.mov", projectID: nil, stackID: nil, xxh64: nil, md5: nil),
                ]),
        ]
        for (format, file) in [(OutputFormat.csv, "dupes.csv"), (.json, "dupes.json"), (.ndjson, "dupes.ndjson")] {
            var output: [UInt8] = []
            var writer = DuplicateWriter(format: format) { output.append(contentsOf: $0) }
            try writer.begin()
            for group in groups { try writer.write(group) }
            try writer.end()
            let url = try #require(Bundle.module.url(forResource: "Golden/\(file)", withExtension: nil))
            let golden = try String(contentsOf: url, encoding: .utf8)
            #expect(String(decoding: output, as: UTF8.self) == golden, "\(file)")
            #expect(writer.totals.groups == 1 && writer.totals.redundantCopies == 1 && writer.totals.reclaimableBytes == 1000)
        }
    }
}

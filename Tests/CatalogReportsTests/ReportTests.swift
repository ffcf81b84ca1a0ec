import CatalogCore
import CatalogReports
import Foundation
import Testing

@Suite struct ReportTests {
    let item = CatalogItem(
        source: .frameio, id: "f1", kind: .file, name: "=HYPERLINK(\"x\"), \"q\"\nline", parentID: "p", projectID: "p",
        path: "A/B/=x", size: 12, mime: "video/mp4", createdAt: Timestamp.parse("2025-01-02T03:04:05Z"), label: "approved",
        xxh64: "0011223344556677", record: "{}")

    func render(_ format: OutputFormat) throws -> String {
        var output: [UInt8] = []
        var writer = ItemWriter(format: format, report: "search") { bytes in output.append(contentsOf: bytes) }
        try writer.begin()
        try writer.write(item)
        try writer.end()
        return String(decoding: output, as: UTF8.self)
    }

    @Test func csvQuotesAndNeutralisesFormulas() throws {
        let csv = try render(.csv)
        let lines = csv.components(separatedBy: "\r\n")
        #expect(
            lines[0]
                == "source,id,kind,name,path,parent_id,project_id,size,mime,created_at,updated_at,uploaded_at,label,"
                + "xxh64,md5,digest,state,folders,metadata"
        )
        #expect(csv.contains(#""'=HYPERLINK(""x""), ""q"""#))
        #expect(csv.contains(",'=x,") == false && csv.contains("A/B/=x"))
    }

    @Test func ndjsonHasEveryKey() throws {
        let line = try render(.ndjson)
        let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
        #expect(Set(object.keys) == Set(ItemField.stored.map(\.rawValue)))
        #expect(object["size"] as? Int == 12)
        #expect(object["name"] as? String == item.name)
        #expect(object["md5"] is NSNull)
        #expect(object["created_at"] as? String == "2025-01-02T03:04:05Z")
    }

    @Test func jsonIsVersioned() throws {
        let object = try JSONSerialization.jsonObject(with: Data(try render(.json).utf8)) as! [String: Any]
        #expect(object["version"] as? Int == 1)
        #expect((object["items"] as? [Any])?.count == 1)
    }

    @Test func tableHidesControlCharacters() throws {
        let table = try render(.table)
        #expect(!table.dropLast().contains("\nline"))
        #expect(table.hasPrefix("NAME"))
    }
}

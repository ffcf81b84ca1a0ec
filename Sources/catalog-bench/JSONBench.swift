import ArgumentParser
import CatalogCore
import Foundation

/// `catalog-bench json`: the project's JSON parser and canonical writer on pages shaped like a
/// Frame.io children page (100 assets of ~40 members, strings with escapes and non-ASCII), with
/// Foundation's JSONSerialization parsing the same bytes as the reference.
struct JSONBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "json", abstract: "Parse and canonical-write throughput of the JSON stack, against JSONSerialization.")

    @Option(help: "Pages to parse (100 assets each).")
    var pages = 200

    @Option(help: "Write the result as Markdown table rows to this file (appended).")
    var markdown: String?

    func run() throws {
        let bodies = (0..<pages).map { Self.page($0) }
        let bytes = bodies.reduce(0) { $0 + $1.count }
        func timed(_ body: () throws -> Void) rethrows -> Double {
            let start = ContinuousClock.now
            try body()
            return SearchBench.milliseconds(ContinuousClock.now - start) / 1000
        }
        var values: [JSONValue] = []
        let parse = try timed { values = try bodies.map { try JSONParser.parse($0) } }
        var written = 0
        let write = timed {
            for value in values {
                guard case .array(let assets) = value else { continue }
                for asset in assets { written += JSONWriter.string(asset).utf8.count }
            }
        }
        let foundation = try timed { for body in bodies { _ = try JSONSerialization.jsonObject(with: Data(body)) } }
        let megabytes = Double(bytes) / 1e6
        let rows = [
            String(format: "| JSONParser.parse | %.1f MB | %.3f s | %.0f MB/s |", megabytes, parse, megabytes / parse),
            String(
                format: "| JSONWriter canonical, per asset | %.1f MB | %.3f s | %.0f MB/s |", Double(written) / 1e6, write,
                Double(written) / 1e6 / write),
            String(
                format: "| JSONSerialization.jsonObject (reference) | %.1f MB | %.3f s | %.0f MB/s |", megabytes, foundation, megabytes / foundation),
        ]
        for row in rows { print(row) }
        if let markdown {
            let handle =
                FileHandle(forWritingAtPath: markdown)
                ?? { () -> FileHandle? in
                    FileManager.default.createFile(atPath: markdown, contents: nil)
                    return FileHandle(forWritingAtPath: markdown)
                }()
            handle?.seekToEndOfFile()
            handle?.write(Data((rows.joined(separator: "\n") + "\n").utf8))
            handle?.closeFile()
        }
    }

    /// One page of 100 assets as the v2 service sends them.
    static func page(_ number: Int) -> [UInt8] {
        var assets: [JSONValue] = []
        for index in 0..<100 {
            let id = String(format: "%08x-%04x-4000-8000-%012x", number, index, number * 100 + index)
            let members: [(key: String, value: JSONValue)] = [
                ("id", .string(id)), ("name", .string("A001_C\(index)_0712 \"take\" \\ Ä 🎬.mov")), ("type", .string("file")),
                ("_type", .string("file")), ("parent_id", .string(id)), ("project_id", .string(id)), ("team_id", .string(id)),
                ("account_id", .string(id)), ("inserted_at", .string("2026-07-12T09:14:03.123456Z")),
                ("updated_at", .string("2026-07-13T10:00:00.000000Z")), ("deleted_at", .null), ("archived_at", .null),
                ("index", .number(String(index))), ("view_count", .number("17")), ("filesize", .number(String(1_000_000 + index * 7919))),
                ("filetype", .string("video/quicktime")), ("asset_type", .string("stream")), ("duration", .number("123.456")),
                ("fps", .number("23.976")), ("uploaded_at", .string("2026-07-12T09:20:00Z")), ("label", .string("in_progress")),
                ("checksums", .object([("xx_hash", .string(String(format: "%016llx", UInt64(index) &* 0x9E37_79B9_7F4A_7C15)))])),
                ("original", .string("https://assets.frame.io/\(id)/original?Expires=1790000000&Signature=abc%2Bdef&Key-Pair-Id=K")),
                ("thumb", .string("https://assets.frame.io/\(id)/thumb?Expires=1790000000&Signature=abc%2Bdef&Key-Pair-Id=K")),
                ("description", .string("Line one\nLine two\twith a tab, \u{00e9}t\u{00e9}, 中文")),
                (
                    "properties",
                    .object([
                        ("scene", .string("12A")), ("take", .number("3")), ("circled", .bool(true)), ("notes", .array([.string("soft"), .null])),
                    ])
                ),
            ]
            assets.append(.object(members))
        }
        return Array(JSONWriter.string(.array(assets), canonical: false).utf8)
    }
}

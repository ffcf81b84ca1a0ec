import CatalogCore
import Foundation

/// Writes review comments (`catalog comments`, `catalog export comments`) in one
/// ``OutputFormat``, streaming (the table keeps only its rows). Keys and columns are documented
/// in docs/reports.md.
public struct CommentWriter {
    /// The columns, in order; the same names are the JSON keys.
    public static let columns = [
        "id", "file_id", "parent_id", "path", "timecode", "timestamp", "duration", "page", "author", "author_email", "completed",
        "completed_at", "created_at", "text_edited_at", "text",
    ]

    private let format: OutputFormat
    private let sink: (borrowing [UInt8]) throws -> Void
    private let width: Int
    private var count = 0
    private var rows: [ListedComment] = []
    private var buffer: [UInt8] = []

    /// Creates a writer sending bytes to `sink`; a table is fitted to `width` terminal cells.
    public init(format: OutputFormat, width: Int = 160, sink: @escaping (borrowing [UInt8]) throws -> Void) {
        self.format = format
        self.width = width
        self.sink = sink
    }

    /// Comments written so far.
    public var commentCount: Int { count }

    public mutating func begin() throws {
        switch format {
        case .csv: buffer += Array(CSV.row(Self.columns).utf8)
        case .json: buffer += Array(ItemWriter.envelope("comments", list: "comments").utf8)
        case .ndjson, .table: break
        }
    }

    public mutating func write(_ listed: ListedComment) throws {
        switch format {
        case .csv:
            buffer += Array(CSV.row(Self.texts(listed).map { $0 ?? "" }).utf8)
        case .json, .ndjson:
            if format == .json, count > 0 { buffer.append(UInt8(ascii: ",")) }
            var w = JSONWriter()
            Self.writeJSON(listed, to: &w)
            buffer += w.bytes
            if format == .ndjson { buffer.append(0x0A) }
        case .table:
            rows.append(listed)
        }
        count += 1
        if buffer.count >= 1 << 16 { try flush() }
    }

    public mutating func end() throws {
        switch format {
        case .json: buffer += Array("]}\n".utf8)
        case .table: buffer += Array(Self.table(rows, width: width).utf8)
        case .csv, .ndjson: break
        }
        try flush()
    }

    private mutating func flush() throws {
        guard !buffer.isEmpty else { return }
        try sink(buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    /// `listed` as one JSON object with the keys of ``columns`` (numbers as numbers, `completed`
    /// a boolean).
    public static func writeJSON(_ listed: ListedComment, to w: inout JSONWriter) {
        let c = listed.comment
        let texts = texts(listed)
        w.appendRaw("{")
        for (i, key) in columns.enumerated() {
            if i > 0 { w.appendRaw(",") }
            w.writeString(key)
            w.appendRaw(":")
            switch key {
            case "timestamp": w.appendRaw(c.timestamp.map(String.init) ?? "null")
            case "duration": w.appendRaw(c.duration.map(String.init) ?? "null")
            case "page": w.appendRaw(c.page.map(String.init) ?? "null")
            case "completed": w.appendRaw(c.isCompleted ? "true" : "false")
            default:
                if let text = texts[i] { w.writeString(text) } else { w.appendRaw("null") }
            }
        }
        w.appendRaw("}")
    }

    /// The values of ``columns`` as text (nil where absent).
    static func texts(_ listed: ListedComment) -> [String?] {
        let c = listed.comment
        return [
            c.id, c.fileID, c.parentID, listed.path, c.timecode, c.timestamp.map(String.init), c.duration.map(String.init),
            c.page.map(String.init), c.authorName, c.authorEmail, c.isCompleted ? "true" : "false", c.completedAt.map(Timestamp.format),
            c.createdAt.map(Timestamp.format), c.textEditedAt.map(Timestamp.format), c.text,
        ]
    }

    /// Where in the file a comment points: its timecode, or its page.
    public static func place(_ comment: CatalogComment) -> String {
        if let timecode = comment.timecode { return timecode }
        if let page = comment.page { return "p. \(page)" }
        return ""
    }

    /// The table for a person: each file's path on a line of its own, its comments under it,
    /// one line each (the text flattened), replies marked `↳` under the comment they answer; `✓`
    /// marks a completed note. The text takes what the other columns leave of `width`.
    static func table(_ comments: [ListedComment], width: Int) -> String {
        guard !comments.isEmpty else { return "" }
        var rows: [[String]] = []
        var files: [String] = []
        for listed in comments {
            let c = listed.comment
            files.append(TableRenderer.clean(listed.path ?? "(file \(c.fileID), not catalogued)"))
            let flat = c.text.split(whereSeparator: \.isNewline).joined(separator: " ")
            rows.append([
                "", place(c), TableRenderer.clean(c.authorName ?? ""), c.isCompleted ? "✓" : "",
                TableRenderer.clean((c.parentID == nil ? "" : "↳ ") + flat),
            ])
        }
        let header = ["", "AT", "AUTHOR", "DONE", "TEXT"]
        func widest(_ column: Int) -> Int { rows.reduce(DisplayWidth.of(header[column])) { max($0, DisplayWidth.of($1[column])) } }
        var limits = header.indices.map(widest)
        limits[2] = min(limits[2], 18)
        limits[4] = max(14, width - (limits[1] + limits[2] + limits[3]) - 2 * (header.count - 1))
        let lines = TableRenderer.grid(header: header, rows: rows, limits: limits).split(separator: "\n", omittingEmptySubsequences: false)
        var out = String(lines[0]) + "\n"
        for (index, file) in files.enumerated() {
            if index == 0 || file != files[index - 1] { out += DisplayWidth.elidePath(file, to: max(10, width)) + "\n" }
            out += String(lines[index + 1]) + "\n"
        }
        return out
    }
}

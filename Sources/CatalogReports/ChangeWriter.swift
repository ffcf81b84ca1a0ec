import CatalogCore
import Foundation

/// Writes ``CatalogChange``s (`catalog changes`) in one ``OutputFormat``, streaming (the table
/// keeps only its rows). Keys and columns are documented in docs/reports.md.
public struct ChangeWriter {
    /// The columns, in order; the same names are the JSON keys.
    public static let columns = [
        "crawl_id", "finished_at", "source", "id", "change", "kind", "name", "old_path", "new_path", "fields", "old_digest", "new_digest",
    ]

    private let format: OutputFormat
    private let sink: (borrowing [UInt8]) throws -> Void
    private var count = 0
    private var rows: [[String]] = []
    private var buffer: [UInt8] = []

    /// Creates a writer sending bytes to `sink`.
    public init(format: OutputFormat, sink: @escaping (borrowing [UInt8]) throws -> Void) {
        self.format = format
        self.sink = sink
    }

    /// Writes whatever opens the document.
    public mutating func begin() throws {
        switch format {
        case .csv: buffer += Array(CSV.row(Self.columns).utf8)
        case .json: buffer += Array("{\"version\":\(ItemWriter.schemaVersion),\"report\":\"changes\",\"changes\":[".utf8)
        case .ndjson, .table: break
        }
    }

    /// Writes one change.
    public mutating func write(_ change: CatalogChange) throws {
        switch format {
        case .csv:
            var cells = Self.texts(change).map { $0 ?? "" }
            cells[9] = change.fields.joined(separator: ",")
            buffer += Array(CSV.row(cells).utf8)
        case .json, .ndjson:
            if format == .json, count > 0 { buffer.append(UInt8(ascii: ",")) }
            var w = JSONWriter()
            Self.writeJSON(change, to: &w)
            buffer += w.bytes
            if format == .ndjson { buffer.append(0x0A) }
        case .table:
            let path =
                switch change.change {
                case .added: change.newPath ?? ""
                case .deleted: change.oldPath ?? ""
                case .modified: change.newPath ?? ""
                case .moved: "\(change.oldPath ?? "") → \(change.newPath ?? "")"
                }
            rows.append([
                change.change.rawValue, change.kind, TableRenderer.clean(change.name), TableRenderer.clean(path),
                change.fields.joined(separator: ","), String(change.crawlID),
            ])
        }
        count += 1
        if buffer.count >= 1 << 16 { try flush() }
    }

    /// Writes `change` as one JSON object with the keys of ``columns``.
    public static func writeJSON(_ change: CatalogChange, to w: inout JSONWriter) {
        let texts = texts(change)
        w.appendRaw("{")
        for (i, key) in Self.columns.enumerated() {
            if i > 0 { w.appendRaw(",") }
            w.writeString(key)
            w.appendRaw(":")
            if key == "crawl_id" {
                w.appendRaw(String(change.crawlID))
            } else if key == "fields" {
                w.write(.array(change.fields.map { .string($0) }), canonical: false)
            } else if let text = texts[i] {
                w.writeString(text)
            } else {
                w.appendRaw("null")
            }
        }
        w.appendRaw("}")
    }

    /// The values of ``columns`` as text (nil where absent; `fields` is written apart).
    private static func texts(_ change: CatalogChange) -> [String?] {
        [
            String(change.crawlID), change.finishedAt.map(Timestamp.format), change.source.rawValue, change.id, change.change.rawValue,
            change.kind, change.name, change.oldPath, change.newPath, nil, change.oldDigest, change.newDigest,
        ]
    }

    /// Closes the document and flushes.
    public mutating func end() throws {
        switch format {
        case .json: buffer += Array("]}\n".utf8)
        case .table:
            let text =
                rows.isEmpty
                ? "no changes\n"
                : TableRenderer.grid(
                    header: ["CHANGE", "KIND", "NAME", "PATH", "FIELDS", "CRAWL"], rows: rows, limits: [8, 13, 36, 90, 30, 6])
            buffer += Array(text.utf8)
        case .csv, .ndjson: break
        }
        try flush()
    }

    /// Changes written so far.
    public var changeCount: Int { count }

    private mutating func flush() throws {
        guard !buffer.isEmpty else { return }
        try sink(buffer)
        buffer.removeAll(keepingCapacity: true)
    }
}

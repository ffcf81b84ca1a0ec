import CatalogCore
import Foundation

/// Writes items in one ``OutputFormat`` to a byte sink, one at a time (constant memory for
/// JSON, NDJSON and CSV; the table buffers only what it shows).
public struct ItemWriter {
    /// The report schema version written in JSON documents.
    public static let schemaVersion = 1

    /// How every JSON report opens: `{"version":1,"report":"<report>","<list>":[`.
    static func envelope(_ report: String, list: String) -> String {
        "{\"version\":\(schemaVersion),\"report\":\"\(report)\",\"\(list)\":["
    }

    private let format: OutputFormat
    /// The terminal cells a table may take.
    private let width: Int
    private let sink: (borrowing [UInt8]) throws -> Void
    private var count = 0
    private var tableRows: [CatalogItem] = []
    private var buffer: [UInt8] = []
    private let report: String
    private let fields: [ItemField]
    private let link: WebLink?
    private let projects: [String: String]
    /// The ids a table's ID column shows, shortened (``TableRenderer/render``); whole otherwise.
    public var shortIDs: [ItemKey: String] = [:]

    /// Creates a writer sending bytes to `sink`; `report` names the report in JSON documents.
    /// `fields` are the columns of a table or CSV and the keys of JSON items, in that order (by
    /// default every field, and ``TableRenderer/defaultFields`` in a table); `link` gives the
    /// `url` field and `projects` (project id → name) the `project` field (without them, they
    /// are not among the defaults and are empty).
    public init(
        format: OutputFormat, report: String, fields: [ItemField]? = nil, link: WebLink? = nil, projects: [String: String]? = nil,
        width: Int = 160, sink: @escaping (borrowing [UInt8]) throws -> Void
    ) {
        let all = ItemField.stored + (link == nil ? [] : [.url]) + (projects == nil ? [] : [.project])
        self.projects = projects ?? [:]
        self.fields = fields ?? (format == .table ? TableRenderer.defaultFields : all)
        self.link = link
        self.format = format
        self.width = width
        self.sink = sink
        self.report = report
        buffer.reserveCapacity(1 << 16)
    }

    /// Writes whatever opens the document (CSV header, JSON envelope).
    public mutating func begin() throws {
        switch format {
        case .csv:
            append(CSV.row(fields.map(\.rawValue)))
        case .json:
            append(Self.envelope(report, list: "items"))
        case .ndjson, .table:
            break
        }
    }

    /// Writes one item.
    public mutating func write(_ item: CatalogItem) throws {
        switch format {
        case .csv:
            let (link, projects) = (link, projects)
            CSV.appendRow(fields.lazy.map { $0.text(of: item, link: link, projects: projects) ?? "" }, to: &buffer)
        case .json:
            if count > 0 { append(",") }
            appendJSON(item)
        case .ndjson:
            appendJSON(item)
            append("\n")
        case .table:
            tableRows.append(item)
        }
        count += 1
        if buffer.count >= 1 << 16 { try flush() }
    }

    /// Closes the document and flushes.
    public mutating func end() throws {
        switch format {
        case .json: append("]}\n")
        case .table:
            append(TableRenderer.render(tableRows, fields: fields, link: link, projects: projects, shortIDs: shortIDs, width: width))
        case .csv, .ndjson: break
        }
        try flush()
    }

    /// Items written so far.
    public var itemCount: Int { count }

    private mutating func appendJSON(_ item: CatalogItem) {
        var w = JSONWriter(appendingTo: buffer)
        buffer = []
        Self.writeJSON(item, fields: fields, link: link, projects: projects, to: &w)
        buffer = w.bytes
    }

    /// Writes `item` with `versions`, `sameContent` and `changes` as one JSON object
    /// (`{"item":…,"versions":[…],"same_content":[…],"changes":[…]`, left open for more keys).
    public static func writeDetailsJSON(
        item: CatalogItem, versions: [CatalogItem], sameContent: [CatalogItem], changes: [CatalogChange], link: WebLink?,
        projects: [String: String] = [:], thumbnails: [ItemKey: String]? = nil, comments: [ListedComment] = [], to w: inout JSONWriter
    ) {
        w.appendRaw("{\"item\":")
        writeJSON(item, fields: ItemField.allCases, link: link, projects: projects, thumbnails: thumbnails, to: &w)
        for (key, items) in [("versions", versions), ("same_content", sameContent)] {
            w.appendRaw(",\"\(key)\":[")
            for (i, other) in items.enumerated() {
                if i > 0 { w.appendRaw(",") }
                writeJSON(other, fields: ItemField.allCases, link: link, projects: projects, thumbnails: thumbnails, to: &w)
            }
            w.appendRaw("]")
        }
        w.appendRaw(",\"changes\":[")
        for (i, change) in changes.enumerated() {
            if i > 0 { w.appendRaw(",") }
            ChangeWriter.writeJSON(change, to: &w)
        }
        // Its review comments and replies (docs/reports.md, comments), each reply after the
        // comment it answers.
        w.appendRaw("],\"comments\":[")
        for (i, comment) in comments.enumerated() {
            if i > 0 { w.appendRaw(",") }
            CommentWriter.writeJSON(comment, to: &w)
        }
        w.appendRaw("]")
    }

    /// Writes `item` as one JSON object of `fields` (the keys of docs/reports.md); with
    /// `thumbnails` (catalog serve), also `thumbnail`: the address of its cached picture, or null.
    public static func writeJSON(
        _ item: CatalogItem, fields: [ItemField], link: WebLink?, projects: [String: String] = [:], thumbnails: [ItemKey: String]? = nil,
        to w: inout JSONWriter
    ) {
        w.appendRaw("{")
        if let thumbnails {
            w.appendRaw("\"thumbnail\":")
            if let file = thumbnails[ItemKey(source: item.source, id: item.id)] { w.writeString("/thumbnails/" + file) } else { w.appendRaw("null") }
            if !fields.isEmpty { w.appendRaw(",") }
        }
        for (i, field) in fields.enumerated() {
            if i > 0 { w.appendRaw(",") }
            w.writeString(field.rawValue)
            w.appendRaw(":")
            switch field {
            case .size:
                w.appendRaw(item.size.map(String.init) ?? "null")
            case .folders:
                w.appendRaw(item.foldersJSON ?? "[]")
            case .metadata:
                w.appendRaw(item.metadataJSON ?? "{}")
            default:
                if let text = field.text(of: item, link: link, projects: projects) { w.writeString(text) } else { w.appendRaw("null") }
            }
        }
        w.appendRaw("}")
    }

    private mutating func append(_ text: String) {
        buffer.append(contentsOf: text.utf8)
    }

    private mutating func flush() throws {
        guard !buffer.isEmpty else { return }
        try sink(buffer)
        buffer.removeAll(keepingCapacity: true)
    }
}

import CatalogCore
import Foundation

/// Writes ``DuplicateGroup``s (`catalog dupes`, `catalog export dupes`) in one ``OutputFormat``.
/// Keys and columns are documented in docs/reports.md.
public struct DuplicateWriter {
    /// CSV columns: one row per copy, the group's values repeated.
    public static let columns = [
        "group", "probable", "digest_kind", "digest", "count", "places", "size", "wasted_bytes", "source", "id", "kind", "path",
        "project_id", "stack_id",
    ]

    private let format: OutputFormat
    private let sink: (borrowing [UInt8]) throws -> Void
    private var summary = DuplicateSummary()
    private var rows: [[String]] = []
    private var buffer: [UInt8] = []
    private var count = 0

    /// Creates a writer sending bytes to `sink`.
    /// Creates a writer sending bytes to `sink`; a table is fitted to `width` terminal cells.
    public init(format: OutputFormat, width: Int = 160, sink: @escaping (borrowing [UInt8]) throws -> Void) {
        self.format = format
        self.width = width
        self.sink = sink
    }

    private let width: Int

    /// The totals of what was written.
    public var totals: DuplicateSummary { summary }

    /// Writes whatever opens the document.
    public mutating func begin() throws {
        switch format {
        case .csv: buffer += Array(CSV.row(Self.columns).utf8)
        case .json: buffer += Array(ItemWriter.envelope("dupes", list: "groups").utf8)
        case .ndjson, .table: break
        }
    }

    /// Counts a group in the totals without writing it (one past `--limit`).
    public mutating func count(_ group: DuplicateGroup) {
        summary.add(group)
    }

    /// Writes one group.
    public mutating func write(_ group: DuplicateGroup) throws {
        summary.add(group)
        switch format {
        case .csv:
            for copy in group.copies {
                buffer += Array(
                    CSV.row([
                        String(group.number), group.probable ? "true" : "false", group.digestKind, group.digest, String(group.copies.count),
                        String(group.places), String(group.size), String(group.wastedBytes), copy.source.rawValue, copy.id,
                        copy.kind.rawValue, copy.path, copy.projectID ?? "", copy.stackID ?? "",
                    ]).utf8)
            }
        case .json, .ndjson:
            if format == .json, count > 0 { buffer.append(UInt8(ascii: ",")) }
            buffer += Array(JSONWriter.string(Self.json(group), canonical: false).utf8)
            if format == .ndjson { buffer.append(0x0A) }
        case .table:
            let label = group.probable ? "probable" : group.digestKind
            for (i, copy) in group.copies.enumerated() {
                rows.append([
                    i == 0 ? String(group.number) : "", i == 0 ? label : "", i == 0 ? String(group.copies.count) : "",
                    i == 0 ? ByteCount.format(group.size) : "", i == 0 ? ByteCount.format(group.wastedBytes) : "", copy.source.rawValue,
                    TableRenderer.clean(copy.path) + (copy.stackID != nil ? " (version)" : ""),
                ])
            }
        }
        count += 1
        if buffer.count >= 1 << 16 { try flush() }
    }

    /// Closes the document (with the summary) and flushes.
    public mutating func end() throws {
        switch format {
        case .json:
            buffer += Array("],\"summary\":".utf8)
            buffer += Array(JSONWriter.string(Self.json(summary), canonical: false).utf8)
            buffer += Array("}\n".utf8)
        case .table:
            if !rows.isEmpty {
                buffer += Array(
                    TableRenderer.grid(
                        header: ["GROUP", "DIGEST", "COPIES", "SIZE", "WASTED", "SOURCE", "PATH"], rows: rows,
                        limits: [6, 10, 6, 9, 9, 7, max(24, width - 58)], paths: [6], fitting: width
                    ).utf8)
            }
            buffer += Array((DisplayWidth.wrap(Self.summaryLine(summary), width: width, indent: 2).joined(separator: "\n") + "\n").utf8)
        case .csv, .ndjson: break
        }
        try flush()
    }

    /// "2 groups, 3 redundant copies, 8.4 MB reclaimable", in the table's units, and the
    /// probable groups apart (they prove nothing, so they are not counted as reclaimable).
    public static func summaryLine(_ summary: DuplicateSummary) -> String {
        let probable = Count.of(summary.probableGroups, "probable group") + " of the same name and size without a digest"
        guard summary.groups > 0 || summary.probableGroups == 0 else { return "no proven duplicates; \(probable), not counted" }
        var line = [
            Count.of(summary.groups, "group"), Count.of(summary.redundantCopies, "redundant copy"),
            "\(ByteCount.format(summary.reclaimableBytes)) reclaimable",
        ].joined(separator: ", ")
        if summary.probableGroups > 0 { line += " (and \(probable), not counted)" }
        return line
    }

    static func json(_ group: DuplicateGroup) -> JSONValue {
        func text(_ value: String?) -> JSONValue { value.map { .string($0) } ?? .null }
        return .object([
            ("group", .number(String(group.number))), ("probable", .bool(group.probable)), ("digest_kind", .string(group.digestKind)),
            ("digest", .string(group.digest)), ("count", .number(String(group.copies.count))), ("places", .number(String(group.places))),
            ("size", .number(String(group.size))), ("wasted_bytes", .number(String(group.wastedBytes))),
            (
                "copies",
                .array(
                    group.copies.map { copy in
                        .object([
                            ("source", .string(copy.source.rawValue)), ("id", .string(copy.id)), ("kind", .string(copy.kind.rawValue)),
                            ("path", .string(copy.path)), ("project_id", text(copy.projectID)), ("stack_id", text(copy.stackID)),
                            ("xxh64", text(copy.xxh64)), ("md5", text(copy.md5)),
                        ])
                    })
            ),
        ])
    }

    static func json(_ summary: DuplicateSummary) -> JSONValue {
        .object([
            ("groups", .number(String(summary.groups))), ("redundant_copies", .number(String(summary.redundantCopies))),
            ("reclaimable_bytes", .number(String(summary.reclaimableBytes))), ("probable_groups", .number(String(summary.probableGroups))),
        ])
    }

    private mutating func flush() throws {
        guard !buffer.isEmpty else { return }
        try sink(buffer)
        buffer.removeAll(keepingCapacity: true)
    }
}

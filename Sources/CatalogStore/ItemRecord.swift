import CatalogCore
import Foundation
import GRDB

/// A row of `item` (and of `staging.crawl_item`, which has the same columns less `source`): a
/// ``CatalogItem`` read and written through GRDB's record protocols.
///
/// Reading decodes every column by name and throws on a value it cannot take (an unknown
/// `source` or `kind`), instead of guessing a default.
struct ItemRecord: FetchableRecord {
    /// The item's columns, in the order ``arguments(_:)`` gives their values.
    enum Columns: String, ColumnExpression, CaseIterable {
        case id, kind, name
        case parentID = "parent_id"
        case projectID = "project_id"
        case path, size, mime, ext
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case uploadedAt = "uploaded_at"
        case label, xxh64, md5, text, digest, record, state, folders, metadata
    }

    /// The `source` column of `item` (staging holds one source, so it has none).
    static let source = Column("source")

    var item: CatalogItem

    init(row: Row) throws {
        item = CatalogItem(
            source: try row.decode(forColumn: Self.source),
            id: try row.decode(forColumn: Columns.id),
            kind: try row.decode(forColumn: Columns.kind),
            name: try row.decode(forColumn: Columns.name),
            parentID: try row.decode(forColumn: Columns.parentID),
            projectID: try row.decode(forColumn: Columns.projectID),
            path: try row.decode(forColumn: Columns.path),
            size: try row.decode(forColumn: Columns.size),
            mime: try row.decode(forColumn: Columns.mime),
            createdAt: try Self.date(row, Columns.createdAt),
            updatedAt: try Self.date(row, Columns.updatedAt),
            uploadedAt: try Self.date(row, Columns.uploadedAt),
            label: try row.decode(forColumn: Columns.label),
            xxh64: try row.decode(forColumn: Columns.xxh64),
            md5: try row.decode(forColumn: Columns.md5),
            text: try row.decode(String?.self, forColumn: Columns.text) ?? "",
            digest: try row.decode(forColumn: Columns.digest),
            record: try row.decode(String?.self, forColumn: Columns.record) ?? "",
            state: try row.decode(forColumn: Columns.state),
            folders: CatalogItem.folders(fromJSON: try row.decode(forColumn: Columns.folders)),
            metadata: CatalogItem.metadata(fromJSON: try row.decode(forColumn: Columns.metadata))
        )
    }

    /// A stored time (ISO 8601 text); nil when absent or not a time.
    private static func date(_ row: Row, _ column: Columns) throws -> Date? {
        try row.decode(String?.self, forColumn: column).flatMap(Timestamp.parse)
    }

    /// The `SELECT` list of every column of `item`, qualified by table.
    static let selection = selection(withRecords: true)

    /// The `SELECT` list, with `text` and `record` read as empty when `records` is false (a pass
    /// over every item that needs neither reads far fewer pages).
    static func selection(withRecords records: Bool) -> String {
        (["item.\(source.name)"]
            + Columns.allCases.map { column in
                !records && (column == .text || column == .record) ? "'' AS \(column.name)" : "item.\(column.name)"
            }).joined(separator: ", ")
    }

    /// The values for ``Columns`` in order, for the set-based staging and merge statements.
    ///
    /// Text goes through ``storable(_:)``: GRDB binds and reads strings as C strings, so a NUL
    /// inside a name would cut it short (`nul\0byte.mov` stored as `nul`).
    static func arguments(_ item: CatalogItem) -> StatementArguments {
        StatementArguments(
            Columns.allCases.map { column -> (any DatabaseValueConvertible)? in
                switch column {
                case .id: storable(item.id)
                case .kind: item.kind
                case .name: storable(item.name)
                case .parentID: storable(item.parentID)
                case .projectID: storable(item.projectID)
                case .path: storable(item.path)
                case .size: item.size
                case .mime: storable(item.mime)
                case .ext: storable(item.fileExtension)
                case .createdAt: item.createdAt.map(Timestamp.format)
                case .updatedAt: item.updatedAt.map(Timestamp.format)
                case .uploadedAt: item.uploadedAt.map(Timestamp.format)
                case .label: storable(item.label)
                case .xxh64: item.xxh64
                case .md5: item.md5
                case .text: storable(item.text)
                case .digest: item.digest
                case .record: storable(item.record)
                case .state: storable(item.state)
                case .folders: storable(item.foldersJSON)
                case .metadata: storable(item.metadataJSON)
                }
            })
    }

    /// `text` with each NUL shown as U+2400 (␀), so the whole text is stored; the record keeps the
    /// service's own bytes as the JSON escape `\u0000`.
    static func storable(_ text: String?) -> String? {
        guard let text, text.utf8.contains(0) else { return text }
        return text.replacingOccurrences(of: "\u{0}", with: "\u{2400}")
    }
}

// Stored as their raw values; a value this version does not know throws when read.
extension Source: DatabaseValueConvertible {}
extension ItemKind: DatabaseValueConvertible {}

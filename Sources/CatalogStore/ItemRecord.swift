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

        /// The column's position in a row selected through ``selection`` (after `source`, 0): its
        /// place in `allCases`, written out because it is asked for every column of every row
        /// read (a lookup would hash the column's name each time). `ItemRecordTests` checks the
        /// two agree.
        var position: Int {
            switch self {
            case .id: 1
            case .kind: 2
            case .name: 3
            case .parentID: 4
            case .projectID: 5
            case .path: 6
            case .size: 7
            case .mime: 8
            case .ext: 9
            case .createdAt: 10
            case .updatedAt: 11
            case .uploadedAt: 12
            case .label: 13
            case .xxh64: 14
            case .md5: 15
            case .text: 16
            case .digest: 17
            case .record: 18
            case .state: 19
            case .folders: 20
            case .metadata: 21
            }
        }
    }

    /// The `source` column of `item` (staging holds one source, so it has none).
    static let source = Column("source")

    var item: CatalogItem

    init(row: Row) throws {
        // Rows selected through ``selection`` hold `source` then ``Columns`` in order: read by
        // position (by name, GRDB lowercases each name to find it: 7% of a 20 000-file rescan).
        let positional = row.count >= Columns.allCases.count + 1 && row.columnNames.first == "source"
        func value<T: DatabaseValueConvertible>(_ column: Columns, as type: T.Type = T.self) throws -> T {
            positional ? try row.decode(T.self, atIndex: column.position) : try row.decode(T.self, forColumn: column)
        }
        func date(_ column: Columns) throws -> Date? { try value(column, as: String?.self).flatMap(Timestamp.parse) }
        item = CatalogItem(
            source: positional ? try row.decode(atIndex: 0) : try row.decode(forColumn: Self.source),
            id: try value(.id),
            kind: try value(.kind),
            name: try value(.name),
            parentID: try value(.parentID),
            projectID: try value(.projectID),
            path: try value(.path),
            size: try value(.size),
            mime: try value(.mime),
            createdAt: try date(.createdAt),
            updatedAt: try date(.updatedAt),
            uploadedAt: try date(.uploadedAt),
            label: try value(.label),
            xxh64: try value(.xxh64),
            md5: try value(.md5),
            text: try value(.text, as: String?.self) ?? "",
            digest: try value(.digest),
            record: try value(.record, as: String?.self) ?? "",
            state: try value(.state),
            folders: CatalogItem.folders(fromJSON: try value(.folders)),
            metadata: CatalogItem.metadata(fromJSON: try value(.metadata))
        )
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

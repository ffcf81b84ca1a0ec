import CatalogCore
import Foundation
import GRDB

/// Maps ``CatalogItem`` to and from rows of `item` / `crawl_item`.
enum ItemRow {
    /// The values for ``CatalogSchema/itemColumns`` in order.
    ///
    /// Text goes through ``storable(_:)``: GRDB binds and reads strings as C strings, so a NUL
    /// inside a name would cut it short (`nul\0byte.mov` stored as `nul`).
    static func arguments(_ item: CatalogItem) -> StatementArguments {
        [
            storable(item.id), item.kind.rawValue, storable(item.name), storable(item.parentID), storable(item.projectID),
            storable(item.path), item.size, storable(item.mime), storable(item.fileExtension), item.createdAt.map(Timestamp.format),
            item.updatedAt.map(Timestamp.format), item.uploadedAt.map(Timestamp.format), storable(item.label), item.xxh64, item.md5,
            storable(item.text), item.digest, storable(item.record), storable(item.state), storable(item.foldersJSON),
            storable(item.metadataJSON),
        ]
    }

    /// `text` with each NUL shown as U+2400 (␀), so the whole text is stored; the record keeps the
    /// service's own bytes as the JSON escape `\u0000`.
    static func storable(_ text: String?) -> String? {
        guard let text, text.utf8.contains(0) else { return text }
        return text.replacingOccurrences(of: "\u{0}", with: "\u{2400}")
    }

    /// The `SELECT` list that ``item(from:)`` reads.
    static let selection =
        "item.source, item.id, item.kind, item.name, item.parent_id, item.project_id, item.path, item.size, item.mime, item.created_at, item.updated_at, item.uploaded_at, item.label, item.xxh64, item.md5, item.text, item.digest, item.record, item.state, item.folders, item.metadata"

    /// ``selection`` with an empty `text` and `record` in their places.
    static let selectionWithoutRecord = selection.replacingOccurrences(of: "item.text,", with: "'',").replacingOccurrences(
        of: "item.record,", with: "'',")

    /// An item from a row selected with ``selection`` (or ``selectionWithoutRecord``).
    static func item(from row: Row) -> CatalogItem {
        var item = CatalogItem(
            source: Source(rawValue: row[0]) ?? .frameio,
            id: row[1],
            kind: ItemKind(rawValue: row[2]) ?? .file,
            name: row[3],
            parentID: row[4],
            projectID: row[5],
            path: row[6],
            size: row[7],
            mime: row[8],
            createdAt: (row[9] as String?).flatMap(Timestamp.parse),
            updatedAt: (row[10] as String?).flatMap(Timestamp.parse),
            uploadedAt: (row[11] as String?).flatMap(Timestamp.parse),
            label: row[12],
            xxh64: row[13],
            md5: row[14],
            text: row[15],
            digest: row[16],
            record: row[17]
        )
        item.state = row[18]
        item.folders = CatalogItem.folders(fromJSON: row[19])
        item.metadata = CatalogItem.metadata(fromJSON: row[20])
        return item
    }
}

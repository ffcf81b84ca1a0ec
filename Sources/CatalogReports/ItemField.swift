import CatalogCore
import Foundation

/// The columns of an item in every report, in order; the same names are the JSON keys.
/// Documented in docs/reports.md.
public enum ItemField: String, CaseIterable, Sendable {
    case source, id, kind, name, path
    case parentID = "parent_id"
    case projectID = "project_id"
    case size, mime
    case createdAt = "created_at"
    case updatedAt = "updated_at"
    case uploadedAt = "uploaded_at"
    case label, xxh64, md5, digest
    case state, folders, metadata
    /// The item's page in its service's web app (``WebLink``): not stored, so it is not
    /// written by `catalog export`, whose rows are what the catalog holds.
    case url
    /// The name of the project the item is in (made from the catalog's project items when read;
    /// given to the table when the query names a project).
    case project

    /// Every field the catalog stores (all but ``url`` and ``project``): what `catalog export` writes.
    public static let stored = allCases.filter { $0 != .url && $0 != .project }

    /// The fields named in `list` (`name,size,path`; case-insensitive, `-` for `_`), in that
    /// order; nil when one names no field.
    public static func parse(list: String) -> [ItemField]? {
        let names = list.split(separator: ",", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces).lowercased().replacingOccurrences(of: "-", with: "_")
        }
        let fields = names.compactMap(ItemField.init(rawValue:))
        return fields.count == names.count && !fields.isEmpty ? fields : nil
    }

    /// Whether a table column of the field stays narrow (kind, size, dates, source, state, a
    /// short id), so it is never cut (a cut id would name nothing).
    var isShort: Bool {
        switch self {
        case .source, .id, .kind, .size, .createdAt, .updatedAt, .uploadedAt, .state: true
        default: false
        }
    }

    /// The field's value for `item` as text (nil for absent values); sizes as decimal bytes;
    /// folders and metadata as their JSON (an array, an object); the web address as `link` gives
    /// it; the project's name from `projects` (project id → name).
    public func text(of item: CatalogItem, link: WebLink? = nil, projects: [String: String] = [:]) -> String? {
        switch self {
        case .source: item.source.rawValue
        case .id: item.id
        case .kind: item.kind.rawValue
        case .name: item.name
        case .path: item.path
        case .parentID: item.parentID
        case .projectID: item.projectID
        case .size: item.size.map(String.init)
        case .mime: item.mime
        case .createdAt: item.createdAt.map(Timestamp.format)
        case .updatedAt: item.updatedAt.map(Timestamp.format)
        case .uploadedAt: item.uploadedAt.map(Timestamp.format)
        case .label: item.label
        case .xxh64: item.xxh64
        case .md5: item.md5
        case .digest: item.digest
        case .state: item.state
        case .folders: item.foldersJSON
        case .metadata: item.metadataJSON
        case .url: link?.url(for: item)
        case .project: item.projectID.flatMap { projects[$0] }
        }
    }
}

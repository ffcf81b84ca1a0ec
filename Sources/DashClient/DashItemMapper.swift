import CatalogCore
import Foundation
import HTTPSupport

/// Turns Dash fields, options and assets into catalog records, resolving metadata for people:
/// field ids become field names, option ids become option paths (`Campaigns / 2026 / Spring`),
/// folder option ids become folder paths (`Campaigns/2026/Spring`).
public struct DashItemMapper: Sendable {
    /// Keys whose values change on every fetch (signed URLs) and are not content.
    public static let volatileKeys: Set<String> = ["previewUrl", "thumbnailUrl", "downloadUrl", "permittedActions"]

    let canonicalizer = RecordCanonicalizer(volatileKeys: volatileKeys)
    let fields: [DashField]
    let fieldsByID: [String: DashField]
    let foldersFieldID: String
    /// Option id → its levels from the root.
    let levels: [String: [String]]

    /// A mapper for a tenant's fields and their options (each option with its parent's id).
    public init(fields: [DashField], foldersFieldID: String, options: [(option: DashFieldOption, parentID: String?)]) {
        self.fields = fields
        fieldsByID = Dictionary(fields.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        self.foldersFieldID = foldersFieldID
        let parents = Dictionary(options.map { ($0.option.id, ($0.option.value, $0.parentID)) }, uniquingKeysWith: { a, _ in a })
        var levels: [String: [String]] = [:]
        for (id, _) in parents {
            var path: [String] = []
            var current: String? = id
            var seen = Set<String>()
            while let node = current, let (value, parent) = parents[node], seen.insert(node).inserted {
                path.insert(value, at: 0)
                current = parent
            }
            levels[id] = path
        }
        self.levels = levels
    }

    /// The catalog's copy of the fields.
    public func catalogFields() -> [CatalogField] {
        fields.enumerated().map { position, field in
            CatalogField(
                source: .dash, id: field.id, name: field.name, position: position, hasFixedOptions: field.hasFixedOptions,
                hierarchical: field.hierarchical, multiValue: field.multiValue, isFolders: field.id == foldersFieldID,
                type: field.record["editControl"]?.stringValue ?? "", record: canonicalizer.canonicalText(field.record))
        }
    }

    /// The catalog's copy of an option.
    public func catalogOption(_ option: DashFieldOption, fieldID: String, parentID: String?) -> CatalogFieldOption {
        CatalogFieldOption(
            source: .dash, id: option.id, fieldID: fieldID, parentID: parentID, value: option.value, position: option.position,
            path: (levels[option.id] ?? [option.value]).joined(separator: CatalogFieldOption.pathSeparator),
            record: canonicalizer.canonicalText(option.record))
    }

    /// The catalog item for an asset.
    public func item(for asset: DashAsset) -> CatalogItem {
        let name = asset.filename.flatMap { $0.isEmpty ? nil : $0 } ?? asset.id
        var folders: [String] = []
        var folderIDs: [String] = []
        var metadata: [String: [String]] = [:]
        var text: [String] = []
        for (fieldID, values) in asset.metadata {
            let field = fieldsByID[fieldID]
            let fieldName = field?.name ?? fieldID
            var resolved: [String] = []
            for value in values {
                if field?.hasFixedOptions == true, let path = levels[value] {
                    resolved.append(path.joined(separator: CatalogFieldOption.pathSeparator))
                    if fieldID == foldersFieldID {
                        folders.append(path.joined(separator: "/"))
                        folderIDs.append(value)
                    }
                } else {
                    resolved.append(value)
                }
            }
            metadata[fieldName, default: []] += resolved
            text += resolved
        }
        if let fileType = asset.fileType, !fileType.isEmpty { text.append(fileType) }
        let firstFolder = folders.first
        var item = CatalogItem(
            source: .dash, id: asset.id, kind: .asset, name: name, parentID: folderIDs.first, projectID: nil,
            path: firstFolder.map { "\($0)/\(name)" } ?? name, size: asset.size.flatMap(CatalogItem.plausibleSize), mime: asset.mime,
            createdAt: asset.dateAdded.flatMap(Self.date), updatedAt: asset.dateLastModified.flatMap(Self.date), md5: asset.checksum,
            text: text.joined(separator: "\n"), record: canonicalizer.canonicalText(asset.record), state: asset.state, folders: folders,
            metadata: metadata)
        item.thumbnailURL = asset.record["currentAssetFile"]?["previewUrl"]?.stringValue.flatMap(ThumbnailAddress.http)
        return item
    }

    /// A Dash date (`2026-07-01T09:00:00.123Z`, or any ISO 8601 instant) to the second.
    public static func date(_ text: String) -> Date? {
        DashTime.parse(text).map { Date(timeIntervalSince1970: Double($0 / 1000)) } ?? Timestamp.parse(text)
    }
}

import CatalogCore
import Foundation

extension DashDataset {
    /// The hand-written default tenant (Fixtures/sandbox/dash-tenant.json), embedded in the binary.
    public static func bundledFixture() throws -> DashDataset {
        try load(bytes: PackageResources.dash_tenant_json, name: "dash-tenant.json")
    }

    /// Loads a tenant in the fixture format from a file (documented in Fixtures/README.md).
    public static func load(contentsOf url: URL) throws -> DashDataset {
        try load(bytes: Array(try Data(contentsOf: url)), name: url.lastPathComponent)
    }

    static func load(bytes: [UInt8], name: String) throws -> DashDataset {
        func fail(_ message: String) -> FrameIODataset.LoadError { FrameIODataset.LoadError(description: "\(name): \(message)") }
        let json: JSONValue
        do { json = try JSONParser.parse(bytes) } catch { throw fail("\(error)") }
        func string(_ value: JSONValue?, _ key: String, _ context: String) throws -> String {
            guard let s = value?[key]?.stringValue, !s.isEmpty else { throw fail("\(context) needs a string \"\(key)\"") }
            return s
        }
        var dataset = DashDataset(
            accountID: try string(json, "account_id", "the tenant"), userID: try string(json["user"], "id", "user"),
            userEmail: try string(json["user"], "email", "user"), foldersFieldID: try string(json, "folders_field", "the tenant"))
        for field in json["fields"]?.arrayValue ?? [] {
            let id = try string(field, "id", "a field")
            dataset.fields.append(
                Field(
                    id: id, name: try string(field, "name", "field \(id)"), hasFixedOptions: field["hasFixedOptions"]?.boolValue ?? false,
                    hierarchical: field["hierarchical"]?.boolValue ?? false, multiValue: field["multiValue"]?.boolValue ?? false,
                    editControl: field["editControl"]?.stringValue ?? "TEXT"))
        }
        guard dataset.fields.contains(where: { $0.id == dataset.foldersFieldID }) else { throw fail("folders_field names no field") }
        for (index, option) in (json["options"]?.arrayValue ?? []).enumerated() {
            let id = try string(option, "id", "option \(index)")
            let fieldID = try string(option, "field", "option \(id)")
            guard dataset.fields.contains(where: { $0.id == fieldID }) else { throw fail("option \(id): unknown field \(fieldID)") }
            dataset.options.append(
                Option(
                    id: id, fieldID: fieldID, parentID: option["parent"]?.stringValue, value: try string(option, "value", "option \(id)"),
                    position: Int(option["position"]?.int64Value ?? Int64(index))))
        }
        for (index, asset) in (json["assets"]?.arrayValue ?? []).enumerated() {
            let id = try string(asset, "id", "asset \(index)")
            let media = (asset["mediaType"]?.stringValue ?? "application/octet-stream").split(separator: "/", maxSplits: 1).map(String.init)
            var metadata: [(String, [String])] = []
            for (fieldID, values) in asset["metadata"]?.objectMembers ?? [] {
                guard dataset.fields.contains(where: { $0.id == fieldID }) else { throw fail("asset \(id): unknown field \(fieldID)") }
                metadata.append((fieldID, values.arrayValue?.compactMap(\.stringValue) ?? []))
            }
            let modified = try string(asset, "dateLastModified", "asset \(id)")
            guard DashWireTime.parse(modified) != nil else { throw fail("asset \(id): dateLastModified is not a UTC time") }
            dataset.assets.append(
                Asset(
                    id: id, filename: try string(asset, "filename", "asset \(id)"), fileType: asset["fileType"]?.stringValue ?? "",
                    size: asset["size"]?.int64Value ?? 0, checksum: asset["checksum"]?.stringValue,
                    dateAdded: asset["dateAdded"]?.stringValue ?? modified, dateLastModified: modified, mediaType: media[0],
                    subType: media.count > 1 ? media[1] : "", state: asset["state"]?.stringValue ?? "LIVE", metadata: metadata,
                    addedOrder: Int(asset["addedOrder"]?.int64Value ?? Int64(index + 1))))
        }
        return dataset
    }
}

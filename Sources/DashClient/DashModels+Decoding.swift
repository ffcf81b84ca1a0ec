import CatalogCore
import Foundation
import HTTPSupport

extension DashUser {
    init(json: JSONValue, what: String) throws {
        let reader = try JSONObjectReader(json, service: "Dash", what: what)
        id = try reader.requiredString("id")
        accountID = reader.nonEmptyString("accountId")
        email = reader.nonEmptyString("email")
    }
}

extension DashField {
    init(json: JSONValue, what: String) throws {
        let reader = try JSONObjectReader(json, service: "Dash", what: what)
        id = try reader.requiredString("id")
        name = reader.nonEmptyString("name") ?? id
        hasFixedOptions = reader.bool("hasFixedOptions") ?? false
        hierarchical = reader.bool("hierarchical") ?? false
        // The multi-value flag's name is unconfirmed (api-facts.md): accept the spellings seen.
        multiValue = reader.bool("multiValue") ?? reader.bool("multiple") ?? reader.bool("isMultiValue") ?? false
        record = json
    }
}

extension DashFieldOption {
    init(json: JSONValue, what: String) throws {
        let reader = try JSONObjectReader(json, service: "Dash", what: what)
        id = try reader.requiredString("id")
        guard let value = reader.string("value") else {
            throw APIError.malformedResponse(service: "Dash", what: what, detail: "option \(id) has no string \"value\"")
        }
        self.value = value
        fieldID = reader.nonEmptyString("fieldId")
        position = reader.int64("position").map { Int($0) }
        leaf = reader.bool("leaf")
        numberOfChildren = reader.int64("numberOfChildren").map { Int($0) }
        parentID = json["parent"]?["id"]?.stringValue
        // The parent is where the option sits, not part of its content (and flat searches omit it).
        if case .object(let members) = json { record = .object(members.filter { $0.key != "parent" }) } else { record = json }
    }
}

extension DashAsset {
    /// Decodes an asset (the `result` of an envelope); `what` names it in errors.
    public init(json: JSONValue, what: String) throws {
        let reader = try JSONObjectReader(json, service: "Dash", what: what)
        id = try reader.requiredString("id")
        state = json["lifecycleStatus"]?["state"]?.stringValue
        dateLastModified = reader.nonEmptyString("dateLastModified")
        var metadata: [(String, [String])] = []
        if let values = json["metadata"]?["values"] {
            guard let members = values.objectMembers else {
                throw APIError.malformedResponse(
                    service: "Dash", what: what, detail: "asset \(id): metadata.values is \(values.typeName), expected an object")
            }
            for (fieldID, list) in members {
                switch list {
                case .array(let items): metadata.append((fieldID, items.compactMap { $0.stringValue ?? ($0.isNull ? nil : JSONWriter.string($0)) }))
                case .string(let single): metadata.append((fieldID, [single]))
                case .null: continue
                default:
                    throw APIError.malformedResponse(
                        service: "Dash", what: what, detail: "asset \(id): metadata for field \(fieldID) is \(list.typeName), expected an array")
                }
            }
        }
        self.metadata = metadata
        let file = json["currentAssetFile"]
        filename = file?["filename"]?.stringValue
        fileType = file?["fileType"]?.stringValue
        size = file?["size"]?.int64Value
        checksum = file?["checksum"]?.stringValue.map { $0.lowercased() }.flatMap { Digest.isMD5Hex($0) ? $0 : nil }
        dateAdded = file?["dateAdded"]?.stringValue
        if let type = file?["mediaType"]?["type"]?.stringValue, !type.isEmpty {
            let sub = file?["mediaType"]?["subType"]?.stringValue ?? ""
            mime = sub.isEmpty ? type : "\(type)/\(sub)"
        } else {
            mime = nil
        }
        record = json
    }

    /// The asset a catalog item's stored record describes (the object as it was received), or
    /// nil when the record is not an asset's.
    public init?(storedRecord: String) {
        guard let json = try? JSONParser.parse(storedRecord), let asset = try? DashAsset(json: json, what: "catalogued asset") else {
            return nil
        }
        self = asset
    }

    /// Whether any of its metadata values is one of `optionIDs`.
    public func isFiled(underAnyOf optionIDs: Set<String>) -> Bool {
        metadata.contains { $0.values.contains(where: optionIDs.contains) }
    }
}

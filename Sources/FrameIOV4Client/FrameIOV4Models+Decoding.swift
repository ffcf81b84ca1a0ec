import CatalogCore
import Foundation
import HTTPSupport

private let service = "Frame.io V4"

extension V4User {
    init(json: JSONValue, what: String) throws {
        let reader = try JSONObjectReader(json, service: service, what: what)
        id = try reader.requiredString("id")
        name = reader.nonEmptyString("name")
        email = reader.nonEmptyString("email")
    }
}

extension V4Account {
    init(json: JSONValue, what: String) throws {
        let reader = try JSONObjectReader(json, service: service, what: what)
        id = try reader.requiredString("id")
        displayName = reader.nonEmptyString("display_name") ?? "Account \(id)"
        record = json
    }
}

extension V4Workspace {
    init(json: JSONValue, what: String) throws {
        let reader = try JSONObjectReader(json, service: service, what: what)
        id = try reader.requiredString("id")
        accountID = reader.nonEmptyString("account_id")
        name = reader.nonEmptyString("name") ?? "Workspace \(id)"
        record = json
    }
}

extension V4Project {
    init(json: JSONValue, what: String) throws {
        let reader = try JSONObjectReader(json, service: service, what: what)
        id = try reader.requiredString("id")
        name = reader.nonEmptyString("name") ?? "Project \(id)"
        rootFolderID = try reader.requiredString("root_folder_id")
        workspaceID = reader.nonEmptyString("workspace_id")
        status = reader.nonEmptyString("status")
        record = json
    }
}

extension V4AccountUser {
    /// From an account user role `{role, user: {id, name, email}}` (or a bare user).
    init(json: JSONValue, what: String) throws {
        let user = json["user"] ?? json
        let reader = try JSONObjectReader(user, service: service, what: what)
        id = try reader.requiredString("id")
        name = reader.nonEmptyString("name")
        email = reader.nonEmptyString("email")
    }
}

extension V4Asset {
    init(json: JSONValue, what: String) throws {
        let reader = try JSONObjectReader(json, service: service, what: what)
        id = try reader.requiredString("id")
        type = AssetType(name: try reader.requiredString("type"))
        name = reader.string("name") ?? ""
        parentID = reader.nonEmptyString("parent_id")
        projectID = reader.nonEmptyString("project_id")
        var metadata: [V4MetadataValue] = []
        if let list = json["metadata"], !list.isNull {
            guard let entries = list.arrayValue else {
                throw APIError.malformedResponse(service: service, what: what, detail: "asset \(id): metadata is \(list.typeName), expected an array")
            }
            for (index, entry) in entries.enumerated() {
                metadata.append(try V4MetadataValue(json: entry, what: "\(what), asset \(id), metadata \(index)"))
            }
        }
        self.metadata = metadata
        record = json
    }
}

extension V4MetadataValue {
    init(json: JSONValue, what: String) throws {
        let reader = try JSONObjectReader(json, service: service, what: what)
        fieldID = try reader.requiredString("field_definition_id")
        fieldName = reader.nonEmptyString("field_definition_name") ?? fieldID
        fieldType = reader.nonEmptyString("field_type") ?? "text"
        value = json["value"] ?? .null
    }
}

extension V4FieldDefinition {
    init(json: JSONValue, what: String) throws {
        let reader = try JSONObjectReader(json, service: service, what: what)
        id = try reader.requiredString("id")
        name = reader.nonEmptyString("name") ?? "Field \(id)"
        fieldType = reader.nonEmptyString("field_type") ?? "text"
        mutable = reader.bool("mutable") ?? true
        options = (json["field_configuration"]?["options"]?.arrayValue ?? []).compactMap { option in
            guard let name = option["display_name"]?.stringValue else { return nil }
            return V4FieldOption(id: option["id"]?.stringValue ?? name, displayName: name)
        }
        record = json
    }
}

extension V4AuditEvent {
    init(json: JSONValue, what: String) throws {
        let reader = try JSONObjectReader(json, service: service, what: what)
        resourceID = try reader.requiredString("resource_id")
        eventType = reader.nonEmptyString("event_type") ?? ""
        resourceType = reader.nonEmptyString("resource_type") ?? ""
        projectID = reader.nonEmptyString("project_id")
        insertedAt = reader.date("inserted_at")
        // Entries may come without an id: the event, resource and time name one.
        id = reader.nonEmptyString("id") ?? "\(eventType):\(resourceID):\(reader.string("inserted_at") ?? "")"
    }
}

extension V4DeletedAsset {
    init(json: JSONValue, what: String) throws {
        let reader = try JSONObjectReader(json, service: service, what: what)
        id = try reader.requiredString("id")
        type = V4Asset.AssetType(name: reader.nonEmptyString("type") ?? "")
        projectID = reader.nonEmptyString("project_id")
        deletedAt = reader.date("deleted_at")
    }
}

extension V4Comment {
    init(json: JSONValue, what: String, nested: Bool = false) throws {
        let reader = try JSONObjectReader(json, service: service, what: what)
        id = try reader.requiredString("id")
        fileID = reader.nonEmptyString("file_id")
        text = reader.string("text") ?? ""
        // An integer frame number, or (timestamp_as_timecode) a string; anything else is dropped.
        switch json["timestamp"] {
        case .number?: timestamp = reader.int64("timestamp").flatMap { Int(exactly: $0) }
        case .string(let text)?: timestampText = text
        default: break
        }
        duration = reader.int64("duration").flatMap { Int(exactly: $0) }
        page = reader.int64("page").flatMap { Int(exactly: $0) }
        completedAt = reader.date("completed_at")
        completerID = reader.nonEmptyString("completer_id")
        createdAt = reader.date("created_at")
        updatedAt = reader.date("updated_at")
        textEditedAt = reader.date("text_edited_at")
        let ownerWhat = "\(what), comment \(id), owner"
        let owner = try reader.object("owner").map { try JSONObjectReader($0, service: service, what: ownerWhat) }
        ownerName = owner?.nonEmptyString("name")
        ownerEmail = owner?.nonEmptyString("email")
        var replies: [V4Comment] = []
        if let list = json["replies"], !list.isNull {
            // Replies of replies are not documented: a reply's own replies are an error, not a
            // tree walked without end.
            guard !nested, let entries = list.arrayValue else {
                throw APIError.malformedResponse(
                    service: service, what: what,
                    detail: "comment \(id): replies is \(nested ? "nested in a reply" : list.typeName), expected an array")
            }
            for (index, entry) in entries.enumerated() {
                replies.append(try V4Comment(json: entry, what: "\(what), comment \(id), reply \(index)", nested: true))
            }
        }
        self.replies = replies
        record = .object((json.objectMembers ?? []).filter { $0.key != "replies" })
    }
}

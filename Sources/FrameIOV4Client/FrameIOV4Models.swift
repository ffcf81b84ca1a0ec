import CatalogCore
import Foundation
import HTTPSupport

/// The user a V4 token belongs to (`GET /me`).
public struct V4User: Sendable, Equatable {
    public var id: String
    public var name: String?
    public var email: String?
}

/// An account (`GET /accounts`).
public struct V4Account: Listed, Equatable {
    public var id: String
    public var displayName: String
    public var record: JSONValue
}

/// A workspace of an account.
public struct V4Workspace: Listed, Equatable {
    public var id: String
    public var accountID: String?
    public var name: String
    public var record: JSONValue
}

/// A project of a workspace, or one the user was invited to.
public struct V4Project: Listed, Equatable {
    public var id: String
    public var name: String
    public var rootFolderID: String
    public var workspaceID: String?
    /// `active` or `inactive` (or whatever the service sends).
    public var status: String?
    public var record: JSONValue
}

/// A member of an account (`GET /accounts/{a}/users`), to name the people user fields hold.
public struct V4AccountUser: Listed, Equatable {
    public var id: String
    public var name: String?
    public var email: String?
}

/// A folder, file or version stack (and any type the service adds).
public struct V4Asset: Listed, Equatable {
    /// The asset's `type`.
    public enum AssetType: Sendable, Equatable {
        case file, folder, versionStack
        /// A type this client does not know: catalogued as data (kind `other`).
        case other(String)

        public init(name: String) {
            switch name {
            case "file": self = .file
            case "folder": self = .folder
            case "version_stack": self = .versionStack
            default: self = .other(name)
            }
        }
    }

    public var id: String
    public var type: AssetType
    public var name: String
    public var parentID: String?
    public var projectID: String?
    /// Custom metadata values (with `include=metadata`).
    public var metadata: [V4MetadataValue]
    public var record: JSONValue

    /// Whether its children must be listed.
    public var isContainer: Bool { type == .folder || type == .versionStack }
}

/// A custom metadata field of an account.
public struct V4FieldDefinition: Listed, Equatable {
    public var id: String
    public var name: String
    /// `text`, `select`, `user_multi`, … (any value the service sends).
    public var fieldType: String
    /// Select options: (id, display name).
    public var options: [V4FieldOption]
    public var mutable: Bool
    public var record: JSONValue
}

/// One option of a select field.
public struct V4FieldOption: Sendable, Equatable {
    public var id: String
    public var displayName: String
}

/// One field's value on a file.
public struct V4MetadataValue: Sendable, Equatable {
    public var fieldID: String
    public var fieldName: String
    public var fieldType: String
    /// The value as sent: text, a number, a boolean, or a list of `{id, display_name}` (select) or
    /// `{id, type}` (users).
    public var value: JSONValue
}

/// One page of a V4 list.
public struct V4Page<Element: Sendable>: Sendable {
    public var elements: [Element]
    /// The cursor of the next page (`after` of `links.next`), nil on the last page.
    public var nextCursor: String?
    /// `total_count`, when asked for.
    public var totalCount: Int?
    /// The page size asked for.
    public var requestedPageSize: Int

    public init(elements: [Element], nextCursor: String?, totalCount: Int?, requestedPageSize: Int) {
        self.elements = elements
        self.nextCursor = nextCursor
        self.totalCount = totalCount
        self.requestedPageSize = requestedPageSize
    }
}

/// One entry of an account's audit log.
public struct V4AuditEvent: Listed, Equatable {
    public var id: String
    public var eventType: String
    public var resourceType: String
    public var resourceID: String
    public var projectID: String?
    /// When it happened.
    public var insertedAt: Date?
}

/// An asset in a project's recently deleted list.
public struct V4DeletedAsset: Listed, Equatable {
    public var id: String
    public var type: V4Asset.AssetType
    public var projectID: String?
    public var deletedAt: Date?
}

/// A comment on a file (`GET /accounts/{a}/files/{f}/comments` with `include=owner,replies`),
/// its replies nested under it. The service names no parent: a reply's is the comment it came
/// under.
public struct V4Comment: Listed, Equatable {
    public var id: String
    public var fileID: String?
    public var text: String
    /// The frame it points at; the service may send a timecode string instead.
    public var timestamp: Int?
    public var timestampText: String?
    public var duration: Int?
    public var page: Int?
    public var completedAt: Date?
    public var completerID: String?
    public var createdAt: Date?
    public var updatedAt: Date?
    public var textEditedAt: Date?
    /// `owner` (with `include=owner`; replies have none).
    public var ownerName: String?
    public var ownerEmail: String?
    /// With `include=replies`.
    public var replies: [V4Comment]
    /// The comment as sent, its replies removed.
    public var record: JSONValue
}

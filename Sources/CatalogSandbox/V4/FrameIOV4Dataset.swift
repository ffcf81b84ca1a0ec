import CatalogCore
import Foundation

/// What the fake Frame.io V4 API serves: accounts, workspaces, projects (some only through an
/// invitation), a folder tree of files and version stacks, and the account's custom metadata
/// fields with each file's values (see ../shared/docs/api-facts-v4.md).
public struct FrameIOV4Dataset: Sendable {
    /// A person (the token's user, and the people user fields name).
    public struct User: Sendable {
        public var id: String
        public var name: String
        public var email: String
    }

    public struct Account: Sendable {
        public var id: String
        public var displayName: String
        public var createdAt: String
        public var updatedAt: String
    }

    public struct Workspace: Sendable {
        public var id: String
        public var accountID: String
        public var name: String
        public var createdAt: String
        public var updatedAt: String
        /// Whether the user is a member (a workspace the user is not in is not listed; its
        /// projects the user was invited to come from `invited_projects`).
        public var isMember: Bool
    }

    public struct Project: Sendable {
        public var id: String
        public var accountID: String
        public var workspaceID: String
        public var name: String
        public var rootFolderID: String
        /// `active` or `inactive`.
        public var status: String
        public var createdAt: String
        public var updatedAt: String
        /// Whether the user was invited to it (listed by `invited_projects`).
        public var isInvited: Bool
    }

    /// A folder, file or version stack (or a type the client may not know).
    public struct Asset: Sendable {
        public var id: String
        /// `file`, `folder`, `version_stack`, or anything else the service may add.
        public var type: String
        public var name: String
        /// The folder or version stack it sits in.
        public var parentID: String
        public var projectID: String
        public var createdAt: String
        public var updatedAt: String
        /// Files: bytes.
        public var fileSize: Int64?
        /// Files: null until the upload finishes.
        public var mediaType: String?
        /// Files: `created`, `uploaded` or `transcoded`.
        public var status: String?
        /// Files: custom metadata values by field definition id (JSON as the service sends `value`).
        public var metadata: [(fieldID: String, value: JSONValue)]
        /// Members the service may add that the client does not know.
        public var extra: [(key: String, value: JSONValue)]
        /// When it was deleted (it is in its project's recently deleted list, not in its folder).
        public var deletedAt: String? = nil
    }

    /// One entry of an account's audit log.
    public struct AuditEvent: Sendable {
        public var id: String
        public var accountID: String
        /// `asset_created`, `asset_updated`, `asset_moved`, `asset_deleted`, `asset_restored`,
        /// `asset_versioned`, `metadata_value_updated`, `project_created`, …
        public var eventType: String
        /// `file`, `folder`, `version_stack`, `project`, …
        public var resourceType: String
        public var resourceID: String
        public var projectID: String?
        public var insertedAt: String
    }

    /// A custom metadata field of an account.
    public struct FieldDefinition: Sendable {
        public var id: String
        public var accountID: String
        public var name: String
        /// `text`, `long_text`, `select`, `select_multi`, `rating`, `number`, `toggle`, `date`,
        /// `user_single`, `user_multi`.
        public var fieldType: String
        /// Select options as (id, display name).
        public var options: [(id: String, displayName: String)]
        /// System fields are not mutable.
        public var mutable: Bool
    }

    public var user: User
    public var users: [User] = []
    public var accounts: [Account] = []
    public var workspaces: [Workspace] = []
    public var projects: [Project] = []
    public var assets: [Asset] = [] {
        didSet { reindex() }
    }
    public var fields: [FieldDefinition] = []
    /// The audit log, oldest first.
    public var auditLog: [AuditEvent] = []
    /// Review comments and replies (see FrameIOV4Dataset+Comments.swift).
    public var comments: [Comment] = [] {
        didSet { commentsByFile = Dictionary(grouping: comments.indices) { comments[$0].fileID } }
    }
    /// Comment positions by file id.
    public private(set) var commentsByFile: [String: [Int]] = [:]

    /// Asset positions by id, and children positions by parent id, in listing order.
    public private(set) var assetIndex: [String: Int] = [:]
    public private(set) var childrenByParent: [String: [Int]] = [:]
    /// Bytes of the live-listed files (deleted ones excluded) by project, for `storage`.
    public private(set) var storageByProject: [String: Int64] = [:]

    public init(user: User) { self.user = user }

    mutating func reindex() {
        assetIndex = Dictionary(assets.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
        var children: [String: [Int]] = [:]
        var storage: [String: Int64] = [:]
        for (index, asset) in assets.enumerated() {
            children[asset.parentID, default: []].append(index)
            if asset.deletedAt == nil { storage[asset.projectID, default: 0] += asset.fileSize ?? 0 }
        }
        childrenByParent = children
        storageByProject = storage
    }

    /// Every asset under the projects' root folders (version stacks' files included).
    public var assetCount: Int { assets.count }
}

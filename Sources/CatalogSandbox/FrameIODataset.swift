import CatalogCore
import Foundation

/// The Frame.io holdings the sandbox serves: a user, accounts, teams, projects and assets.
///
/// Loaded from the hand-written tree in Fixtures/sandbox/frameio-tree.json or generated
/// deterministically (``generated(assets:seed:)``).
public struct FrameIODataset: Sendable {
    /// An account.
    public struct Account: Sendable {
        public var id: String
        public var displayName: String?
        public var ownerName: String?
        public var ownerEmail: String
    }

    /// A team.
    public struct Team: Sendable {
        public var id: String
        public var name: String
        public var accountID: String
    }

    /// A project.
    public struct Project: Sendable {
        public var id: String
        public var name: String
        public var teamID: String
        public var accountID: String
        public var rootAssetID: String
        public var archivedAt: String?
        public var insertedAt: String
        public var updatedAt: String
        /// Whether the user is a team member of its team (listed under /teams/{id}/projects).
        public var isTeamProject: Bool
        /// Whether it is listed under /projects/shared.
        public var isShared: Bool
    }

    /// An asset: file, folder or version stack.
    public struct Asset: Sendable {
        public var id: String
        public var name: String
        /// `file`, `folder` or `version_stack`.
        public var type: String
        /// The parent asset (a project's root asset id for top-level assets).
        public var parentID: String
        public var projectID: String
        public var filesize: Int64?
        public var filetype: String?
        public var xxHash: String?
        public var hasChecksums: Bool
        public var label: String?
        public var insertedAt: String
        public var updatedAt: String
        public var deletedAt: String?
        /// Position among its siblings (for versions, the version number).
        public var index: Int
        /// Further members copied into the payload as-is (description, properties, …).
        public var extra: [(key: String, value: JSONValue)]
    }

    /// The user the token belongs to.
    public var userID: String
    public var userName: String
    public var userEmail: String
    public var accounts: [Account] = []
    public var teams: [Team] = []
    public var projects: [Project] = []
    public var assets: [Asset] = []

    /// Asset indexes by parent asset id, in sibling order.
    public private(set) var childrenByParent: [String: [Int]] = [:]
    /// Asset index by id.
    public private(set) var assetIndex: [String: Int] = [:]

    /// Creates an empty dataset for `user`.
    public init(userID: String, userName: String, userEmail: String) {
        self.userID = userID
        self.userName = userName
        self.userEmail = userEmail
    }

    /// Rebuilds the lookup indexes after assets were added or changed.
    public mutating func reindex() {
        childrenByParent = [:]
        assetIndex = [:]
        assetIndex.reserveCapacity(assets.count)
        for (i, asset) in assets.enumerated() {
            childrenByParent[asset.parentID, default: []].append(i)
            assetIndex[asset.id] = i
        }
    }

    /// Live (not deleted) assets under every project, the roots excluded: what a full crawl must find.
    public var liveAssetCount: Int {
        var count = 0
        for project in projects {
            var stack = [project.rootAssetID]
            while let parent = stack.popLast() {
                for i in childrenByParent[parent] ?? [] where assets[i].deletedAt == nil {
                    count += 1
                    if assets[i].type != "file" { stack.append(assets[i].id) }
                }
            }
        }
        return count
    }
}

import CatalogCore
import Foundation

/// The user a token belongs to (`GET /me`).
public struct FrameIOUser: Sendable, Equatable {
    /// The user id.
    public var id: String
    /// The user's name, if given.
    public var name: String?
}

/// A Frame.io account (`GET /accounts`).
public struct FrameIOAccount: Listed, Equatable {
    /// The account id.
    public var id: String
    /// The name shown for it: display_name, else "owner.name's Account", else "owner.email's Account".
    public var displayName: String
    /// The record as received.
    public var record: JSONValue
}

/// A Frame.io team (`GET /accounts/{id}/teams`).
public struct FrameIOTeam: Listed, Equatable {
    /// The team id.
    public var id: String
    /// The team name.
    public var name: String
    /// The owning account's id.
    public var accountID: String?
    /// The record as received.
    public var record: JSONValue
}

/// A Frame.io project (`GET /teams/{id}/projects`, `GET /projects/shared`).
public struct FrameIOProject: Listed, Equatable {
    /// The project id.
    public var id: String
    /// The project name.
    public var name: String
    /// The hidden folder standing for the project's root.
    public var rootAssetID: String
    /// The owning team's id.
    public var teamID: String?
    /// The owning account's id, when the payload carries it (`team.account_id`).
    public var accountID: String?
    /// `file_count`, for progress estimates.
    public var fileCount: Int64?
    /// `folder_count`, for progress estimates.
    public var folderCount: Int64?
    /// The record as received.
    public var record: JSONValue
}

/// A Frame.io asset: a file, folder, version stack (or bundle).
public struct FrameIOAsset: Listed, Equatable {
    /// The asset's `type`.
    public enum AssetType: Sendable, Equatable {
        /// A file with bytes.
        case file
        /// A folder.
        case folder
        /// A version stack; its children are the versions.
        case versionStack
        /// A bundle (a multi-file asset such as an image sequence); treated as a file.
        case bundle
        /// A type this client does not know, as the service named it: kept as data (an item of
        /// kind `other`), never a reason to fail the crawl.
        case other(String)

        /// The type named `name` by the service.
        public init(name: String) {
            switch name {
            case "file": self = .file
            case "folder": self = .folder
            case "version_stack": self = .versionStack
            case "bundle": self = .bundle
            default: self = .other(name)
            }
        }

        /// The name the service uses.
        public var name: String {
            switch self {
            case .file: "file"
            case .folder: "folder"
            case .versionStack: "version_stack"
            case .bundle: "bundle"
            case .other(let name): name
            }
        }
    }

    /// The asset id.
    public var id: String
    /// The asset name.
    public var name: String
    /// The asset type.
    public var type: AssetType
    /// The account it belongs to (`account_id`), when the payload carries it.
    public var accountID: String? = nil
    /// The project it belongs to (`project_id`), when the payload carries it.
    public var projectID: String? = nil
    /// The asset it sits in (`parent_id`), when the payload carries it.
    public var parentID: String? = nil
    /// The record as received.
    public var record: JSONValue

    /// Whether the crawler must list its children.
    public var isContainer: Bool { type == .folder || type == .versionStack }
}

/// One page of a paginated list, with the pagination headers.
public struct FrameIOPage<Element: Sendable>: Sendable {
    /// The elements on this page.
    public var elements: [Element]
    /// The page requested (1-based); the `page-number` header is not trusted over it.
    public var pageNumber: Int
    /// `total-pages`, when sent.
    public var totalPages: Int?
    /// `per-page`, when sent (the page size the server honoured).
    public var perPage: Int?
    /// `total`, when sent.
    public var total: Int?
    /// The page size requested.
    public var requestedPageSize: Int

    /// Creates a page. Header values a server cannot mean are dropped, as if not sent: a
    /// `per-page` below 1 (or above the size asked for), a negative `total` or `total-pages`, a
    /// `page-number` below 1; so no arithmetic on them can divide by zero or go negative.
    public init(elements: [Element], pageNumber: Int, totalPages: Int?, perPage: Int?, total: Int?, requestedPageSize: Int) {
        self.elements = elements
        self.requestedPageSize = Swift.max(1, requestedPageSize)
        self.pageNumber = Swift.max(1, pageNumber)
        self.totalPages = totalPages.flatMap { $0 >= 0 ? $0 : nil }
        self.perPage = perPage.flatMap { (1...self.requestedPageSize).contains($0) ? $0 : nil }
        self.total = total.flatMap { $0 >= 0 ? $0 : nil }
    }

    /// Whether another page follows: by `total-pages` when sent, else only when this page was full.
    public var hasNextPage: Bool {
        if let totalPages { return pageNumber < totalPages }
        return elements.count >= (perPage ?? requestedPageSize) && !elements.isEmpty
    }
}

import CatalogCore
import Foundation
import HTTPSupport
import HTTPTypes

/// A client for the Frame.io V4 API: one method per call the crawler makes, each returning
/// decoded models; raw JSON stays inside, HTTP failures surface as ``APIError``.
///
/// Lists are paged by cursor. `links.next` carries only the cursor, so every page is asked for
/// with all of the list's parameters again (`page_size`, `include`, …) plus `after`; a next link
/// naming another list is refused as malformed. Each call names its rate-limit class, as the
/// service limits each endpoint on its own.
public struct FrameIOV4Client: Sendable {
    /// `https://api.frame.io/v4`.
    public static let defaultBaseURL = "https://api.frame.io/v4"
    /// The largest page the service serves.
    public static let maxPageSize = 100

    /// The API base URL (ending in `/v4`), without a trailing slash.
    public let baseURL: String
    /// Sends the requests.
    public let requester: APIRequester
    /// The page size asked for.
    public let pageSize: Int

    public init(baseURL: String = defaultBaseURL, requester: APIRequester, pageSize: Int = maxPageSize, thumbnails: Bool = false) {
        self.baseURL = APIURL.base(baseURL)
        self.requester = requester
        self.pageSize = max(1, min(pageSize, Self.maxPageSize))
        assetIncludes = thumbnails ? "metadata,media_links.thumbnail" : "metadata"
    }

    /// What file lists and reads include: each file's metadata and, for a crawl with thumbnails,
    /// its thumbnail's signed address.
    let assetIncludes: String

    /// `GET /me`.
    public func me() async throws -> V4User {
        let what = "the current user (/me)"
        return try await getData("/me", rateLimitGroup: "v4:me", what: what) { try V4User(json: $0, what: what) }
    }

    public func accounts(after cursor: String?) async throws -> V4Page<V4Account> {
        try await list("/accounts", group: "v4:accounts", cursor: cursor, what: "accounts") { try V4Account(json: $0, what: $1) }
    }

    public func workspaces(accountID: String, after cursor: String?) async throws -> V4Page<V4Workspace> {
        try await list(
            "/accounts/\(escape(accountID))/workspaces", group: "v4:workspaces", cursor: cursor, what: "workspaces of account \(accountID)"
        ) {
            try V4Workspace(json: $0, what: $1)
        }
    }

    public func projects(accountID: String, workspaceID: String, after cursor: String?) async throws -> V4Page<V4Project> {
        try await list(
            "/accounts/\(escape(accountID))/workspaces/\(escape(workspaceID))/projects", group: "v4:projects", cursor: cursor,
            what: "projects of workspace \(workspaceID)"
        ) { try V4Project(json: $0, what: $1) }
    }

    /// Projects the user was invited to without access to their workspace.
    public func invitedProjects(accountID: String, after cursor: String?) async throws -> V4Page<V4Project> {
        try await list(
            "/accounts/\(escape(accountID))/invited_projects", group: "v4:invited_projects", cursor: cursor,
            what: "invited projects of account \(accountID)"
        ) { try V4Project(json: $0, what: $1) }
    }

    /// The account's members (to name the people user fields hold), deactivated ones included.
    public func users(accountID: String, after cursor: String?) async throws -> V4Page<V4AccountUser> {
        try await list(
            "/accounts/\(escape(accountID))/users", query: [("include_deactivated", "true")], group: "v4:users", cursor: cursor,
            what: "users of account \(accountID)"
        ) { try V4AccountUser(json: $0, what: $1) }
    }

    public func fieldDefinitions(accountID: String, after cursor: String?) async throws -> V4Page<V4FieldDefinition> {
        try await list(
            "/accounts/\(escape(accountID))/metadata/field_definitions", group: "v4:field_definitions", cursor: cursor,
            what: "metadata fields of account \(accountID)"
        ) { try V4FieldDefinition(json: $0, what: $1) }
    }

    /// A folder's children, from `/children` (every type; 100 calls a minute) or from one kind's
    /// own list (`/files`, `/folders`, `/version_stacks`: 5 calls a second each), with each
    /// file's metadata.
    public func folderChildren(_ kind: ChildList, accountID: String, folderID: String, after cursor: String?) async throws -> V4Page<V4Asset> {
        try await list(
            "/accounts/\(escape(accountID))/folders/\(escape(folderID))/\(kind.rawValue)", query: [("include", assetIncludes)],
            group: "v4:\(kind.rawValue)", cursor: cursor, what: "\(kind.rawValue.replacingOccurrences(of: "_", with: " ")) in folder \(folderID)"
        ) { try V4Asset(json: $0, what: $1) }
    }

    /// The lists of a folder's children: one per kind, or every kind at once (`children`, 100 calls a minute).
    public enum ChildList: String, Sendable, CaseIterable {
        case files, folders
        case versionStacks = "version_stacks"
        case all = "children"
    }

    /// A version stack's versions (files), with their metadata.
    public func versions(accountID: String, stackID: String, after cursor: String?) async throws -> V4Page<V4Asset> {
        try await list(
            "/accounts/\(escape(accountID))/version_stacks/\(escape(stackID))/children", query: [("include", assetIncludes)],
            group: "v4:version_stack_children", cursor: cursor, what: "versions of version stack \(stackID)"
        ) { try V4Asset(json: $0, what: $1) }
    }

    /// `GET /accounts/{a}/files/{id}`.
    public func file(accountID: String, id: String) async throws -> V4Asset {
        try await asset("files", group: "v4:file", accountID: accountID, id: id, what: "file \(id)")
    }

    /// The account's audit log from `day` (`filters[from_date]`, a UTC day), oldest first.
    public func auditLog(accountID: String, from day: Date, after cursor: String?) async throws -> V4Page<V4AuditEvent> {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        return try await list(
            "/accounts/\(escape(accountID))/audit_logs", query: [("filters[from_date]", formatter.string(from: day))], group: "v4:audit_logs",
            cursor: cursor, what: "audit log of account \(accountID)"
        ) { try V4AuditEvent(json: $0, what: $1) }
    }

    /// A project's recently deleted assets, newest first.
    public func recentlyDeleted(accountID: String, projectID: String, after cursor: String?) async throws -> V4Page<V4DeletedAsset> {
        try await list(
            "/accounts/\(escape(accountID))/projects/\(escape(projectID))/recently_deleted", query: [("sort", "deleted_at_desc")],
            group: "v4:recently_deleted", cursor: cursor, what: "recently deleted of project \(projectID)"
        ) { try V4DeletedAsset(json: $0, what: $1) }
    }

    /// A file's comments, oldest first, each with its author and its replies (100 calls a
    /// minute). `include` goes out again with every page: `links.next` carries only the cursor.
    public func comments(accountID: String, fileID: String, after cursor: String?) async throws -> V4Page<V4Comment> {
        try await list(
            "/accounts/\(escape(accountID))/files/\(escape(fileID))/comments",
            query: [("include", "owner,replies"), ("sort", "created_at_asc")], group: "v4:comments", cursor: cursor,
            what: "comments of file \(fileID)"
        ) { try V4Comment(json: $0, what: $1) }
    }

    /// `GET /accounts/{a}/comments/{id}`: one comment (to learn the file of a new one).
    public func comment(accountID: String, id: String) async throws -> V4Comment {
        let what = "comment \(id)"
        return try await getData(
            "/accounts/\(escape(accountID))/comments/\(escape(id))", query: [("include", "owner,replies")], rateLimitGroup: "v4:comment",
            what: what
        ) { try V4Comment(json: $0, what: what) }
    }

    /// `GET /accounts/{a}/folders/{id}` (a project's root folder too).
    public func folder(accountID: String, id: String) async throws -> V4Asset {
        try await asset("folders", group: "v4:folder", accountID: accountID, id: id, what: "folder \(id)")
    }

    /// `GET /accounts/{a}/version_stacks/{id}`.
    public func versionStack(accountID: String, id: String) async throws -> V4Asset {
        try await asset("version_stacks", group: "v4:version_stack", accountID: accountID, id: id, what: "version stack \(id)")
    }

    /// One asset of `collection` (`files`, `folders`, `version_stacks`), with its metadata.
    private func asset(_ collection: String, group: String, accountID: String, id: String, what: String) async throws -> V4Asset {
        try await getData(
            "/accounts/\(escape(accountID))/\(collection)/\(escape(id))", query: [("include", assetIncludes)], rateLimitGroup: group, what: what
        ) { try V4Asset(json: $0, what: what) }
    }

    /// Whether `error` says the thing asked for is not there (404 or 410): deleted, or never was.
    public static func isGone(_ error: any Error) -> Bool {
        guard case .rejected(_, _, let status, _) = error as? APIError else { return false }
        return status == 404 || status == 410
    }

    /// Whether `error` is a refusal for lack of rights (403).
    public static func isForbidden(_ error: any Error) -> Bool {
        guard case .rejected(_, _, let status, _) = error as? APIError else { return false }
        return status == 403
    }

    // MARK: - Plumbing

    private func list<Element>(
        _ path: String, query: [(String, String)] = [], group: String, cursor: String?, what: String,
        decode: (JSONValue, String) throws -> Element
    ) async throws -> V4Page<Element> {
        let size = pageSize
        // Every parameter again on every page: the cursor carries none of them.
        var parameters = query + [("page_size", String(size))]
        if let cursor { parameters.append(("after", cursor)) } else { parameters.append(("include_total_count", "true")) }
        let pageWhat = cursor == nil ? "\(what) (first page)" : "\(what) (a later page)"
        return try await requester.send(
            APIRequest(url: url(path, query: parameters), headerFields: [.accept: "application/json"], rateLimitGroup: group), what: pageWhat
        ) { response in
            let json = try parse(response, what: pageWhat)
            guard let values = json["data"]?.arrayValue else {
                throw APIError.malformedResponse(
                    service: "Frame.io V4", what: pageWhat, detail: "expected {\"data\": [...]}, found \(json["data"]?.typeName ?? json.typeName)")
            }
            guard values.count <= size else {
                throw APIError.malformedResponse(
                    service: "Frame.io V4", what: pageWhat, detail: "\(values.count) elements on a page of at most \(size)")
            }
            var elements: [Element] = []
            elements.reserveCapacity(values.count)
            for (index, value) in values.enumerated() { elements.append(try decode(value, "\(pageWhat), element \(index)")) }
            let next = try Self.nextCursor(json["links"]?["next"], path: path, what: pageWhat)
            let total = json["total_count"]?.int64Value.flatMap { $0 >= 0 && $0 <= Int64(Int32.max) ? Int($0) : nil }
            return V4Page(elements: elements, nextCursor: next, totalCount: total, requestedPageSize: size)
        }
    }

    /// The `after` cursor of a `links.next` (`/v4/…?after=…`), which must name the same list.
    static func nextCursor(_ link: JSONValue?, path: String, what: String) throws -> String? {
        guard let link, !link.isNull else { return nil }
        guard let text = link.stringValue else {
            throw APIError.malformedResponse(service: "Frame.io V4", what: what, detail: "links.next is \(link.typeName), expected a string")
        }
        guard !text.isEmpty else { return nil }
        guard let components = URLComponents(string: text), components.path.hasSuffix(path),
            let cursor = components.queryItems?.first(where: { $0.name == "after" })?.value, !cursor.isEmpty
        else {
            throw APIError.malformedResponse(
                service: "Frame.io V4", what: what,
                detail: "links.next \(TerminalText.sanitize(String(text.prefix(200)))) is not a cursor of this list")
        }
        return cursor
    }

    private func getData<T>(
        _ path: String, query: [(String, String)] = [], rateLimitGroup: String, what: String, decode: (JSONValue) throws -> T
    ) async throws -> T {
        try await requester.send(
            APIRequest(url: url(path, query: query), headerFields: [.accept: "application/json"], rateLimitGroup: rateLimitGroup), what: what
        ) { response in
            let json = try parse(response, what: what)
            guard let data = json["data"], !data.isNull else {
                throw APIError.malformedResponse(service: "Frame.io V4", what: what, detail: "expected {\"data\": {...}}")
            }
            return try decode(data)
        }
    }

    private func parse(_ response: APIResponse, what: String) throws -> JSONValue { try requester.json(response, what: what) }

    private func url(_ path: String, query: [(String, String)]) -> String { APIURL.make(baseURL, path, query: query) }

    /// Ids go out as path segments, dots encoded (an id `..` is not a way up).
    private func escape(_ component: String) -> String { APIURL.escapeSegment(component) }
}

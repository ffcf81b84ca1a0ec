import CatalogCore
import Foundation
import HTTPSupport
import HTTPTypes
import Logging
import Synchronization

/// A client for the Frame.io v2 API: one method per call the crawler needs, each returning decoded
/// models. Raw JSON stays inside; HTTP failures surface as ``APIError``.
public struct FrameIOClient: Sendable {
    /// `https://api.frame.io/v2`.
    public static let defaultBaseURL = "https://api.frame.io/v2"
    /// The page size asked for; the server may honour less (its `per-page` header says).
    public static let defaultPageSize = 1000

    /// The API base URL, without a trailing slash.
    public let baseURL: String
    /// Sends the requests.
    public let requester: APIRequester
    /// The page size asked for: the one configured, until the service refuses it (422 or 400 on
    /// a list); then half of it, for the rest of this client's requests.
    public var pageSize: Int { pageSizes.current }
    private let pageSizes: PageSizeLearner
    /// The smallest page size tried after refusals; a refusal at this size is an error.
    public static let minimumPageSize = 10

    /// Creates a client.
    public init(baseURL: String = defaultBaseURL, requester: APIRequester, pageSize: Int = defaultPageSize) {
        self.baseURL = APIURL.base(baseURL)
        self.requester = requester
        self.pageSizes = PageSizeLearner(pageSize)
    }

    /// `GET /me`: checks the token and names its user.
    public func me() async throws -> FrameIOUser {
        let what = "the current user (/me)"
        return try await getJSON("/me", query: [], what: what) { try FrameIOUser(json: $0, what: what) }
    }

    /// One page of `GET /accounts`.
    public func accounts(page: Int) async throws -> FrameIOPage<FrameIOAccount> {
        try await list("/accounts", query: [], page: page, what: "accounts") { try FrameIOAccount(json: $0, what: $1) }
    }

    /// One page of `GET /accounts/{id}/teams`.
    public func teams(accountID: String, page: Int) async throws -> FrameIOPage<FrameIOTeam> {
        try await list("/accounts/\(escape(accountID))/teams", query: [], page: page, what: "teams of account \(accountID)") {
            try FrameIOTeam(json: $0, what: $1)
        }
    }

    /// One page of `GET /teams/{id}/projects?filter[archived]=all` (archived projects included).
    public func projects(teamID: String, page: Int) async throws -> FrameIOPage<FrameIOProject> {
        try await list(
            "/teams/\(escape(teamID))/projects", query: [("filter[archived]", "all")], page: page,
            what: "projects of team \(teamID)"
        ) { try FrameIOProject(json: $0, what: $1) }
    }

    /// One page of `GET /projects/shared?filter[archived]=…`. The reference documents the filter
    /// here as a boolean (default false), not `all` as on team projects: the crawler asks for
    /// both values and joins them.
    public func sharedProjects(archived: Bool, page: Int) async throws -> FrameIOPage<FrameIOProject> {
        try await list(
            "/projects/shared", query: [("filter[archived]", archived ? "true" : "false")], page: page,
            what: archived ? "archived shared projects" : "shared projects"
        ) { try FrameIOProject(json: $0, what: $1) }
    }

    /// One page of `GET /assets/{id}/children` (all types; deleted assets excluded).
    public func children(of assetID: String, page: Int) async throws -> FrameIOPage<FrameIOAsset> {
        try await list("/assets/\(escape(assetID))/children", query: [], page: page, what: "children of asset \(assetID)") {
            try FrameIOAsset(json: $0, what: $1)
        }
    }

    /// `GET /assets/{id}`: one asset (a project's root asset too, the hidden folder standing for it).
    public func asset(id: String) async throws -> FrameIOAsset {
        let what = "asset \(id)"
        return try await getJSON("/assets/\(escape(id))", query: [], what: what) { try FrameIOAsset(json: $0, what: what) }
    }

    /// One page of `GET /projects/{id}/trash`: the project's soft-deleted assets.
    public func trash(projectID: String, page: Int) async throws -> FrameIOPage<FrameIOAsset> {
        try await list("/projects/\(escape(projectID))/trash", query: [], page: page, what: "trash of project \(projectID)") {
            try FrameIOAsset(json: $0, what: $1)
        }
    }

    /// The most results a library search is trusted for: the vendor says not to page past about 100.
    public static let searchTrustLimit = 100

    /// The first page (at most ``searchTrustLimit`` results, newest first) of `POST /search/library`
    /// for live assets of an account, or of one project, updated at or after `since`.
    public func searchLibrary(accountID: String, projectID: String? = nil, updatedSince since: Date) async throws -> FrameIOPage<FrameIOAsset> {
        var filter: [(String, JSONValue)] = [
            ("updated_at", .object([("op", .string("gte")), ("value", .string(Timestamp.format(since)))]))
        ]
        if let projectID { filter.append(("project_id", .object([("op", .string("eq")), ("value", .string(projectID))]))) }
        let body = JSONValue.object([
            ("account_id", .string(accountID)), ("q", .string("")), ("sort", .string("-updated_at")),
            ("page", .number("1")), ("page_size", .number(String(Self.searchTrustLimit))), ("filter", .object(filter)),
        ])
        let what = "assets updated since \(Timestamp.format(since)) in \(projectID.map { "project \($0)" } ?? "account \(accountID)")"
        return try await requester.send(
            APIRequest(
                method: .post, url: url("/search/library", query: []), headerFields: [.accept: "application/json", .contentType: "application/json"],
                body: Array(JSONWriter.string(body, canonical: false).utf8), rateLimitGroup: "search"),
            what: what
        ) { response in
            try decodePage(response, page: 1, pageSize: Self.searchTrustLimit, what: what) { try FrameIOAsset(json: $0, what: $1) }
        }
    }

    /// The rate-limit bucket a path draws on, as the service limits them: an asset's children,
    /// one asset, a project's trash, or the path's own bucket (`/accounts`, `/me`, …).
    static func rateLimitGroup(_ path: String) -> String {
        let parts = path.split(separator: "/")
        switch (parts.first, parts.count, parts.last) {
        case ("assets", 3, "children"): return "children"
        case ("assets", 2, _): return "asset"
        case ("projects", 3, "trash"): return "trash"
        case ("teams", 3, "projects"): return "projects"
        case ("accounts", 3, "teams"): return "teams"
        default: return parts.first.map(String.init) ?? ""
        }
    }

    // MARK: - Plumbing

    private func list<Element>(
        _ path: String, query: [(String, String)], page: Int, what: String,
        decode: (JSONValue, String) throws -> Element
    ) async throws -> FrameIOPage<Element> {
        let pageWhat = "\(what) (page \(page))"
        while true {
            let size = pageSize
            do {
                return try await requester.send(
                    APIRequest(
                        url: url(path, query: query + [("page", String(page)), ("page_size", String(size))]),
                        headerFields: [.accept: "application/json"], rateLimitGroup: Self.rateLimitGroup(path)),
                    what: pageWhat
                ) { response in try decodePage(response, page: page, pageSize: size, what: pageWhat, decode: decode) }
            } catch APIError.rejected(let service, let what, let status, let message) where [400, 422].contains(status) {
                // A service that will not serve pages this large says so: ask with smaller pages
                // from now on (a list read partly at the old size does not add up, and is read again).
                // Only for a refusal about paging: another 400/422 is not the page size's fault.
                guard size > Self.minimumPageSize, message.lowercased().contains("page") else {
                    throw APIError.rejected(service: service, what: what, status: status, message: message)
                }
                let smaller = pageSizes.lower(from: size)
                requester.logger.notice(
                    "the service refused a page size; asking for smaller pages",
                    metadata: ["what": "\(pageWhat)", "refused": "\(size)", "now": "\(smaller)", "status": "\(status)"])
            }
        }
    }

    private func decodePage<Element>(
        _ response: APIResponse, page: Int, pageSize: Int, what pageWhat: String, decode: (JSONValue, String) throws -> Element
    ) throws -> FrameIOPage<Element> {
        let json = try parse(response, what: pageWhat)
        guard case .array(let values) = json else {
            throw APIError.malformedResponse(service: "Frame.io", what: pageWhat, detail: "expected a JSON array, found \(json.typeName)")
        }
        // A page never holds more than was asked for; one that does is not a page of this list.
        guard values.count <= pageSize else {
            throw APIError.malformedResponse(
                service: "Frame.io", what: pageWhat, detail: "\(values.count) elements on a page of at most \(pageSize)")
        }
        var elements: [Element] = []
        elements.reserveCapacity(values.count)
        for (index, value) in values.enumerated() {
            elements.append(try decode(value, "\(pageWhat), element \(index)"))
        }
        return FrameIOPage(
            elements: elements,
            pageNumber: page,
            totalPages: response.intHeader(.totalPages), perPage: response.intHeader(.perPage), total: response.intHeader(.total),
            requestedPageSize: pageSize)
    }

    private func getJSON<T>(_ path: String, query: [(String, String)], what: String, decode: (JSONValue) throws -> T) async throws -> T {
        try await requester.send(
            APIRequest(url: url(path, query: query), headerFields: [.accept: "application/json"], rateLimitGroup: Self.rateLimitGroup(path)),
            what: what
        ) {
            try decode(try parse($0, what: what))
        }
    }

    private func parse(_ response: APIResponse, what: String) throws -> JSONValue { try requester.json(response, what: what) }

    private func url(_ path: String, query: [(String, String)]) -> String { APIURL.make(baseURL, path, query: query) }

    private func escape(_ component: String) -> String { APIURL.escape(component) }
}

/// The page size a client asks for, lowered when the service refuses it; shared by the client's
/// concurrent requests.
final class PageSizeLearner: Sendable {
    private let value: Mutex<Int>

    init(_ initial: Int) { value = Mutex(max(1, initial)) }

    var current: Int { value.withLock { $0 } }

    /// Halves the size below `refused` (never under ``FrameIOClient/minimumPageSize``) and returns
    /// the size to use now: a size refused by several requests at once is halved once.
    func lower(from refused: Int) -> Int {
        value.withLock { size in
            if size >= refused { size = max(FrameIOClient.minimumPageSize, refused / 2) }
            return size
        }
    }
}

extension HTTPField.Name {
    /// v2 paging: the page count.
    static let totalPages = HTTPField.Name("total-pages")!
    /// v2 paging: the page size honoured.
    static let perPage = HTTPField.Name("per-page")!
    /// v2 paging: the element count.
    static let total = HTTPField.Name("total")!
}

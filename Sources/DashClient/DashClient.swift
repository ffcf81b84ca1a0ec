import CatalogCore
import Foundation
import HTTPSupport
import HTTPTypes

/// The Dash API v2 calls the catalog needs: the current user, fields, folder settings, option
/// searches and asset searches. Decodes envelopes into models; raw JSON never leaves it except
/// as each model's `record`.
public struct DashClient: Sendable {
    /// The production API.
    public static let defaultBaseURL = "https://api-v2.dash.app"
    /// The production token endpoint's host.
    public static let defaultAuthURL = "https://login.dash.app"
    /// The page size asked for (the service may honour less).
    public static let defaultPageSize = 1000
    /// How deep paging reaches: `from + pageSize` may not pass this.
    public static let pagingCap = 10_000

    /// The API base URL, without a trailing slash.
    public let baseURL: String
    /// Sends requests with pacing, retries and auth.
    public let requester: APIRequester
    /// Results asked per page.
    public let pageSize: Int

    /// Creates a client.
    public init(baseURL: String = defaultBaseURL, requester: APIRequester, pageSize: Int = defaultPageSize) {
        self.baseURL = APIURL.base(baseURL)
        self.requester = requester
        self.pageSize = min(pageSize, Self.pagingCap)
    }

    /// `GET /current-user`.
    public func currentUser() async throws -> DashUser {
        let what = "the current user (/current-user)"
        return try await send(.get, "/current-user", body: nil, what: what) { try DashUser(json: try Self.result($0, what: what), what: what) }
    }

    /// `GET /fields` (a bare array of `{result, permittedActions}`).
    public func fields() async throws -> [DashField] {
        let what = "fields (/fields)"
        return try await send(.get, "/fields", body: nil, what: what) { json in
            guard let items = json.arrayValue else {
                throw APIError.malformedResponse(service: "Dash", what: what, detail: "expected a JSON array, found \(json.typeName)")
            }
            return try items.enumerated().map { index, item in
                let itemWhat = "\(what), element \(index)"
                return try DashField(json: try Self.result(item, what: itemWhat), what: itemWhat)
            }
        }
    }

    /// `GET /folder-settings`: the folders field's id.
    public func foldersFieldID() async throws -> String {
        let what = "folder settings (/folder-settings)"
        return try await send(.get, "/folder-settings", body: nil, what: what) {
            try JSONObjectReader(try Self.result($0, what: what), service: "Dash", what: what).requiredString("fieldId")
        }
    }

    /// `GET /field-options/{id}`: one option and its parent's id (the response nests the parent chain).
    public func fieldOption(id: String) async throws -> (option: DashFieldOption, parentID: String?) {
        let what = "option \(id) (/field-options)"
        let encoded = APIURL.escape(id)
        return try await send(.get, "/field-options/\(encoded)", body: nil, what: what) {
            let json = try Self.result($0, what: what)
            return (try DashFieldOption(json: json, what: what), json["parent"]?["id"]?.stringValue)
        }
    }

    /// `GET /assets/{id}`: one asset, or nil when the service says it does not exist (404).
    public func asset(id: String) async throws -> DashAsset? {
        let what = "asset \(id) (/assets)"
        let encoded = APIURL.escape(id)
        do {
            return try await send(.get, "/assets/\(encoded)", body: nil, what: what) {
                try DashAsset(json: try Self.result($0, what: what), what: what)
            }
        } catch APIError.rejected(_, _, 404, _) {
            return nil
        }
    }

    /// `POST /field-option-searches`: one page of options matching `criterion`.
    public func searchOptions(criterion: JSONValue, sorts: [JSONValue], from: Int, what: String) async throws -> DashPage<DashFieldOption> {
        try await search("/field-option-searches", criterion: criterion, sorts: sorts, from: from, pageSize: pageSize, what: what) {
            try DashFieldOption(json: $0, what: $1)
        }
    }

    /// `POST /asset-searches`: one page of assets matching `criterion` (`pageSize` 0: the count only).
    public func searchAssets(criterion: JSONValue, sorts: [JSONValue], from: Int, pageSize: Int? = nil, what: String) async throws -> DashPage<
        DashAsset
    > {
        try await search("/asset-searches", criterion: criterion, sorts: sorts, from: from, pageSize: pageSize ?? self.pageSize, what: what) {
            try DashAsset(json: $0, what: $1)
        }
    }

    /// The largest `totalResults` believed: more assets than any tenant holds (2^31 - 1).
    public static let maxTotalResults: Int64 = 2_147_483_647

    // MARK: - Plumbing

    private func search<Element>(
        _ path: String, criterion: JSONValue, sorts: [JSONValue], from: Int, pageSize: Int, what: String,
        decode: (JSONValue, String) throws -> Element
    ) async throws -> DashPage<Element> {
        let size = max(0, min(pageSize, Self.pagingCap - from))
        let body = JSONValue.object([
            ("from", .number(String(from))), ("pageSize", .number(String(size))), ("criterion", criterion), ("sorts", .array(sorts)),
        ])
        let pageWhat = "\(what) (from \(from))"
        return try await send(.post, path, body: body, what: pageWhat) { json in
            guard let results = json["results"]?.arrayValue, let total = json["totalResults"]?.int64Value else {
                throw APIError.malformedResponse(
                    service: "Dash", what: pageWhat, detail: "expected {results: [...], totalResults: N}, found \(json.typeName)")
            }
            // Counts a server cannot mean, and pages larger than asked for, are not pages of this
            // search: every later computation (windows, page plans) can then trust them.
            guard (0...Self.maxTotalResults).contains(total) else {
                throw APIError.malformedResponse(
                    service: "Dash", what: pageWhat, detail: "totalResults \(total) is not a count from 0 to \(Self.maxTotalResults)")
            }
            guard results.count <= size else {
                throw APIError.malformedResponse(service: "Dash", what: pageWhat, detail: "\(results.count) results on a page of at most \(size)")
            }
            var elements: [Element] = []
            elements.reserveCapacity(results.count)
            for (index, item) in results.enumerated() {
                let itemWhat = "\(pageWhat), result \(index)"
                elements.append(try decode(try Self.result(item, what: itemWhat), itemWhat))
            }
            return DashPage(elements: elements, totalResults: Int(total))
        }
    }

    /// The `result` of a `{result, permittedActions}` envelope.
    static func result(_ envelope: JSONValue, what: String) throws -> JSONValue {
        guard let result = envelope["result"] else {
            throw APIError.malformedResponse(service: "Dash", what: what, detail: "expected {result, permittedActions}, found \(envelope.typeName)")
        }
        return result
    }

    /// Sends a request and decodes its JSON answer with `decode` (an undecodable answer is asked for again).
    private func send<T>(
        _ method: HTTPRequest.Method, _ path: String, body: JSONValue?, what: String, decode: (JSONValue) throws -> T
    ) async throws -> T {
        var headers: HTTPFields = [.accept: "application/json"]
        var bytes: [UInt8]?
        if let body {
            headers[.contentType] = "application/json"
            var writer = JSONWriter()
            writer.write(body, canonical: false)
            bytes = writer.bytes
        }
        return try await requester.send(APIRequest(method: method, url: baseURL + path, headerFields: headers, body: bytes), what: what) {
            try decode(try requester.json($0, what: what))
        }
    }
}

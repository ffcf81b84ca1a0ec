import CatalogCore
import Foundation
import Hummingbird
import Synchronization

/// The fake Dash API v2: `{result, permittedActions}` envelopes, option and asset searches with
/// the criteria the crawler uses, the 10 000-result paging cap, rate limits and faults shared
/// with the Frame.io fake, and an OAuth token endpoint that issues short-lived access tokens and
/// rotates refresh tokens. Independent of the HTTP server so it can be tested directly.
public final class DashSandboxAPI: Sendable {
    /// The tenant served now (it changes when mutated).
    public var dataset: DashDataset { state.withLock { $0.dataset } }
    /// Limits and faults.
    public let configuration: SandboxConfiguration
    private let gate: SandboxGate
    private let auth: Mutex<AuthState>
    private let signature = Mutex<UInt64>(0)
    /// Assets in ADDED_ORDER, with their modification times in milliseconds.
    let state: Mutex<Snapshot>
    var assets: [(asset: DashDataset.Asset, modified: Int64)] { state.withLock { $0.assets } }
    private var childCounts: [String: Int] { state.withLock { $0.childCounts } }

    /// The tenant and what is derived from it for fast answers.
    struct Snapshot: Sendable {
        var dataset: DashDataset
        /// Assets in ADDED_ORDER, with their modification times in milliseconds.
        var assets: [(asset: DashDataset.Asset, modified: Int64)]
        var childCounts: [String: Int]
        var optionsByID: [String: DashDataset.Option]

        init(_ dataset: DashDataset) {
            self.dataset = dataset
            assets = dataset.assets.map { ($0, DashWireTime.parse($0.dateLastModified) ?? 0) }.sorted { $0.asset.addedOrder < $1.asset.addedOrder }
            var counts: [String: Int] = [:]
            for option in dataset.options {
                if let parent = option.parentID { counts[parent, default: 0] += 1 }
            }
            childCounts = counts
            optionsByID = Dictionary(dataset.options.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        }
    }

    /// How deep a search may page (`from + pageSize`).
    public static let pagingCap = 10_000

    struct AuthState {
        var refreshToken: String?
        var accessTokens: [String: Date] = [:]
        var issued = 0
    }

    /// Where its signed media addresses point (thumbnails, previews).
    public let media: SandboxMedia

    /// Creates the API over a tenant.
    public init(dataset: DashDataset, configuration: SandboxConfiguration, media: SandboxMedia? = nil) {
        self.media = media ?? SandboxMedia(expiredRate: configuration.expiredThumbnailRate)
        self.configuration = configuration
        gate = SandboxGate(configuration: configuration)
        auth = Mutex(AuthState(refreshToken: configuration.dashAuth?.refreshToken))
        state = Mutex(Snapshot(dataset))
    }

    /// Serves `dataset` from now on.
    public func replace(_ dataset: DashDataset) {
        state.withLock { $0 = Snapshot(dataset) }
    }

    /// Changes about `rate` of the tenant's assets (see ``DashDataset/mutate(rate:seed:now:)``).
    @discardableResult
    public func mutate(rate: Double, seed: UInt64) -> DashMutationReport {
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        return state.withLock { snapshot in
            var dataset = snapshot.dataset
            let report = dataset.mutate(rate: rate, seed: seed, now: now)
            snapshot = Snapshot(dataset)
            return report
        }
    }

    /// `POST /_admin/mutate?rate=R&seed=S` (no token needed; the sandbox binds loopback).
    func admin(query: [String: String], path: String) -> SandboxResponse {
        guard let rate = Double(query["rate"] ?? "0.01"), (0...1).contains(rate) else {
            return Self.error(status: 400, message: "rate must be a number between 0 and 1", path: path)
        }
        let report = mutate(rate: rate, seed: UInt64(query["seed"] ?? "") ?? UInt64.random(in: 0...UInt64.max))
        return .json(report.json)
    }

    /// Requests answered so far, by outcome.
    public var counts: SandboxCounters { gate.counts }

    /// Access tokens issued by the token endpoint so far.
    public var issuedTokens: Int { auth.withLock { $0.issued } }

    /// Adds the Dash API routes to `group` (mounted at `/dash`).
    func addRoutes<Context: RequestContext>(to group: RouterGroup<Context>) {
        func route(
            _ method: HTTPRequest.Method, _ path: RouterPath,
            _ answer: @escaping @Sendable (DashSandboxAPI, SandboxRequest, PageFault?) -> SandboxResponse
        ) {
            group.sandbox(method, path) { [self] request in await serve(request) { answer(self, request, $0) } }
        }
        route(.get, "current-user") { api, _, _ in
            api.envelope(
                .object([
                    ("id", .string(api.dataset.userID)), ("accountId", .string(api.dataset.accountID)), ("email", .string(api.dataset.userEmail)),
                ]))
        }
        route(.get, "fields") { api, _, _ in .json(.array(api.dataset.fields.map { api.wrap(api.render($0)) })) }
        route(.get, "folder-settings") { api, _, _ in api.envelope(.object([("fieldId", .string(api.dataset.foldersFieldID))])) }
        route(.post, "field-option-searches") { api, request, fault in
            api.search(request.body, path: request.path, pageFault: fault) { criterion, sorts in try api.optionSearch(criterion, sorts) }
        }
        route(.post, "asset-searches") { api, request, fault in
            api.search(request.body, path: request.path, pageFault: fault) { criterion, sorts in try api.assetSearch(criterion, sorts) }
        }
        route(.get, "assets/:id") { api, request, _ in
            let id = request.parameter("id")
            guard let found = api.assets.first(where: { $0.asset.id == id }) else { return api.noRoute(request) }
            return api.envelope(api.render(found.asset))
        }
        route(.get, "field-options/:id") { api, request, _ in
            let options = api.state.withLock { $0.optionsByID }
            guard let option = options[request.parameter("id")] else { return api.noRoute(request) }
            return api.envelope(api.renderWithParents(option, options))
        }
        route(.get, "fields/:id") { api, request, _ in
            guard let field = api.dataset.fields.first(where: { $0.id == request.parameter("id") }) else { return api.noRoute(request) }
            return api.envelope(api.render(field))
        }
        group.sandbox(.post, "_admin/mutate") { [self] request in admin(query: request.query, path: request.path) }
        group.sandboxFallback { method, path in Self.error(status: 404, message: "No route for \(method) \(path)", path: path) }
    }

    /// Adds the OAuth token endpoint to `group` (mounted at `/dash-login`).
    func addTokenRoute<Context: RequestContext>(to group: RouterGroup<Context>) {
        group.sandbox(.post, "oauth/token", bodyLimit: 1 << 16) { [self] request in token(body: request.body) }
    }

    private func noRoute(_ request: SandboxRequest) -> SandboxResponse {
        Self.error(status: 404, message: "No route for GET \(request.path)", path: request.path)
    }

    /// Answers one request: the gate first (token, rate limit, faults), then `answer`.
    private func serve(_ request: SandboxRequest, _ answer: (PageFault?) -> SandboxResponse) async -> SandboxResponse {
        let required = configuration.requiredToken
        let issuing = configuration.dashAuth != nil
        return await gate.serve(
            authorization: request.authorization, expiring: !issuing,
            accepts: { token in
                if issuing { return auth.withLock { ($0.accessTokens[token] ?? .distantPast) > Date() } }
                return required == nil || token == required
            },
            refuse: { Self.error(status: $0, message: $1, path: request.path, headers: $2) }, answer: answer)
    }

    // MARK: - Searches

    struct BadRequest: Error {
        var message: String
    }

    func search(_ body: [UInt8], path: String, pageFault: PageFault?, run: (JSONValue, [JSONValue]) throws -> [JSONValue]) -> SandboxResponse {
        guard let json = try? JSONParser.parse(body), case .object = json else {
            return Self.error(status: 400, message: "Request body must be a JSON object", path: path)
        }
        guard let from = json["from"]?.int64Value, let size = json["pageSize"]?.int64Value, let criterion = json["criterion"],
            let sorts = json["sorts"]?.arrayValue
        else {
            return Self.error(status: 400, message: "from, pageSize, criterion and sorts are all required", path: path)
        }
        guard from >= 0, size >= 0 else { return Self.error(status: 400, message: "from and pageSize must not be negative", path: path) }
        guard from + size <= Int64(Self.pagingCap) else {
            return Self.error(
                status: 400, message: "Result window is too large, from + size must be less than or equal to: [\(Self.pagingCap)]",
                path: path)
        }
        let matches: [JSONValue]
        do { matches = try run(criterion, sorts) } catch let error as BadRequest {
            return Self.error(status: 400, message: error.message, path: path)
        } catch {
            return Self.error(status: 500, message: "\(error)", path: path)
        }
        let pageSize = min(Int(size), configuration.maxPageSize)
        let start = min(Int(from), matches.count)
        let end = min(matches.count, start + pageSize)
        // A count (page size 0) is not a page: page faults leave it alone.
        let fault = pageSize == 0 ? nil : pageFault
        let (range, total) = fault?.apply(start: start, end: end, count: matches.count, page: start > 0 ? 2 : 1) ?? (start..<end, matches.count)
        let page = matches[range]
        let document = JSONValue.object([("results", .array(page.map { wrap($0) })), ("totalResults", .number(String(total)))])
        return .json(document)
    }

    func optionSearch(_ criterion: JSONValue, _ sorts: [JSONValue]) throws -> [JSONValue] {
        // A flat search (not by parent) gives `parent: null`, as the real service may.
        let byParent = Self.mentions(criterion, field: "PARENT_ID")
        var options = try dataset.options.filter { try matches(option: $0, criterion) }
        for sort in sorts.reversed() {
            let name = sort["field"]?.stringValue ?? ""
            let descending = sort["order"]?.stringValue == "DESC"
            options.sort { a, b in
                let ordered: Bool
                switch name {
                case "POSITION": ordered = a.position < b.position
                case "VALUE": ordered = a.value < b.value
                case "ID": ordered = a.id < b.id
                case "FIELD_ID": ordered = a.fieldID < b.fieldID
                case "PARENT_ID": ordered = (a.parentID ?? "") < (b.parentID ?? "")
                default: ordered = false
                }
                return descending ? !ordered && a.id != b.id : ordered
            }
        }
        return options.map { option in
            let children = childCounts[option.id] ?? 0
            var members: [(key: String, value: JSONValue)] = [
                ("id", .string(option.id)), ("value", .string(option.value)), ("fieldId", .string(option.fieldID)),
                ("position", .number(String(option.position))), ("leaf", .bool(children == 0)),
                ("numberOfChildren", .number(String(children))),
            ]
            if byParent, let parent = option.parentID {
                members.append(("parent", .object([("id", .string(parent))])))
            } else {
                members.append(("parent", .null))
            }
            return .object(members)
        }
    }

    private func matches(option: DashDataset.Option, _ criterion: JSONValue) throws -> Bool {
        let type = criterion["type"]?.stringValue ?? ""
        if let accepted = configuration.dashOptionCriteria, !accepted.contains(type) {
            throw BadRequest(message: "Unsupported criterion type \(type)")
        }
        func value(_ field: String) throws -> String? {
            switch field {
            case "FIELD_ID": return option.fieldID
            case "PARENT_ID": return option.parentID
            case "ID": return option.id
            case "VALUE": return option.value
            default: throw BadRequest(message: "Unknown option search field \(field)")
            }
        }
        switch type {
        case "MATCH_ALL": return true
        case "AND": return try (criterion["criteria"]?.arrayValue ?? []).allSatisfy { try matches(option: option, $0) }
        case "FIELD_EQUALS": return try value(criterion["field"]?.stringValue ?? "") == criterion["value"]?.stringValue
        case "FIELD_IN":
            let values = criterion["values"]?.arrayValue?.compactMap(\.stringValue) ?? []
            return try value(criterion["field"]?.stringValue ?? "").map(values.contains) ?? false
        case "FIELD_IS_EMPTY": return try (value(criterion["field"]?.stringValue ?? "") ?? "").isEmpty
        default: throw BadRequest(message: "Unsupported criterion type \(type)")
        }
    }

    func assetSearch(_ criterion: JSONValue, _ sorts: [JSONValue]) throws -> [JSONValue] {
        let test = try predicate(criterion)
        var found = assets.filter { test($0.asset, $0.modified) }
        if let sort = sorts.first {
            let name = sort["field"]?["fieldName"]?.stringValue ?? ""
            let descending = sort["order"]?.stringValue == "DESC"
            switch name {
            case "ADDED_ORDER": if descending { found.reverse() }
            case "DATE_LAST_MODIFIED":
                found.sort { descending ? $0.modified > $1.modified : $0.modified < $1.modified }
            case "FILENAME":
                found.sort { descending ? $0.asset.filename > $1.asset.filename : $0.asset.filename < $1.asset.filename }
            default: throw BadRequest(message: "Unsupported sort field \(name)")
            }
        }
        return found.map { render($0.asset) }
    }

    typealias AssetPredicate = (DashDataset.Asset, Int64) -> Bool

    /// Compiles an asset criterion once, so a search over many assets does not re-read the JSON.
    private func predicate(_ criterion: JSONValue) throws -> AssetPredicate {
        let type = criterion["type"]?.stringValue ?? ""
        switch type {
        case "MATCH_ALL": return { _, _ in true }
        case "AND":
            let parts = try (criterion["criteria"]?.arrayValue ?? []).map(predicate)
            return { asset, modified in parts.allSatisfy { $0(asset, modified) } }
        default: break
        }
        guard let field = criterion["field"] else { throw BadRequest(message: "\(type) needs a field") }
        let values: (DashDataset.Asset) -> [String]
        switch (field["type"]?.stringValue, field["fieldName"]?.stringValue, field["fieldId"]?.stringValue) {
        case ("FIXED", "DATE_LAST_MODIFIED", _):
            guard type == "FIELD_MATCHES", let range = criterion["value"]?.stringValue else {
                throw BadRequest(message: "DATE_LAST_MODIFIED supports FIELD_MATCHES with a range")
            }
            let (low, high) = try Self.range(range)
            return { _, modified in (low.map { $0(modified) } ?? true) && (high.map { $0(modified) } ?? true) }
        case ("FIXED", "FILENAME", _): values = { [$0.filename] }
        case ("FIXED", "FILE_TYPE", _): values = { [$0.fileType] }
        case ("FIELD", _, let id?): values = { asset in asset.metadata.first { $0.fieldID == id }?.values ?? [] }
        default: throw BadRequest(message: "Unsupported criterion field \(JSONWriter.string(field))")
        }
        switch type {
        case "FIELD_EQUALS":
            let wanted = criterion["value"]?.stringValue ?? ""
            return { asset, _ in values(asset).contains(wanted) }
        case "FIELD_IN", "FIELD_HAS_ANY_EQUAL":
            let wanted = Set(criterion["values"]?.arrayValue?.compactMap(\.stringValue) ?? [])
            return { asset, _ in values(asset).contains(where: wanted.contains) }
        case "FIELD_IS_EMPTY": return { asset, _ in values(asset).isEmpty }
        default: throw BadRequest(message: "Unsupported criterion type \(type)")
        }
    }

    /// Lucene-style `[a TO b]` / `{a TO b}` (mixed allowed), `*` for an open end: a test per end.
    static func range(_ range: String) throws -> (((Int64) -> Bool)?, ((Int64) -> Bool)?) {
        let text = range.trimmingCharacters(in: .whitespaces)
        guard let open = text.first, let close = text.last, "[{".contains(open), "]}".contains(close) else {
            throw BadRequest(message: "Range must look like [a TO b]: \(range)")
        }
        let parts = text.dropFirst().dropLast().components(separatedBy: " TO ")
        guard parts.count == 2 else { throw BadRequest(message: "Range must look like [a TO b]: \(range)") }
        func bound(_ s: String) throws -> Int64? {
            let t = s.trimmingCharacters(in: .whitespaces)
            if t == "*" { return nil }
            guard let value = DashWireTime.parse(t) ?? Timestamp.parse(t).map({ Int64($0.timeIntervalSince1970 * 1000) }) else {
                throw BadRequest(message: "Not a date: \(t)")
            }
            return value
        }
        let low: ((Int64) -> Bool)? = try bound(parts[0]).map { low in open == "[" ? { $0 >= low } : { $0 > low } }
        let high: ((Int64) -> Bool)? = try bound(parts[1]).map { high in close == "]" ? { $0 <= high } : { $0 < high } }
        return (low, high)
    }

    static func mentions(_ criterion: JSONValue, field: String) -> Bool {
        if criterion["field"]?.stringValue == field { return true }
        return (criterion["criteria"]?.arrayValue ?? []).contains { mentions($0, field: field) }
    }

    // MARK: - Rendering

    func wrap(_ result: JSONValue) -> JSONValue {
        .object([("result", result), ("permittedActions", .array([.string("VIEW")]))])
    }

    func envelope(_ result: JSONValue) -> SandboxResponse {
        .json(wrap(result))
    }

    /// An option with its parent chain nested in `parent` (what `GET /field-options/{id}` sends).
    func renderWithParents(_ option: DashDataset.Option, _ options: [String: DashDataset.Option]) -> JSONValue {
        let children = childCounts[option.id] ?? 0
        let parent: JSONValue = option.parentID.flatMap { options[$0] }.map { renderWithParents($0, options) } ?? .null
        return .object([
            ("id", .string(option.id)), ("value", .string(option.value)), ("fieldId", .string(option.fieldID)),
            ("position", .number(String(option.position))), ("leaf", .bool(children == 0)), ("numberOfChildren", .number(String(children))),
            ("parent", parent),
        ])
    }

    func render(_ field: DashDataset.Field) -> JSONValue {
        .object([
            ("id", .string(field.id)), ("name", .string(field.name)), ("hasFixedOptions", .bool(field.hasFixedOptions)),
            ("hierarchical", .bool(field.hierarchical)), ("multiValue", .bool(field.multiValue)),
            ("editControl", .string(field.editControl)), ("indestructible", .bool(field.id == dataset.foldersFieldID)),
        ])
    }

    func render(_ asset: DashDataset.Asset) -> JSONValue {
        let n = signature.withLock {
            $0 &+= 1
            return $0
        }
        var file: [(key: String, value: JSONValue)] = [
            ("id", .string(asset.id + "-file")), ("filename", .string(asset.filename)), ("fileType", .string(asset.fileType)),
            ("size", .number(String(asset.size))),
        ]
        file.append(("checksum", asset.checksum.map { .string($0) } ?? .null))
        file += [
            ("dateAdded", .string(asset.dateAdded)),
            ("mediaType", .object([("type", .string(asset.mediaType)), ("subType", .string(asset.subType))])),
            ("previewUrl", .string(media.address("preview", asset.id, signature: String(n, radix: 16)))),
        ]
        return .object([
            ("id", .string(asset.id)), ("accountId", .string(dataset.accountID)), ("dateLastModified", .string(asset.dateLastModified)),
            ("lifecycleStatus", .object([("state", .string(asset.state))])),
            ("metadata", .object([("values", .object(asset.metadata.map { ($0.fieldID, .array($0.values.map { .string($0) })) }))])),
            ("currentAssetFile", .object(file)),
        ])
    }

    static func error(status: Int, message: String, path: String, headers: [(name: String, value: String)] = []) -> SandboxResponse {
        let reason = [400: "Bad Request", 401: "Unauthorized", 404: "Not Found", 429: "Too Many Requests"][status] ?? "Internal Server Error"
        let body = JSONValue.object([
            ("timestamp", .string(Timestamp.format(Date()))), ("status", .number(String(status))), ("error", .string(reason)),
            ("message", .string(message)), ("path", .string(path)),
        ])
        return .json(body, status: status, headers: headers)
    }

    // MARK: - OAuth

    /// `POST /oauth/token` with `grant_type=refresh_token`: a new access token and a rotated
    /// refresh token (the old one stops working).
    public func token(body: [UInt8]) -> SandboxResponse {
        guard let settings = configuration.dashAuth else {
            return Self.error(status: 404, message: "This sandbox issues no tokens (start it with --dash-client-id)", path: "/oauth/token")
        }
        let form = SandboxRequest.form(body)
        func refuse(_ message: String) -> SandboxResponse {
            .json(
                .object([("error", .string("invalid_grant")), ("error_description", .string(message))]),
                status: 403)
        }
        guard form["grant_type"] == "refresh_token" else { return refuse("Unsupported grant type") }
        guard form["client_id"] == settings.clientID, form["client_secret"] == settings.clientSecret else {
            return refuse("Unknown client")
        }
        let issued: (String, String)? = auth.withLock { state in
            guard let presented = form["refresh_token"], presented == state.refreshToken else { return nil }
            state.issued += 1
            let access = "dash-access-\(state.issued)-\(String(UInt64.random(in: 0...UInt64.max), radix: 36))"
            let refresh = "dash-refresh-\(state.issued)-\(String(UInt64.random(in: 0...UInt64.max), radix: 36))"
            state.accessTokens[access] = Date().addingTimeInterval(settings.accessTokenLifetime)
            state.refreshToken = refresh
            return (access, refresh)
        }
        guard let (access, refresh) = issued else { return refuse("Unknown or already used refresh token") }
        let document = JSONValue.object([
            ("access_token", .string(access)), ("refresh_token", .string(refresh)),
            ("expires_in", .number(String(Int(settings.accessTokenLifetime)))), ("token_type", .string("Bearer")),
        ])
        return .json(document)
    }

    /// Expires every access token issued so far (to test refresh on 401).
    public func expireAccessTokens() {
        auth.withLock { $0.accessTokens.removeAll() }
    }
}

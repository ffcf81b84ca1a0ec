import CatalogCore
import CatalogReports
import CatalogStore
import Dispatch
import Foundation
import HTTPTypes
import Hummingbird

/// The JSON API under `/api` (documented in `Resources/openapi.json`, served at
/// `/api/openapi.json`). Parameters are checked: a bad one is a 400 naming it, as a query the
/// language refuses is, with the CLI's message and suggestions.
struct API: Sendable {
    let database: any CatalogReader
    let link: WebLink
    /// The catalog's thumbnail cache, whose pictures items name (`thumbnail`).
    let thumbnails: ThumbnailCache
    /// The snapshots `catalog pull` downloads (`/api/snapshot`).
    let snapshots: Snapshots
    /// The host's own refreshes (`catalog serve --refresh`), when it runs them.
    let refresh: RefreshState?

    /// The cached pictures of `items` (none when the cache cannot be read: a catalog from
    /// before thumbnails, opened read-only, has no table for them).
    func pictures(of items: [CatalogItem]) -> [ItemKey: String] {
        (try? thumbnails.files(of: items)) ?? [:]
    }

    /// A `GET` answered from the query string's parameters, on a reader connection of GRDB's
    /// (``CatalogDatabase/reading(_:)``).
    func get(_ path: RouterPath, in group: RouterGroup<BasicRequestContext>, _ answer: @escaping @Sendable ([String: String]) throws -> Response) {
        group.get(path) { request, context in
            let parameters = try Self.parameters(request, context: context)
            return try await database.reading { try answer(parameters) }
        }
    }

    func addRoutes(to group: RouterGroup<BasicRequestContext>) {
        get("search", in: group) { try search($0) }
        get("summary", in: group) { try summary($0) }
        group.get("items/{source}/{id}") { _, context in
            let sourceName = try context.parameters.require("source")
            guard let source = Source(name: sourceName) else { throw APIAnswer.bad("no source '\(sourceName)': frameio or dash") }
            let id = try context.parameters.require("id")
            return try await database.reading { try item(source: source, id: id) }
        }
        get("ls", in: group) { try ls($0) }
        group.get("status") { _, _ in try await database.reading { try status() } }
        get("dupes", in: group) { try dupes($0) }
        get("changes", in: group) { try changes($0) }
        // The whole catalog, for `catalog pull` (docs/team.md).
        let snapshots = self.snapshots
        group.get("snapshot") { request, context in try await snapshots.response(to: request, context: context) }
        group.get("sync") { request, context in
            let parameters = try Self.parameters(request, context: context)
            guard let since = parameters["since"], let schema = parameters["schema"] else {
                throw APIAnswer.bad("sync needs since (the generation of the last pull) and schema (its last migration)")
            }
            return try await snapshots.changesResponse(since: since, schema: schema, context: context)
        }
        group.get("openapi.json") { _, _ in
            CatalogServer.asset(PackageResources.openapi_json, type: "application/json")
        }
        // `/api` itself: the endpoints, read from the OpenAPI document (so the two cannot differ).
        let index = Self.index
        group.get { _, _ in try APIAnswer.encoded(index) }
        group.get("**") { request, _ -> Response in throw APIProblem(.notFound, "no API at \(request.uri.path); see /api/openapi.json") }
    }

    /// `GET /api`: `{"version":1,"openapi":"/api/openapi.json","endpoints":[{"path","summary"}…]}`.
    struct Index: Encodable {
        struct Endpoint: Encodable {
            var path: String
            var summary: String
        }
        var version = 1
        var openapi = "/api/openapi.json"
        var endpoints: [Endpoint]
    }

    static let index: Index = {
        let document = try? JSONParser.parse(PackageResources.openapi_json)
        return Index(
            endpoints: (document?["paths"]?.objectMembers ?? []).map { path, operations in
                Index.Endpoint(path: path, summary: operations["get"]?["summary"]?.stringValue ?? "")
            })
    }()

    // MARK: - Parameters

    /// The query string's parameters, decoded as browsers' `URLSearchParams` writes them
    /// (Hummingbird's `URLEncodedFormDecoder`: `+` a space, `%2B` a plus); one it cannot read
    /// (a name given twice, a bracketed name, a broken escape) is a 400 saying why.
    static func parameters(_ request: Request, context: some RequestContext) throws -> [String: String] {
        do {
            return try request.uri.decodeQuery(as: [String: String].self, context: context)
        } catch {
            throw APIAnswer.bad("the query string cannot be read: \(error)")
        }
    }

    static func integer(_ parameters: [String: String], _ name: String, default fallback: Int, range: ClosedRange<Int>) throws -> Int {
        guard let text = parameters[name] else { return fallback }
        guard let value = Int(text), range.contains(value) else {
            throw APIAnswer.bad("\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    static func boolean(_ parameters: [String: String], _ name: String, default fallback: Bool) throws -> Bool {
        switch parameters[name] {
        case nil: fallback
        case "true", "1": true
        case "false", "0": false
        default: throw APIAnswer.bad("\(name) must be true or false")
        }
    }

    /// The query in `parameters["q"]` (none or blank: every item); a query the language refuses
    /// throws the refusal as an ``APIProblem``.
    func query(_ parameters: [String: String]) throws -> SearchQuery {
        let text = parameters["q"] ?? ""
        guard !text.allSatisfy(\.isWhitespace) else { return SearchQuery() }
        do {
            return try database.parseQuery(text)
        } catch SearchQueryError.empty {
            return SearchQuery()  // nothing but characters no index holds: as blank
        } catch let error as SearchQueryError {
            throw queryRefused(error)
        }
    }

    static func source(_ parameters: [String: String]) throws -> Source? {
        guard let text = parameters["source"] else { return nil }
        guard let source = Source(name: text) else { throw APIAnswer.bad("source must be frameio or dash") }
        return source
    }

    // MARK: - Endpoints

    /// The most matches counted past the offset ("more than 10 000", as the CLI says).
    static let countCap = 10_000

    /// `GET /api/search?q=&sort=&reverse=&limit=&offset=&count=&facets=`: a page of results.
    /// The total is given when the page holds the last match, or when `count` asks for it:
    /// counting a selective query can read most of the catalog, so the page asks for it apart
    /// (``summary(_:)``), after drawing the results.
    func search(_ parameters: [String: String]) throws -> Response {
        let text = parameters["q"] ?? ""
        let limit = try Self.integer(parameters, "limit", default: 50, range: 1...1000)
        let offset = try Self.integer(parameters, "offset", default: 0, range: 0...1_000_000)
        let sortText = parameters["sort"] ?? "relevance"
        guard let order = SearchOrder(rawValue: sortText) else {
            throw APIAnswer.bad("sort must be one of \(SearchOrder.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let reverse = try Self.boolean(parameters, "reverse", default: false)
        let counting = try Self.boolean(parameters, "count", default: false)
        let withFacets = try Self.boolean(parameters, "facets", default: false)
        let query = try self.query(parameters)
        let items = try database.search(query, order: order, reverse: reverse && order != .relevance, limit: limit + 1, offset: offset)
        let more = items.count > limit
        let shown = Array(items.prefix(limit))
        let total: Total
        if !more {
            total = Total(MatchCount(count: offset + shown.count, isExact: true))
        } else if counting {
            let counted = try database.count(query, cap: offset + Self.countCap)
            total = Total(MatchCount(count: max(counted.count, offset + shown.count + 1), isExact: counted.isExact))
        } else {
            total = Total(count: nil, isAtLeast: false)
        }
        // The envelope's members are typed (``Page``, ``Total``, ``Facets``); the items are written
        // by the CLI's ``ItemWriter``, so `/api/search` and `catalog search --format json` agree
        // and records keep the numbers the services sent, digit for digit.
        var w = JSONWriter()
        w.appendRaw("{")
        try w.appendMembers(of: Page(query: text, offset: offset, limit: limit, more: more))
        w.appendRaw(",")
        try w.appendMembers(of: total)
        w.appendRaw(",\"items\":[")
        let projects = try database.projectNames(of: shown)
        let pictures = pictures(of: shown)
        for (i, item) in shown.enumerated() {
            if i > 0 { w.appendRaw(",") }
            ItemWriter.writeJSON(item, fields: ItemField.allCases, link: link, projects: projects, thumbnails: pictures, to: &w)
        }
        w.appendRaw("]")
        if withFacets {
            w.appendRaw(",")
            try w.appendMembers(of: try facets(query))
        }
        w.appendRaw("}")
        return APIAnswer.json(w.bytes)
    }

    /// The start of a page of search results.
    struct Page: Encodable {
        var version = 1
        var query: String
        var offset: Int
        var limit: Int
        var more: Bool
    }

    /// `GET /api/summary?q=`: how many items match (up to 10 000) and the facets of the matches,
    /// what the search page draws beside its results once they are shown.
    func summary(_ parameters: [String: String]) throws -> Response {
        let query = try self.query(parameters)
        return try APIAnswer.encoded(
            Summary(query: parameters["q"] ?? "", total: Total(try database.count(query, cap: Self.countCap)), facets: facets(query)))
    }

    /// `{"version":1,"query",…Total,…Facets}`.
    struct Summary: Encodable {
        var query: String
        var total: Total
        var facets: Facets

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(1, forKey: Key("version"))
            try container.encode(query, forKey: Key("query"))
            try total.encode(to: encoder)
            try facets.encode(to: encoder)
        }
    }

    /// `"total":N,"total_is_at_least":B`: at least, when counting reached its cap or its time
    /// budget (25 ms); null when the page did not ask for it.
    struct Total: Encodable {
        var count: Int?
        var isAtLeast: Bool

        init(count: Int?, isAtLeast: Bool) {
            self.count = count
            self.isAtLeast = isAtLeast
        }

        init(_ total: MatchCount) { self.init(count: total.count, isAtLeast: !total.isExact) }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(count, forKey: Key("total"))
            try container.encode(isAtLeast, forKey: Key("total_is_at_least"))
        }
    }

    /// `"facets_are_estimates":B,"facets":{…},"field_facets":[…]`: for each facet, then for the
    /// custom fields the most matches have, the values among the matches read within the budget
    /// (at most 5 000), their counts and the filter that selects them.
    struct Facets: Encodable {
        struct Value: Encodable {
            var value: String
            var count: Int
            var filter: String
        }
        struct Field: Encodable {
            var field: String
            var values: [Value]
        }
        var areEstimates: Bool
        /// Each facet's values (the page shows them in ``SearchFacet`` order).
        var builtIn: [(facet: String, values: [Value])]
        var fields: [Field]

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(areEstimates, forKey: Key("facets_are_estimates"))
            var facets = container.nestedContainer(keyedBy: Key.self, forKey: Key("facets"))
            for (facet, values) in builtIn { try facets.encode(values, forKey: Key(facet)) }
            try container.encode(fields, forKey: Key("field_facets"))
        }
    }

    /// The facets of the items `query` matches.
    func facets(_ query: SearchQuery) throws -> Facets {
        let facets = try database.facets(query)
        func values(_ entries: [(value: String, count: Int)], filter: (String) -> String) -> [Facets.Value] {
            entries.map { Facets.Value(value: $0.value, count: $0.count, filter: filter($0.value)) }
        }
        return Facets(
            areEstimates: facets.isEstimate,
            builtIn: SearchFacet.allCases.map { facet in (facet.rawValue, values(facets.builtIn[facet] ?? [], filter: facet.filter)) },
            // Custom fields, apart: a field may be called `kind` too.
            fields: facets.fields.map { field in
                Facets.Field(field: field.name, values: values(field.values) { SearchFacet.fieldFilter(name: field.name, value: $0) })
            })
    }

    /// A JSON object key of any name (members whose names are data, or not Swift names).
    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ name: String) { stringValue = name }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// `GET /api/items/{source}/{id}`: the item, the versions of its stack, the items with the
    /// same content, its change history and its ancestors (for the path's links).
    func item(source: Source, id: String) throws -> Response {
        guard let item = try database.items(id: id, source: source).first else {
            throw APIProblem(.notFound, "no \(source) item has the id '\(id)'")
        }
        let details = try database.details(of: item)
        var w = JSONWriter()
        ItemWriter.writeDetailsJSON(
            item: item, versions: details.versions, sameContent: details.sameContent, changes: details.changes, link: link,
            projects: details.projects, thumbnails: pictures(of: [item] + details.versions + details.sameContent), comments: details.comments,
            to: &w)
        w.appendRaw(",")
        try w.appendMembers(of: ["ancestors": Self.ancestors(of: item.path)])
        w.appendRaw("}")
        return APIAnswer.json(w.bytes)
    }

    /// A folder above an item, for its path's links.
    struct Ancestor: Encodable {
        var name: String
        var path: String
    }

    /// The folders above `path`, top first.
    static func ancestors(of path: String) -> [Ancestor] {
        let components = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init).dropLast()
        return components.indices.map { Ancestor(name: components[$0], path: components[...$0].joined(separator: "/")) }
    }

    /// `GET /api/ls?path=&source=`: what a folder holds.
    func ls(_ parameters: [String: String]) throws -> Response {
        let path = (parameters["path"] ?? "").trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        let entries = try database.list(path, source: try Self.source(parameters), limit: 10_000)
        let here = path.isEmpty ? [] : try database.items(path: path)
        guard !entries.isEmpty || path.isEmpty || !here.isEmpty else {
            throw APIProblem(.notFound, "nothing is catalogued at '\(path)'")
        }
        var w = JSONWriter()
        w.appendRaw("{")
        try w.appendMembers(of: Folder(path: path, ancestors: Self.ancestors(of: path.isEmpty ? "" : path + "/")))
        let projects = try database.projectNames(of: entries.compactMap(\.item))
        let pictures = pictures(of: entries.compactMap(\.item))
        w.appendRaw(",\"entries\":[")
        for (i, entry) in entries.enumerated() {
            if i > 0 { w.appendRaw(",") }
            w.appendRaw("{")
            try w.appendMembers(of: Entry(name: entry.name, path: entry.path, source: entry.source.rawValue, folder: entry.isFolder))
            w.appendRaw(",\"item\":")
            if let item = entry.item {
                ItemWriter.writeJSON(item, fields: ItemField.allCases, link: link, projects: projects, thumbnails: pictures, to: &w)
            } else {
                w.appendRaw("null")
            }
            w.appendRaw("}")
        }
        w.appendRaw("]}")
        return APIAnswer.json(w.bytes)
    }

    /// The start of `/api/ls`'s answer.
    struct Folder: Encodable {
        var version = 1
        var path: String
        var ancestors: [Ancestor]
    }

    /// A folder's entry, before its item (written by ``ItemWriter``).
    struct Entry: Encodable {
        var name: String
        var path: String
        var source: String
        var folder: Bool
    }

    /// `GET /api/status`: each source's items, bytes and last crawls (``StatusWriter``, as
    /// `catalog status --format json` writes them).
    func status() throws -> Response {
        APIAnswer.json(StatusWriter.json(try database.status(), extra: refresh.map { [("refresh", $0.json)] } ?? []))
    }

    /// `GET /api/dupes?probable=&min_size=&source=`: duplicate groups, most wasted bytes first.
    func dupes(_ parameters: [String: String]) throws -> Response {
        var filter = DuplicateFilter(probable: try Self.boolean(parameters, "probable", default: false))
        filter.source = try Self.source(parameters)
        if let text = parameters["min_size"], !text.isEmpty {
            guard let size = ByteSize(text) else { throw APIAnswer.bad("min_size must be a size such as 100MB") }
            filter.minSize = size.bytes
        }
        var bytes: [UInt8] = []
        var writer = DuplicateWriter(format: .json) { bytes.append(contentsOf: $0) }
        try writer.begin()
        for group in try database.duplicateGroups(filter) { try writer.write(group) }
        try writer.end()
        return APIAnswer.json(bytes)
    }

    /// `GET /api/changes?since=&source=&limit=`: what crawls changed, newest crawl first.
    func changes(_ parameters: [String: String]) throws -> Response {
        let limit = try Self.integer(parameters, "limit", default: 1000, range: 1...100_000)
        var afterCrawl: Int64?
        var since: Date?
        if let text = parameters["since"], !text.isEmpty {
            if let id = Int64(text) {
                afterCrawl = id
            } else if let date = Timestamp.parse(text) {
                since = date
            } else {
                throw APIAnswer.bad("since must be a crawl id or a date such as 2026-11-01")
            }
        }
        let source = try Self.source(parameters)
        if afterCrawl == nil, since == nil {
            // The last complete crawl of each source, as `catalog changes` shows by default.
            let last = try (source.map { [$0] } ?? Source.allCases).compactMap { try database.lastCompleteCrawl(source: $0)?.id }.min()
            afterCrawl = last.map { $0 - 1 }
        }
        var count = 0
        var w = JSONWriter()
        w.appendRaw("{\"version\":1,\"changes\":[")
        // One more than the limit is read, to tell whether there are more.
        try database.forEachChange(.init(afterCrawl: afterCrawl, since: since, source: source), limit: limit + 1) { change in
            count += 1
            guard count <= limit else { return }
            if count > 1 { w.appendRaw(",") }
            ChangeWriter.writeJSON(change, to: &w)
        }
        w.appendRaw("],")
        try w.appendMembers(of: ["truncated": count > limit])
        w.appendRaw("}")
        return APIAnswer.json(w.bytes)
    }
}

/// A query the language refuses: a 400 with the parser's message and, for an unknown filter, the
/// filters it may have meant (the CLI's suggestions).
func queryRefused(_ error: SearchQueryError) -> APIProblem {
    var suggestions: [String] = []
    if case .unknownFilter(_, let close, _) = error { suggestions = close }
    return APIProblem(.badRequest, error.description, suggestions: suggestions)
}

/// An error answer, Hummingbird's `HTTPResponseError`: `{"error": message, "suggestions": [...]}`
/// with its status and any headers (`Allow`, `WWW-Authenticate`). Every error the server gives
/// has this body, Hummingbird's own too (``ErrorBodies``).
struct APIProblem: HTTPResponseError {
    var status: HTTPResponse.Status
    var message: String
    var suggestions: [String] = []
    var headers: HTTPFields = [:]

    init(_ status: HTTPResponse.Status, _ message: String, suggestions: [String] = [], headers: HTTPFields = [:]) {
        self.status = status
        self.message = message
        self.suggestions = suggestions
        self.headers = headers
    }

    /// The body, encoded once as the API's documents are.
    struct Body: Encodable {
        var error: String
        var suggestions: [String]
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = try APIAnswer.encoded(Body(error: message, suggestions: suggestions), status: status)
        response.headers.append(contentsOf: headers)
        return response
    }
}

extension JSONWriter {
    /// Appends the members of `value`'s JSON object (without its braces), encoded by Foundation's
    /// `JSONEncoder`: the typed parts of an answer whose items ``ItemWriter`` writes.
    mutating func appendMembers(of value: some Encodable) throws {
        let object = try APIAnswer.encoder().encode(value)
        guard object.first == UInt8(ascii: "{"), object.last == UInt8(ascii: "}") else {
            throw EncodingError.invalidValue(value, .init(codingPath: [], debugDescription: "not a JSON object"))
        }
        appendRaw(String(decoding: object.dropFirst().dropLast(), as: UTF8.self))
    }
}

enum APIAnswer {
    /// A typed answer, encoded by Foundation's `JSONEncoder`.
    static func encoded(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        json(try encoder().encode(value), status: status)
    }

    /// The answers' encoder: members sorted by name (the same bytes for the same answer), `/`
    /// unescaped (paths).
    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    static func json(_ bytes: some Sequence<UInt8>, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// A 400 for a bad parameter.
    static func bad(_ message: String) -> APIProblem { APIProblem(.badRequest, message) }
}

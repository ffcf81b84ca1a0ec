import CatalogCore
import Foundation

/// How every client builds its URLs and reads its JSON answers: one copy of each.
public enum APIURL {
    /// `url` without trailing slashes (a base URL given as `…/v4/` works like `…/v4`).
    public static func base(_ url: String) -> String {
        var base = url
        while base.hasSuffix("/") { base.removeLast() }
        return base
    }

    /// `base + path` and the query, names and values percent-encoded.
    public static func make(_ base: String, _ path: String, query: [(String, String)] = []) -> String {
        guard !query.isEmpty else { return base + path }
        return base + path + "?" + form(query)
    }

    /// `name=value&…`, percent-encoded: a query string, or an `application/x-www-form-urlencoded` body.
    public static func form(_ pairs: [(String, String)]) -> String {
        pairs.map { "\(escape($0.0))=\(escape($0.1))" }.joined(separator: "&")
    }

    /// A path segment, query name or value with everything but RFC 3986's unreserved ASCII
    /// characters percent-encoded (an id with `/`, `?` or non-ASCII letters stays one segment).
    public static func escape(_ component: String) -> String {
        component.addingPercentEncoding(withAllowedCharacters: unreserved) ?? component
    }

    /// A path segment with dots encoded too: an id `.` or `..` would otherwise be a dot-segment
    /// that a URL normaliser collapses (`/folders/../children` asks for another resource).
    public static func escapeSegment(_ component: String) -> String {
        escape(component).replacingOccurrences(of: ".", with: "%2E")
    }

    private static let unreserved = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")
}

extension APIRequester {
    /// The answer's body as JSON. Text that is not valid Unicode is repaired (U+FFFD) and counted
    /// in the statistics; a body that is not JSON is ``APIError/malformedResponse(service:what:detail:)``,
    /// which ``send(_:what:decode:)`` asks for again.
    public func json(_ response: APIResponse, what: String) throws -> JSONValue {
        do {
            let (value, repairs) = try JSONParser.parseRepairingText(response.body)
            if repairs > 0 { stats.update { $0.repairedText += repairs } }
            return value
        } catch {
            throw APIError.malformedResponse(service: service, what: what, detail: "invalid JSON (\(error))")
        }
    }
}

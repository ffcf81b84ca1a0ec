import CatalogCore
import CatalogReports
import CatalogStore
import Foundation
import Hummingbird

/// The HTML pages: one page the script draws every view into; the search page also holds its
/// results as plain HTML (escaped: every name is text), for readers without the script.
struct Pages: Sendable {
    let api: API

    /// The most results the plain search page lists.
    static let plainResults = 50

    /// A page whose content the script draws.
    func page() -> Response { CatalogServer.asset(PackageResources.index_html, type: "text/html; charset=utf-8") }

    /// The search page for `query`: a form, and the first results when there is a query.
    func search(_ query: String) throws -> Response {
        var main = #"<form action="/" method="get"><input type="search" name="q" value="\#(Self.escape(query))" aria-label="Search"> "#
        main += #"<button type="submit">Search</button></form>"#
        guard !query.allSatisfy(\.isWhitespace) else { return Self.html(main: main) }
        let parsed: SearchQuery
        do {
            parsed = try api.database.parseQuery(query)
        } catch let error as SearchQueryError {
            return Self.html(main: main + "<p>\(Self.escape(error.description))</p>")
        }
        let items = try api.database.search(parsed, limit: Self.plainResults + 1)
        let shown = items.prefix(Self.plainResults)
        guard !items.isEmpty else { return Self.html(main: main + "<p>No results</p>") }
        let counted =
            items.count > Self.plainResults ? "The first \(Self.plainResults) results" : "\(items.count) result\(items.count == 1 ? "" : "s")"
        main += "<p>\(counted)</p><ol>"
        for item in shown {
            let link =
                "/item/\(item.source.rawValue)/\(item.id.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? "")"
            var details = [item.kind.rawValue]
            if let size = item.size { details.append(ByteCount.format(size)) }
            details.append(item.path)
            // Control and bidi characters shown, not obeyed (an RLO would reverse what follows it).
            let name = Self.escape(TerminalText.sanitize(item.name))
            let rest = Self.escape(TerminalText.sanitize(details.joined(separator: ", ")))
            main += #"<li><a href="\#(Self.escape(link))">\#(name)</a> — \#(rest)</li>"#
        }
        return Self.html(main: main + "</ol>")
    }

    /// The page with `main` in its main element (the script replaces it when it runs).
    static func html(main: String) -> Response {
        CatalogServer.asset(Array((around.before + main + around.after).utf8), type: "text/html; charset=utf-8")
    }

    /// The page around its main element's content, split once (not on every request).
    private static let around: (before: String, after: String) = {
        let page = String(decoding: PackageResources.index_html, as: UTF8.self)
        let loading = #"<p class="muted">Loading…</p>"#
        guard let range = page.range(of: #"<main id="main">"# + loading) else { return (page, "") }
        return (String(page[..<range.upperBound].dropLast(loading.count)), String(page[range.upperBound...]))
    }()

    /// `text` as HTML text or an attribute value: `&`, `<`, `>`, `"` and `'` escaped.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}

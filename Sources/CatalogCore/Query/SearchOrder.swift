import Foundation

/// How search results are ordered (`catalog search --sort`).
public enum SearchOrder: String, CaseIterable, Sendable {
    /// Best match first (bm25, a name hit above a path hit); by path for a query of filters only.
    case relevance
    /// Names A to Z (case-insensitive).
    case name
    /// Largest first; items without a size (containers) last.
    case size
    /// Most recently updated first; undated items last.
    case updated
    /// Paths A to Z.
    case path
}

/// A property search results are counted by (`catalog serve`'s facets), each one a filter of
/// the query language (`kind:file`, `project:"Spring Campaign"`).
public enum SearchFacet: String, CaseIterable, Sendable {
    case source, kind, project, ext, label, state, type

    /// The query filter that narrows a search to `value`.
    public func filter(_ value: String) -> String {
        "\(rawValue):\(Self.quoted(value))"
    }

    /// The filter on custom field `name` (Dash, Frame.io V4) that narrows a search to `value`:
    /// `"Review Status":Approved`.
    public static func fieldFilter(name: String, value: String) -> String {
        "\(quoted(name)):\(quoted(value))"
    }

    /// `text` as one word of the query language: quoted when it holds a space, a quote or a colon
    /// (quotes inside are dropped: the language has no escape for them).
    public static func quoted(_ text: String) -> String {
        text.contains(where: { $0 == " " || $0 == "\"" || $0 == ":" }) ? "\"\(text.replacingOccurrences(of: "\"", with: ""))\"" : text
    }
}

/// What the matches of a search have (`catalog serve`'s facets): for each ``SearchFacet`` and
/// each custom field, its most frequent values and how many matches have each.
public struct SearchFacetCounts: Sendable {
    /// The built-in facets' values and counts, most first.
    public var builtIn: [SearchFacet: [(value: String, count: Int)]] = [:]
    /// Custom fields' values and counts by field name (the fields most matches have first).
    public var fields: [(name: String, values: [(value: String, count: Int)])] = []
    /// Whether the counts are those of a sample of the matches (counting stopped at its cap or
    /// time budget): each is then at least what it says. A source or kind the matches have is
    /// never left out of its facet for that (found apart, counted at least 1).
    public var isEstimate = false

    public init() {}
}

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
        let quoted = value.contains(where: { $0 == " " || $0 == "\"" || $0 == ":" }) ? "\"\(value.replacingOccurrences(of: "\"", with: ""))\"" : value
        return "\(rawValue):\(quoted)"
    }
}

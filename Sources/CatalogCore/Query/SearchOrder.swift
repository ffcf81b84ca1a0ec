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

/// The API a source was crawled through: Frame.io has two (v2 for accounts not yet moved, V4
/// for the rest); Dash has one.
public enum ServiceAPI: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case v2
    case v4

    /// How people write it (`v2`, `V4`, as Frame.io does).
    public var description: String { self == .v4 ? "V4" : "v2" }
}

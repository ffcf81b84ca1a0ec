import Foundation

/// A service whose holdings the catalog mirrors.
public enum Source: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// Frame.io API v2: accounts, teams, projects and their asset trees.
    case frameio
    /// Dash API v2: fields, field options and assets.
    case dash

    /// The source a person typed (`frameio`, `Frame.io`, `dash`), case-insensitively; nil when
    /// it names no source.
    public init?(name: String) { self.init(rawValue: name.lowercased().replacingOccurrences(of: ".", with: "")) }

    /// The name users type and read (`frameio`, `dash`).
    public var description: String { rawValue }
}

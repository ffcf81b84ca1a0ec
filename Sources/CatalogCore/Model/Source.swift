import Foundation

/// A service whose holdings the catalog mirrors.
public enum Source: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// Frame.io, through API v2 (accounts, teams, projects and their asset trees) or V4
    /// (accounts, workspaces, projects, folders, files and version stacks); which one each
    /// crawl read is its `api` (``ServiceAPI``).
    case frameio
    /// Dash API v2: fields, field options and assets.
    case dash
    /// Local storage: volumes (drives, camera cards) that `catalog crawl local` scanned, their
    /// folders and files, with content digests computed from the bytes.
    case local

    /// The source a person typed (`frameio`, `Frame.io`, `dash`), case-insensitively; nil when
    /// it names no source.
    public init?(name: String) { self.init(rawValue: name.lowercased().replacingOccurrences(of: ".", with: "")) }

    /// The name users type and read (`frameio`, `dash`, `local`).
    public var description: String { rawValue }

    /// The source in prose (`Frame.io`, `Dash`, `local volumes`).
    public var displayName: String {
        switch self {
        case .frameio: "Frame.io"
        case .dash: "Dash"
        case .local: "local volumes"
        }
    }
}

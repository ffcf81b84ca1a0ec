import Foundation

/// What an item in the catalog stands for, independent of the service it came from.
public enum ItemKind: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// A Frame.io account.
    case account
    /// A Frame.io team (v2).
    case team
    /// A Frame.io workspace (V4).
    case workspace
    /// A Frame.io project (team project or shared project).
    case project
    /// A folder inside a project.
    case folder
    /// A file (a media asset with bytes).
    case file
    /// A Frame.io version stack: a container whose children are the versions of one asset.
    case versionStack = "version_stack"
    /// A Dash asset.
    case asset
    /// A local volume (a drive or camera card `catalog crawl local` scanned): the root of its
    /// folders and files.
    case volume
    /// Something a service listed with a type catalog does not know (a Frame.io `link`, say):
    /// kept, searchable by name and path, with the service's type in its record.
    case other

    /// The name used in queries, JSON and CSV (`version_stack`, …).
    public var description: String { rawValue }

    /// The kind in words, for people (`version stack`; `item of another type` for ``other``).
    public var displayName: String {
        switch self {
        case .versionStack: "version stack"
        case .other: "other item"
        default: rawValue
        }
    }

    /// The kind a person typed (`file`, `Version-Stack`, `stack`, `version`: a version is a
    /// file), case-insensitively; nil when it names no kind.
    public init?(name: String) {
        let normalized = name.lowercased().replacingOccurrences(of: "-", with: "_")
        self.init(rawValue: ["stack": "version_stack", "versionstack": "version_stack", "version": "file"][normalized] ?? normalized)
    }

    /// Whether the kind can hold other items.
    public var isContainer: Bool {
        switch self {
        case .account, .team, .workspace, .project, .folder, .versionStack, .volume: true
        case .file, .asset, .other: false
        }
    }
}

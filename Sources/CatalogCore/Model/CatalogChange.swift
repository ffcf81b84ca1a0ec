import Foundation

/// One change a crawl made to the catalog (`catalog changes`).
public struct CatalogChange: Sendable, Equatable {
    /// What happened to the item.
    public enum Kind: String, Sendable, CaseIterable {
        /// New to the catalog.
        case added
        /// Its record changed, in place.
        case modified
        /// Its path or parent changed (its record may have changed too).
        case moved
        /// Gone from the service.
        case deleted
    }

    /// The crawl that made the change.
    public var crawlID: Int64
    /// When that crawl finished.
    public var finishedAt: Date?
    /// The item's source.
    public var source: Source
    /// The item's id.
    public var id: String
    /// What happened.
    public var change: Kind
    /// The item's kind.
    public var kind: String
    /// Its name (the new one, or the last known for a deletion).
    public var name: String
    /// The path before (nil when added).
    public var oldPath: String?
    /// The path after (nil when deleted).
    public var newPath: String?
    /// The record digest before.
    public var oldDigest: String?
    /// The record digest after.
    public var newDigest: String?
    /// The record's top-level keys that changed (modified and moved items).
    public var fields: [String]

    /// Creates a change.
    public init(
        crawlID: Int64, finishedAt: Date?, source: Source, id: String, change: Kind, kind: String, name: String, oldPath: String?,
        newPath: String?, oldDigest: String?, newDigest: String?, fields: [String]
    ) {
        self.crawlID = crawlID
        self.finishedAt = finishedAt
        self.source = source
        self.id = id
        self.change = change
        self.kind = kind
        self.name = name
        self.oldPath = oldPath
        self.newPath = newPath
        self.oldDigest = oldDigest
        self.newDigest = newDigest
        self.fields = fields
    }
}

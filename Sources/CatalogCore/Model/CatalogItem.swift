import Foundation

/// One thing the catalog knows about: an account, team (v2) or workspace (V4), project, folder,
/// file, version stack, Dash asset, local volume, or an asset of a type catalog does not know
/// (``ItemKind``).
///
/// Items are source-neutral: the clients turn service payloads into items, and the store
/// only ever sees items. Identity is `(source, id)`.
public struct CatalogItem: Sendable, Hashable {
    /// The service the item came from.
    public var source: Source
    /// The service's own id for the item.
    public var id: String
    /// What the item stands for.
    public var kind: ItemKind
    /// The display name.
    public var name: String
    /// The id of the containing item in the catalog (a project for assets at a project's root), if any.
    public var parentID: String?
    /// The id of the project the item belongs to, if any.
    public var projectID: String?
    /// The human path, `Account/Team/Project/Folder/…/name`.
    public var path: String
    /// The size in bytes, when the service gives one that can be true (``plausibleSize(_:)``).
    public var size: Int64?
    /// The MIME type, when the service gives one.
    public var mime: String?
    /// When the item was created on the service (Frame.io `inserted_at`).
    public var createdAt: Date?
    /// When the item last changed on the service.
    public var updatedAt: Date?
    /// When the item's bytes finished uploading.
    public var uploadedAt: Date?
    /// The review label (Frame.io `label`, e.g. `approved`).
    public var label: String?
    /// The XXH64 content digest (16 lowercase hex digits), when the service gives one.
    public var xxh64: String?
    /// The MD5 content digest (32 lowercase hex digits), when the service gives one.
    public var md5: String?
    /// Further searchable text (descriptions, properties, metadata values), one value per line.
    public var text: String
    /// The record digest: XXH3-128 of ``record``; changes exactly when the record changes.
    public private(set) var digest: String
    /// The item's canonical JSON record as the service gave it, volatile fields removed.
    public var record: String {
        didSet { digest = Digest.xxh3_128(record).hex }
    }
    /// The lifecycle state (Dash `lifecycleStatus.state`, e.g. `LIVE`), if any.
    public var state: String?
    /// Every folder path the item is filed under (Dash: an asset may sit in several folders),
    /// `Folder/Sub/Sub`; empty when it is in none or the source has no such notion.
    public var folders: [String]
    /// Custom metadata resolved for people: field name → values (option values as full paths,
    /// `Campaigns / 2026 / Spring`); empty when the source has none.
    public var metadata: [String: [String]]
    /// A signed address of a small picture of the item (Frame.io v2 `thumb`, V4
    /// `media_links.thumbnail`, Dash `previewUrl`), good for hours: not part of the record and
    /// never stored; a crawl with thumbnails fetches it into the thumbnail cache.
    public var thumbnailURL: String?

    /// Creates an item. `digest` is computed from `record` unless given: only an item read back
    /// from storage passes the digest stored with it.
    public init(
        source: Source,
        id: String,
        kind: ItemKind,
        name: String,
        parentID: String?,
        projectID: String?,
        path: String,
        size: Int64? = nil,
        mime: String? = nil,
        createdAt: Date? = nil,
        updatedAt: Date? = nil,
        uploadedAt: Date? = nil,
        label: String? = nil,
        xxh64: String? = nil,
        md5: String? = nil,
        text: String = "",
        digest: String? = nil,
        record: String,
        state: String? = nil,
        folders: [String] = [],
        metadata: [String: [String]] = [:]
    ) {
        self.source = source
        self.id = id
        self.kind = kind
        self.name = name
        self.parentID = parentID
        self.projectID = projectID
        self.path = path
        self.size = size
        self.mime = mime
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.uploadedAt = uploadedAt
        self.label = label
        self.xxh64 = xxh64
        self.md5 = md5
        self.text = text
        self.record = record
        self.digest = digest ?? Digest.xxh3_128(record).hex
        self.state = state
        self.folders = folders
        self.metadata = metadata
    }

    /// The lowercased file extension of the name (`mov` for `Clip.MOV`), or nil when it has none.
    public var fileExtension: String? {
        Self.fileExtension(of: name)
    }

    /// The lowercased extension of a file name, or nil when it has none.
    public static func fileExtension(of name: String) -> String? {
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return nil }
        let ext = name[name.index(after: dot)...]
        guard !ext.isEmpty, ext.count <= 16, !ext.contains(" "), !ext.contains("/") else { return nil }
        return ext.lowercased()
    }
}

extension CatalogItem {
    /// The largest size believed: 1 PiB. No file or project holds more; a service sending more
    /// (or a negative size) sent something else, which must not count as wasted bytes.
    public static let maxPlausibleSize: Int64 = 1 << 50

    /// `bytes` when it can be a size (0 to ``maxPlausibleSize``), else nil: stored as unknown.
    public static func plausibleSize(_ bytes: Int64) -> Int64? {
        (0...maxPlausibleSize).contains(bytes) ? bytes : nil
    }
}

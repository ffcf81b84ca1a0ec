/// Items holding the same content: one group of `catalog dupes`.
public struct DuplicateGroup: Sendable, Equatable {
    /// One item of the group.
    public struct Copy: Sendable, Equatable {
        public var source: Source
        public var id: String
        public var kind: ItemKind
        public var path: String
        public var projectID: String?
        /// The version stack holding it, when it is a version (versions of one stack are one place).
        public var stackID: String?
        public var xxh64: String?
        public var md5: String?

        public init(
            source: Source, id: String, kind: ItemKind, path: String, projectID: String?, stackID: String?, xxh64: String?, md5: String?
        ) {
            self.source = source
            self.id = id
            self.kind = kind
            self.path = path
            self.projectID = projectID
            self.stackID = stackID
            self.xxh64 = xxh64
            self.md5 = md5
        }

        /// Where the copy is: its version stack for a version, else itself.
        public var place: String { stackID ?? "\(source.rawValue):\(id)" }
    }

    /// 1-based rank in the report (most wasted bytes first).
    public var number: Int
    /// Proven by a content digest, or only probable (same size and name, no digest).
    public var probable: Bool
    /// `xxh64`, `md5`, `xxh64+md5` (joined across sources), or `size+name` when probable.
    public var digestKind: String
    /// The digest(s) the group shares (for a probable group: `size:name`).
    public var digest: String
    /// Bytes of one copy.
    public var size: Int64
    /// Every copy, by path.
    public var copies: [Copy]

    public init(number: Int, probable: Bool, digestKind: String, digest: String, size: Int64, copies: [Copy]) {
        self.number = number
        self.probable = probable
        self.digestKind = digestKind
        self.digest = digest
        self.size = size
        self.copies = copies
    }

    /// Distinct places holding the content (versions of one stack count once).
    public var places: Int { Set(copies.map(\.place)).count }
    /// Copies beyond the first place: `places − 1`.
    public var redundantCopies: Int { max(0, places - 1) }
    /// Bytes that removing the redundant copies would free: `size × (places − 1)`.
    public var wastedBytes: Int64 { size * Int64(redundantCopies) }
}

/// What `catalog dupes` looks at.
public struct DuplicateFilter: Sendable, Equatable {
    public var source: Source?
    /// Smallest size considered, in bytes.
    public var minSize: Int64?
    /// Only the items of these projects (their ids).
    public var projectIDs: [String]?
    /// Item kinds considered (default: files and Dash assets).
    public var kinds: Set<ItemKind>
    /// Also group items without a digest by (size, name), labelled probable.
    public var probable: Bool

    public init(
        source: Source? = nil, minSize: Int64? = nil, projectIDs: [String]? = nil, kinds: Set<ItemKind> = [.file, .asset], probable: Bool = false
    ) {
        self.source = source
        self.minSize = minSize
        self.projectIDs = projectIDs
        self.kinds = kinds
        self.probable = probable
    }
}

/// The totals of a duplicates report.
public struct DuplicateSummary: Sendable, Equatable {
    public var groups = 0
    public var redundantCopies = 0
    public var reclaimableBytes: Int64 = 0
    public var probableGroups = 0

    public init() {}

    /// Adds a group (probable groups are counted apart and not in the reclaimable total).
    public mutating func add(_ group: DuplicateGroup) {
        if group.probable {
            probableGroups += 1
            return
        }
        groups += 1
        redundantCopies += group.redundantCopies
        reclaimableBytes += group.wastedBytes
    }
}

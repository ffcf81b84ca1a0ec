import CatalogCore

/// The digests of a file that need not be read, the one decision of `crawl local` and `where`:
/// the catalog's, when the last scan saw the file as it is (same size and modification time
/// and, on a volume whose inode numbers last, the same inode; a file moved or renamed there is
/// found by its inode); else those of a hash list on the volume that describes it as it is
/// (ASC MHL, MHL 1.1); else none, and the file is read. With `rehash`, every file is read.
public struct KnownDigests: Sendable {
    /// Where known digests came from.
    public enum Origin: Sendable, Equatable {
        case catalog
        case hashList
    }

    private let catalogued: [String: LocalFileRecord]
    private let byInode: [UInt64: [LocalFileRecord]]
    private var lists: HashLists?
    private let volume: Volume
    private let md5: Bool
    private let rehash: Bool

    /// - Parameters:
    ///   - catalogued: the volume's catalogued files, by item id.
    ///   - lists: the hash lists found on the volume.
    ///   - md5: digests without an MD5 are not enough (the MD5 is wanted too).
    public init(catalogued: [String: LocalFileRecord], lists: HashLists?, volume: Volume, md5: Bool, rehash: Bool) {
        self.catalogued = catalogued
        byInode = volume.hasStableInodes ? Dictionary(grouping: catalogued.values, by: \.inode) : [:]
        self.lists = lists
        self.volume = volume
        self.md5 = md5
        self.rehash = rehash
    }

    /// The decision over the volume's catalogued `items` (the first record of an id counts);
    /// with `rehash` none is looked at, as every file is read.
    public init(items: some Sequence<CatalogItem>, lists: HashLists?, volume: Volume, md5: Bool, rehash: Bool) {
        var catalogued: [String: LocalFileRecord] = [:]
        if !rehash {
            for item in items where catalogued[item.id] == nil {
                if let record = LocalFileRecord(item: item) { catalogued[item.id] = record }
            }
        }
        self.init(catalogued: catalogued, lists: lists, volume: volume, md5: md5, rehash: rehash)
    }

    /// The same decision with other hash lists (those of another folder of the volume); the
    /// catalogued files are not indexed again.
    public func using(_ lists: HashLists?) -> KnownDigests {
        var copy = self
        copy.lists = lists
        return copy
    }

    /// The digests `entry` has without being read, and where they came from; nil when it must be read.
    public func digests(for entry: LocalEntry) -> (xxh64: String, md5: String?, origin: Origin)? {
        guard !rehash, !entry.isFolder else { return nil }
        // The record at the file's own path decides; only a path the catalog does not know is
        // looked up by inode (a file renamed or moved on the volume).
        let candidates = catalogued[LocalItemMapper.id(of: entry.relativePath, in: volume)].map { [$0] } ?? byInode[entry.inode] ?? []
        if let old = candidates.first(where: { $0.matches(entry, on: volume) && $0.xxh64 != nil && ($0.md5 != nil || !md5) }),
            let xxh64 = old.xxh64
        {
            return (xxh64, old.md5, .catalog)
        }
        if let listed = lists?.digests(for: entry, md5: md5) { return (listed.xxh64, listed.md5, .hashList) }
        return nil
    }
}

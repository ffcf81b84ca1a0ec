import Foundation

/// How a local scan reads files (`crawl local`, and the checks `where` and `verify`).
public struct LocalScanOptions: Sendable {
    /// Also compute MD5 (what Dash keeps), in the same read as XXH64.
    public var md5: Bool
    /// Include hidden and system files and folders.
    public var includeHidden: Bool
    /// Read every file again, even those whose size, modification time and inode are unchanged.
    public var rehash: Bool
    /// Files read at once (default: one per core).
    public var hashers: Int

    public init(md5: Bool = false, includeHidden: Bool = false, rehash: Bool = false, hashers: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.md5 = md5
        self.includeHidden = includeHidden
        self.rehash = rehash
        self.hashers = max(1, hashers)
    }
}

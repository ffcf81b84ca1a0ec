import Synchronization

/// A local crawl's hashing as it goes: the bytes to read and those read, counted as each chunk
/// is read, so a display can redraw while one large file is read.
public final class HashProgress: Sendable {
    private let total = Atomic<Int64>(0)
    private let done = Atomic<Int64>(0)

    public init() {}

    /// Bytes to read in all (grows as each folder's new and changed files are found).
    public var bytesToRead: Int64 { total.load(ordering: .relaxed) }
    /// Bytes read so far.
    public var bytesRead: Int64 { done.load(ordering: .relaxed) }

    /// Adds bytes to read.
    public func expect(_ bytes: Int64) { total.add(bytes, ordering: .relaxed) }
    /// Counts bytes read.
    public func read(_ bytes: Int64) { done.add(bytes, ordering: .relaxed) }
}

import CXXHash
import Foundation

/// Streaming XXH64 (seed 0), for files too large to hold in memory.
public struct XXH64Hasher: ~Copyable {
    private let state: OpaquePointer

    /// Starts a new hash with seed 0.
    public init() {
        state = XXH64_createState()
        XXH64_reset(state, 0)
    }

    deinit { XXH64_freeState(state) }

    /// Feeds more bytes.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        XXH64_update(state, bytes.baseAddress, bytes.count)
    }

    /// The digest of everything fed so far.
    public func finalize() -> Digest {
        Digest(algorithm: .xxh64, hex: Digest.hex64(XXH64_digest(state)))
    }

    /// XXH64 of a whole file, read in large chunks (constant memory).
    public static func hashFile(atPath path: String, chunkSize: Int = 4 << 20) throws -> Digest {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw CatalogError.fileUnreadable(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var hasher = XXH64Hasher()
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 64)
        defer { buffer.deallocate() }
        while true {
            let n = read(fd, buffer.baseAddress, chunkSize)
            if n < 0 {
                if errno == EINTR { continue }
                throw CatalogError.fileUnreadable(path: path, reason: String(cString: strerror(errno)))
            }
            if n == 0 { break }
            hasher.update(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
        }
        return hasher.finalize()
    }
}

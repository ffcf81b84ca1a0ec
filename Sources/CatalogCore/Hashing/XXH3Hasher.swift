import CXXHash
import Foundation

/// Streaming XXH3 (libxxhash, seed 0), 64 or 128 bits: ASC MHL's `xxh3` and `xxh128`.
/// (A class, so several can be kept side by side in a list; its state is not shared.)
public final class XXH3Hasher {
    /// The digest's width.
    public enum Width: Sendable {
        case bits64
        case bits128
    }

    private let state: OpaquePointer
    private let width: Width

    /// Starts a new hash.
    public init(_ width: Width) {
        state = XXH3_createState()
        self.width = width
        switch width {
        case .bits64: XXH3_64bits_reset(state)
        case .bits128: XXH3_128bits_reset(state)
        }
    }

    deinit { XXH3_freeState(state) }

    /// Feeds more bytes.
    public func update(_ bytes: UnsafeRawBufferPointer) {
        switch width {
        case .bits64: XXH3_64bits_update(state, bytes.baseAddress, bytes.count)
        case .bits128: XXH3_128bits_update(state, bytes.baseAddress, bytes.count)
        }
    }

    /// The digest of everything fed so far, as lowercase hex of its canonical (big-endian) form,
    /// as `xxhsum -H3` and `-H2` print it.
    public func finalize() -> String {
        switch width {
        case .bits64: return Digest.hex64(XXH3_64bits_digest(state))
        case .bits128:
            let value = XXH3_128bits_digest(state)
            return Digest.hex64(value.high64) + Digest.hex64(value.low64)
        }
    }
}

extension XXH3Hasher {
    /// The digest of the file at `path`, read in 1 MiB chunks (a catalog snapshot, which may
    /// be larger than memory); throws the system's reason when it cannot be read.
    public static func digest(ofFileAt path: String, width: Width = .bits128) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: path])
        }
        defer { try? handle.close() }
        let hasher = XXH3Hasher(width)
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            chunk.withUnsafeBytes { hasher.update($0) }
        }
        return hasher.finalize()
    }
}

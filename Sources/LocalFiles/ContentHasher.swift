import CatalogCore
import Crypto
import Foundation

/// A file's content digests, from one read of its bytes.
public struct FileDigests: Sendable, Equatable {
    /// XXH64, seed 0, 16 lowercase hex digits (Frame.io v2's and ASC MHL's `xxh64`).
    public var xxh64: String
    /// MD5, 32 lowercase hex digits (Dash's), when asked for.
    public var md5: String?
    /// The bytes read.
    public var bytes: Int64

    public init(xxh64: String, md5: String?, bytes: Int64) {
        self.xxh64 = xxh64
        self.md5 = md5
        self.bytes = bytes
    }
}

/// Why a file could not be hashed.
public struct HashFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "\(path): \(reason)" }

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }
}

/// Hashes files: XXH64 (libxxhash) and, when asked, MD5 (swift-crypto), both fed from one read
/// of each file in large chunks, so a file is read once whatever is asked.
public struct ContentHasher: ~Copyable {
    /// The bytes read at a time: 256 KiB. Measured cold on this machine's disk (docs/benchmarks.md,
    /// "Hashing local files"): 4 MiB reads were fastest on 128 MB files but half as fast on 10 MB
    /// ones (each file's first large read waits for the disk while readahead has not started);
    /// 256 KiB was within 10% of the best on both, and the kernel's readahead does the rest.
    public static let chunkSize = 256 << 10
    private let buffer: UnsafeMutableRawBufferPointer

    /// A hasher with its own buffer (one per thread), of ``chunkSize`` or `fileSize` when smaller.
    public init(fileSize: Int64 = Int64(chunkSize)) {
        let size = Int(max(4096, min(Int64(Self.chunkSize), fileSize)))
        buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 4096)
    }

    deinit { buffer.deallocate() }

    /// The digests of the file at `path`, calling `progress` with the bytes of each chunk read.
    ///
    /// Throws ``HashFailure`` when the file cannot be opened or read, is no longer a regular
    /// file, or changes size or modification time while it is read (its digest would describe
    /// no version of it).
    public func digests(of path: String, md5 wanted: Bool, progress: (Int) -> Void = { _ in }) throws(HashFailure) -> FileDigests {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { throw HashFailure(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var before = stat()
        guard fstat(fd, &before) == 0 else { throw HashFailure(path: path, reason: String(cString: strerror(errno))) }
        guard before.st_mode & S_IFMT == S_IFREG else { throw HashFailure(path: path, reason: "not a regular file") }
        _ = posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL)
        var xxh64 = XXH64Hasher()
        var md5 = wanted ? Insecure.MD5() : nil
        var total: Int64 = 0
        while true {
            let n = read(fd, buffer.baseAddress, buffer.count)
            if n < 0 {
                if errno == EINTR { continue }
                throw HashFailure(path: path, reason: String(cString: strerror(errno)))
            }
            if n == 0 { break }
            let chunk = UnsafeRawBufferPointer(rebasing: buffer[0..<n])
            xxh64.update(chunk)
            md5?.update(bufferPointer: chunk)
            total += Int64(n)
            progress(n)
        }
        var after = stat()
        guard fstat(fd, &after) == 0 else { throw HashFailure(path: path, reason: String(cString: strerror(errno))) }
        guard after.st_size == before.st_size, total == Int64(after.st_size), FileTime(after.st_mtim) == FileTime(before.st_mtim) else {
            throw HashFailure(path: path, reason: "it changed while it was read")
        }
        return FileDigests(
            xxh64: xxh64.finalize().hex, md5: md5.map { Digest.hex(bytes: $0.finalize()) }, bytes: total)
    }
}

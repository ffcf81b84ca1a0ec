import CatalogCore
import Crypto
import Foundation

/// The content hashes hash lists record, by their ASC MHL element names.
public enum HashAlgorithm: String, Sendable, CaseIterable {
    /// XXH64, seed 0: Frame.io v2's checksum and ASC MHL's usual one.
    case xxh64
    /// MD5: Dash's checksum.
    case md5
    case sha1
    /// XXH3, 64 bits.
    case xxh3
    /// XXH3, 128 bits.
    case xxh128
    /// C4: SHA-512 as 90 base-58 characters (case matters).
    case c4

    /// The digest of `bytes` in this algorithm, as hash lists write it (lowercase hex; C4).
    public func digest(of bytes: [UInt8]) -> String {
        switch self {
        case .xxh64: return Digest.xxh64(bytes).hex
        case .md5: return Digest.hex(bytes: Insecure.MD5.hash(data: bytes))
        case .sha1: return Digest.hex(bytes: Insecure.SHA1.hash(data: bytes))
        case .c4: return ASCMHLWriter.c4(digest: Array(SHA512.hash(data: bytes)))
        case .xxh3, .xxh128:
            let hasher = XXH3Hasher(self == .xxh3 ? .bits64 : .bits128)
            bytes.withUnsafeBytes { hasher.update($0) }
            return hasher.finalize()
        }
    }

    /// The bytes a digest written in this algorithm stands for (hex digits in pairs; C4's
    /// base-58 number as 64 big-endian bytes), as ascmhl turns them back to hash a list of them.
    public func bytes(of digest: String) -> [UInt8] {
        guard self == .c4 else {
            let digits = Array(digest.utf8)
            return stride(from: 0, to: digits.count - 1, by: 2).compactMap {
                UInt8(String(decoding: digits[$0...$0 + 1], as: UTF8.self), radix: 16)
            }
        }
        let alphabet = Array("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz".utf8)
        var number = [UInt8](repeating: 0, count: 64)
        for character in digest.utf8.dropFirst(2) {
            guard var carry = alphabet.firstIndex(of: character) else { return [] }
            // number = number × 58 + digit, big-endian.
            for index in number.indices.reversed() {
                let value = Int(number[index]) * 58 + carry
                number[index] = UInt8(value & 0xFF)
                carry = value >> 8
            }
        }
        return number
    }

    /// Whether two digests in this algorithm are the same: hex ignoring case; C4 exactly.
    public func same(_ a: String, _ b: String) -> Bool {
        self == .c4 ? a == b : a.lowercased() == b.lowercased()
    }
}

/// A file's content digests, from one read of its bytes.
public struct FileDigests: Sendable, Equatable {
    /// XXH64, seed 0, 16 lowercase hex digits (Frame.io v2's and ASC MHL's `xxh64`).
    public var xxh64: String
    /// MD5, 32 lowercase hex digits (Dash's), when asked for.
    public var md5: String?
    /// The other algorithms asked for (`sha1`, `xxh3`, `xxh128`, `c4`: those a hash list
    /// records a file by), lowercase hex or C4.
    public var others: [HashAlgorithm: String]
    /// The bytes read.
    public var bytes: Int64

    public init(xxh64: String, md5: String?, others: [HashAlgorithm: String] = [:], bytes: Int64) {
        self.xxh64 = xxh64
        self.md5 = md5
        self.others = others
        self.bytes = bytes
    }

    /// The digest in `algorithm`, when it was computed.
    public func value(_ algorithm: HashAlgorithm) -> String? {
        switch algorithm {
        case .xxh64: xxh64
        case .md5: md5
        default: others[algorithm]
        }
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

    /// The digests of the file at `path` (XXH64, MD5 when `md5`, and the algorithms in `also`),
    /// calling `progress` with the bytes of each chunk read.
    ///
    /// Throws ``HashFailure`` when the file cannot be opened or read, is no longer a regular
    /// file, or changes size or modification time while it is read (its digest would describe
    /// no version of it).
    public func digests(
        of path: String, md5 wanted: Bool, also: Set<HashAlgorithm> = [], progress: (Int) -> Void = { _ in }
    ) throws(HashFailure) -> FileDigests {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { throw HashFailure(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var before = stat()
        guard fstat(fd, &before) == 0 else { throw HashFailure(path: path, reason: String(cString: strerror(errno))) }
        guard before.st_mode & S_IFMT == S_IFREG else { throw HashFailure(path: path, reason: "not a regular file") }
        _ = posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL)
        var xxh64 = XXH64Hasher()
        var md5 = wanted ? Insecure.MD5() : nil
        let others = also.isEmpty ? nil : OtherHashers(also)
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
            others?.update(chunk)
            total += Int64(n)
            progress(n)
        }
        var after = stat()
        guard fstat(fd, &after) == 0 else { throw HashFailure(path: path, reason: String(cString: strerror(errno))) }
        guard after.st_size == before.st_size, total == Int64(after.st_size), FileTime(after.st_mtim) == FileTime(before.st_mtim) else {
            throw HashFailure(path: path, reason: "it changed while it was read")
        }
        return FileDigests(
            xxh64: xxh64.finalize().hex, md5: md5.map { Digest.hex(bytes: $0.finalize()) }, others: others?.finalize() ?? [:],
            bytes: total)
    }
}

/// The hashers of the algorithms only hash lists ask for, fed the same chunks.
private final class OtherHashers {
    private var sha1: Insecure.SHA1?
    private var sha512: SHA512?
    private var xxh3: [(HashAlgorithm, XXH3Hasher)] = []

    init(_ algorithms: Set<HashAlgorithm>) {
        if algorithms.contains(.sha1) { sha1 = Insecure.SHA1() }
        if algorithms.contains(.c4) { sha512 = SHA512() }
        if algorithms.contains(.xxh3) { xxh3.append((.xxh3, XXH3Hasher(.bits64))) }
        if algorithms.contains(.xxh128) { xxh3.append((.xxh128, XXH3Hasher(.bits128))) }
    }

    func update(_ chunk: UnsafeRawBufferPointer) {
        sha1?.update(bufferPointer: chunk)
        sha512?.update(bufferPointer: chunk)
        for (_, hasher) in xxh3 { hasher.update(chunk) }
    }

    func finalize() -> [HashAlgorithm: String] {
        var values: [HashAlgorithm: String] = [:]
        if let sha1 { values[.sha1] = Digest.hex(bytes: sha1.finalize()) }
        if let sha512 { values[.c4] = ASCMHLWriter.c4(digest: Array(sha512.finalize())) }
        for (algorithm, hasher) in xxh3 { values[algorithm] = hasher.finalize() }
        return values
    }
}

import CXXHash
import Foundation

/// A content or record digest: an algorithm and its lowercase hex value.
public struct Digest: Sendable, Hashable, CustomStringConvertible {
    /// The hash algorithms the catalog uses.
    public enum Algorithm: String, Sendable, Hashable {
        /// XXH64 with seed 0: Frame.io's `checksums.xx_hash`, `xxhsum -H1`.
        case xxh64
        /// XXH3 128-bit: record digests.
        case xxh3_128
        /// MD5: Dash's `currentAssetFile.checksum` (never computed here).
        case md5
    }

    /// The algorithm.
    public let algorithm: Algorithm
    /// The digest as lowercase hex, big-endian (canonical) byte order as `xxhsum` prints it.
    public let hex: String

    /// Wraps an existing hex digest.
    public init(algorithm: Algorithm, hex: String) {
        self.algorithm = algorithm
        self.hex = hex
    }

    /// `algorithm:hex`.
    public var description: String { "\(algorithm.rawValue):\(hex)" }

    /// XXH64 (seed 0) of the bytes.
    public static func xxh64<Bytes: ContiguousBytes>(_ bytes: Bytes) -> Digest {
        let value = bytes.withUnsafeBytes { XXH64($0.baseAddress, $0.count, 0) }
        return Digest(algorithm: .xxh64, hex: hex64(value))
    }

    /// XXH64 (seed 0) of a string's UTF-8 bytes.
    public static func xxh64(_ string: String) -> Digest {
        var string = string
        return string.withUTF8 { xxh64(UnsafeRawBufferPointer($0)) }
    }

    /// XXH3-128 of the bytes, hex of the canonical (big-endian) form.
    public static func xxh3_128<Bytes: ContiguousBytes>(_ bytes: Bytes) -> Digest {
        let value = bytes.withUnsafeBytes { XXH3_128bits($0.baseAddress, $0.count) }
        return Digest(algorithm: .xxh3_128, hex: hex64(value.high64) + hex64(value.low64))
    }

    /// XXH3-128 of a string's UTF-8 bytes.
    public static func xxh3_128(_ string: String) -> Digest {
        var string = string
        return string.withUTF8 { xxh3_128(UnsafeRawBufferPointer($0)) }
    }

    /// Whether `text` is a well-formed XXH64 hex digest (16 hex digits).
    public static func isXXH64Hex(_ text: String) -> Bool {
        text.utf8.count == 16 && text.utf8.allSatisfy(isHexDigit)
    }

    /// Whether `text` is a well-formed MD5 hex digest (32 hex digits).
    public static func isMD5Hex(_ text: String) -> Bool {
        text.utf8.count == 32 && text.utf8.allSatisfy(isHexDigit)
    }

    private static func isHexDigit(_ c: UInt8) -> Bool {
        (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46)
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// Bytes as lowercase hex, in order (an MD5 digest's 16 bytes → 32 digits).
    public static func hex<Bytes: Sequence<UInt8>>(bytes: Bytes) -> String {
        var text: [UInt8] = []
        for byte in bytes {
            text.append(hexDigits[Int(byte >> 4)])
            text.append(hexDigits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// 16 lowercase hex digits of a 64-bit value, most significant first.
    static func hex64(_ value: UInt64) -> String {
        String(unsafeUninitializedCapacity: 16) { buffer in
            for i in 0..<16 {
                buffer[i] = hexDigits[Int((value >> UInt64((15 - i) * 4)) & 0xF)]
            }
            return 16
        }
    }
}

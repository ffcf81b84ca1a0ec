import Foundation

/// A number of bytes as people write one: `1234`, `500MB`, `1.5GB` (powers of 1000), `2GiB`
/// (powers of 1024), case aside. What `size:` filters compare with, and what `--min-size` and
/// `--thumbnail-cache-size` take.
public struct ByteSize: Sendable, Hashable {
    /// The bytes.
    public var bytes: Int64

    /// The units, lower-cased: none or `b` for bytes, `k`/`kb` … `t`/`tb` for powers of 1000,
    /// `kib` … `tib` for powers of 1024.
    static let units: [String: Double] = [
        "": 1, "b": 1,
        "k": 1e3, "kb": 1e3, "m": 1e6, "mb": 1e6, "g": 1e9, "gb": 1e9, "t": 1e12, "tb": 1e12,
        "kib": 1024, "mib": 1_048_576, "gib": 1_073_741_824, "tib": 1_099_511_627_776,
    ]

    /// `text` read as a size, nil when it is none (a sign, an unknown unit, more than 9 EB).
    public init?(_ text: String) {
        let numberPart = text.prefix { $0.isNumber || $0 == "." }
        let unit = text.dropFirst(numberPart.count).trimmingCharacters(in: .whitespaces).lowercased()
        guard let number = Double(numberPart), number.isFinite, let scale = Self.units[unit] else { return nil }
        let bytes = number * scale
        guard bytes < 9e18 else { return nil }
        self.bytes = Int64(bytes.rounded())
    }
}

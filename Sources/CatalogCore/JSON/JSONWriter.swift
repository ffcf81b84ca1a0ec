/// Writes ``JSONValue``s as compact JSON text.
///
/// Canonical mode sorts object members by the UTF-8 bytes of their keys, so the same record
/// always gives the same text (and so the same record digest) whatever order the service sent.
public struct JSONWriter {
    /// The text written so far.
    public private(set) var bytes: [UInt8] = []

    /// Creates an empty writer.
    public init() { bytes.reserveCapacity(1024) }

    /// Creates a writer that appends to `bytes` (take them back from ``bytes``), saving a copy
    /// when many small documents go into one buffer.
    public init(appendingTo bytes: [UInt8]) { self.bytes = bytes }

    /// The compact JSON text of `value`; canonical (sorted keys) when `canonical` is true.
    public static func string(_ value: JSONValue, canonical: Bool = true) -> String {
        var writer = JSONWriter()
        writer.write(value, canonical: canonical)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    /// Appends `value`.
    public mutating func write(_ value: JSONValue, canonical: Bool) {
        switch value {
        case .null: append("null")
        case .bool(let b): append(b ? "true" : "false")
        case .number(let n): bytes.append(contentsOf: n.utf8)
        case .string(let s): writeString(s)
        case .array(let elements):
            bytes.append(UInt8(ascii: "["))
            for (i, element) in elements.enumerated() {
                if i > 0 { bytes.append(UInt8(ascii: ",")) }
                write(element, canonical: canonical)
            }
            bytes.append(UInt8(ascii: "]"))
        case .object(let members):
            bytes.append(UInt8(ascii: "{"))
            let ordered = canonical ? members.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) } : members
            for (i, member) in ordered.enumerated() {
                if i > 0 { bytes.append(UInt8(ascii: ",")) }
                writeString(member.key)
                bytes.append(UInt8(ascii: ":"))
                write(member.value, canonical: canonical)
            }
            bytes.append(UInt8(ascii: "}"))
        }
    }

    /// Appends text as-is (for numbers, literals and punctuation the caller knows to be valid JSON).
    public mutating func appendRaw(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }

    private mutating func append(_ literal: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    private static let hex = Array("0123456789abcdef".utf8)

    /// Appends a JSON string literal: `"`, `\` and control characters escaped, everything else raw UTF-8.
    public mutating func writeString(_ s: String) {
        bytes.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { utf8 in
            // Copy runs that need no escaping in one go; most strings are one run.
            var start = 0
            for i in 0..<utf8.count {
                let c = utf8[i]
                guard c < 0x20 || c == UInt8(ascii: "\"") || c == UInt8(ascii: "\\") else { continue }
                if i > start { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<i])) }
                start = i + 1
                switch c {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                    bytes.append(0x5C)
                    bytes.append(c)
                case 0x0A:
                    bytes.append(0x5C)
                    bytes.append(UInt8(ascii: "n"))
                case 0x0D:
                    bytes.append(0x5C)
                    bytes.append(UInt8(ascii: "r"))
                case 0x09:
                    bytes.append(0x5C)
                    bytes.append(UInt8(ascii: "t"))
                default:
                    bytes.append(contentsOf: [
                        0x5C, UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), Self.hex[Int(c >> 4)], Self.hex[Int(c & 0xF)],
                    ])
                }
            }
            if start < utf8.count { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start...])) }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}

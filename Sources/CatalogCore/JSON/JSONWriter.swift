/// Writes ``JSONValue``s as compact JSON text.
///
/// Canonical mode sorts object members by the UTF-8 bytes of their keys, so the same record
/// always gives the same text (and so the same record digest) whatever order the service sent.
public struct JSONWriter {
    /// The text written so far.
    public private(set) var bytes: [UInt8] = []

    /// Creates an empty writer.
    public init() { bytes.reserveCapacity(1024) }

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
        for c in s.utf8 {
            switch c {
            case UInt8(ascii: "\""):
                bytes.append(0x5C)
                bytes.append(c)
            case UInt8(ascii: "\\"):
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
            case 0..<0x20:
                bytes.append(contentsOf: Array("\\u00".utf8))
                bytes.append(Self.hex[Int(c >> 4)])
                bytes.append(Self.hex[Int(c & 0xF)])
            default: bytes.append(c)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}

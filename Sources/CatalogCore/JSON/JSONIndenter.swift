/// Re-indents compact JSON text for people (two spaces a level, `"name": value`), chunk by
/// chunk as a writer streams it: strings pass through untouched, empty objects and arrays stay
/// `{}` and `[]`, whitespace between tokens is replaced. A newline between top-level values
/// (NDJSON) is kept.
public struct JSONIndenter: Sendable {
    private var depth = 0
    private var inString = false
    private var escaped = false
    /// An object or array was just opened: its first member goes on a new line, unless it closes at once.
    private var opened = false

    public init() {}

    /// The indented text of the next chunk of the document.
    public mutating func feed(_ bytes: borrowing [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 2)
        func newline() {
            out.append(0x0A)
            out.append(contentsOf: repeatElement(0x20, count: 2 * max(0, depth)))
        }
        for index in bytes.indices {
            let byte = bytes[index]
            if inString {
                out.append(byte)
                if escaped {
                    escaped = false
                } else if byte == 0x5C {
                    escaped = true
                } else if byte == 0x22 {
                    inString = false
                }
                continue
            }
            switch byte {
            case 0x20, 0x09, 0x0D:
                continue
            case 0x0A:
                if depth == 0 && !opened { out.append(byte) }
                continue
            default:
                break
            }
            if opened {
                opened = false
                if byte == 0x7D || byte == 0x5D {
                    depth -= 1
                    out.append(byte)
                    continue
                }
                newline()
            }
            switch byte {
            case 0x22:
                inString = true
                out.append(byte)
            case 0x7B, 0x5B:
                out.append(byte)
                depth += 1
                opened = true
            case 0x7D, 0x5D:
                depth -= 1
                newline()
                out.append(byte)
            case 0x2C:
                out.append(byte)
                newline()
            case 0x3A:
                out.append(contentsOf: [0x3A, 0x20])
            default:
                out.append(byte)
            }
        }
        return out
    }
}

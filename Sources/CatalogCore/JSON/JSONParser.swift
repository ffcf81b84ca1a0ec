/// A strict, fast JSON parser (RFC 8259) producing ``JSONValue``.
///
/// It rejects trailing garbage, unescaped control characters, bad escapes and nesting deeper
/// than ``maxDepth`` (so hostile input cannot exhaust the stack), and reports the byte offset.
public struct JSONParser {
    /// The deepest nesting accepted.
    public static let maxDepth = 256
    /// The most values one document may hold: a full page of 1 000 Frame.io assets holds about
    /// 60 000. A body within the byte cap but made of tiny values (`[0,0,0,…]`) would otherwise
    /// parse into a tree ten times its size.
    public static let maxValues = 1_000_000

    /// A parse failure at a byte offset.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        /// The byte offset where parsing stopped.
        public let offset: Int
        /// What was wrong.
        public let reason: String
        /// `reason at byte offset`.
        public var description: String { "\(reason) at byte \(offset)" }
    }

    /// Parses a complete JSON text.
    public static func parse<Bytes: Collection>(_ bytes: Bytes) throws(Failure) -> JSONValue where Bytes.Element == UInt8 {
        let result: Result<JSONValue, Failure>? = bytes.withContiguousStorageIfAvailable { buffer in
            Result { () throws(Failure) -> JSONValue in try parseBuffer(buffer) }
        }
        if let result { return try result.get() }
        let copy = Array(bytes)
        return try copy.withUnsafeBufferPointer { buffer throws(Failure) in try parseBuffer(buffer) }
    }

    /// Parses a complete JSON text as ``parse(_:)`` does, but repairs text instead of refusing it:
    /// a string holding bytes that are not UTF-8, or a `\u` escape of an unpaired surrogate, gets
    /// U+FFFD in their place (as WHATWG decoders do). Returns the value and how many repairs were
    /// made, so a caller can count what it carried past. Everything else stays strict.
    public static func parseRepairingText<Bytes: Collection>(_ bytes: Bytes) throws(Failure) -> (value: JSONValue, repairs: Int)
    where Bytes.Element == UInt8 {
        let copy = Array(bytes)
        return try copy.withUnsafeBufferPointer { buffer throws(Failure) in
            var parser = Cursor(bytes: buffer, repairingText: true)
            let value = try parser.parseDocument()
            return (value, parser.repairs)
        }
    }

    /// Parses a complete JSON text from a string.
    public static func parse(_ text: String) throws(Failure) -> JSONValue {
        try parse(Array(text.utf8))
    }

    private static func parseBuffer(_ buffer: UnsafeBufferPointer<UInt8>) throws(Failure) -> JSONValue {
        var parser = Cursor(bytes: buffer, repairingText: false)
        return try parser.parseDocument()
    }

    private struct Cursor {
        let bytes: UnsafeBufferPointer<UInt8>
        var position = 0
        /// Whether text that is not valid Unicode is repaired (U+FFFD) rather than refused.
        let repairingText: Bool
        /// Repairs made.
        var repairs = 0
        /// Values parsed so far.
        var values = 0

        init(bytes: UnsafeBufferPointer<UInt8>, repairingText: Bool) {
            self.bytes = bytes
            self.repairingText = repairingText
        }

        mutating func parseDocument() throws(Failure) -> JSONValue {
            skipWhitespace()
            let value = try parseValue(depth: 0)
            skipWhitespace()
            guard position == bytes.count else { throw failure("unexpected text after the JSON value") }
            return value
        }

        /// The string of `utf8`, repaired when allowed; nil when it is not UTF-8 and may not be repaired.
        mutating func text(_ utf8: UnsafeBufferPointer<UInt8>) -> String? {
            if let s = String(validating: utf8, as: UTF8.self) { return s }
            guard repairingText else { return nil }
            repairs += 1
            return String(decoding: utf8, as: UTF8.self)
        }

        /// U+FFFD in place of an unpaired surrogate, when repairs are allowed.
        mutating func replaceSurrogate(_ scalars: inout [UInt8]) throws(Failure) {
            guard repairingText else { throw failure("unpaired surrogate in a string") }
            repairs += 1
            scalars.append(contentsOf: [0xEF, 0xBF, 0xBD])
        }

        func failure(_ reason: String) -> Failure { Failure(offset: position, reason: reason) }

        mutating func skipWhitespace() {
            while position < bytes.count {
                switch bytes[position] {
                case 0x20, 0x0A, 0x0D, 0x09: position += 1
                default: return
                }
            }
        }

        mutating func parseValue(depth: Int) throws(Failure) -> JSONValue {
            guard depth < JSONParser.maxDepth else { throw failure("JSON nested deeper than \(JSONParser.maxDepth) levels") }
            values += 1
            guard values <= JSONParser.maxValues else { throw failure("JSON holding more than \(JSONParser.maxValues) values") }
            guard position < bytes.count else { throw failure("unexpected end of JSON") }
            switch bytes[position] {
            case UInt8(ascii: "{"): return try parseObject(depth: depth)
            case UInt8(ascii: "["): return try parseArray(depth: depth)
            case UInt8(ascii: "\""): return .string(try parseString())
            case UInt8(ascii: "t"):
                try expectLiteral("true")
                return .bool(true)
            case UInt8(ascii: "f"):
                try expectLiteral("false")
                return .bool(false)
            case UInt8(ascii: "n"):
                try expectLiteral("null")
                return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
            default: throw failure("unexpected character")
            }
        }

        mutating func expectLiteral(_ literal: StaticString) throws(Failure) {
            let count = literal.utf8CodeUnitCount
            guard position + count <= bytes.count else { throw failure("unexpected end of JSON") }
            let start = literal.utf8Start
            for i in 0..<count where bytes[position + i] != start[i] {
                throw failure("invalid literal")
            }
            position += count
        }

        mutating func parseObject(depth: Int) throws(Failure) -> JSONValue {
            position += 1
            var members: [(key: String, value: JSONValue)] = []
            skipWhitespace()
            if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
                position += 1
                return .object(members)
            }
            while true {
                skipWhitespace()
                guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else {
                    throw failure("expected a string key")
                }
                let key = try parseString()
                skipWhitespace()
                guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else { throw failure("expected ':'") }
                position += 1
                skipWhitespace()
                let value = try parseValue(depth: depth + 1)
                members.append((key, value))
                skipWhitespace()
                guard position < bytes.count else { throw failure("unexpected end of JSON in an object") }
                if bytes[position] == UInt8(ascii: ",") {
                    position += 1
                    continue
                }
                if bytes[position] == UInt8(ascii: "}") {
                    position += 1
                    return .object(members)
                }
                throw failure("expected ',' or '}'")
            }
        }

        mutating func parseArray(depth: Int) throws(Failure) -> JSONValue {
            position += 1
            var elements: [JSONValue] = []
            skipWhitespace()
            if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
                position += 1
                return .array(elements)
            }
            while true {
                skipWhitespace()
                elements.append(try parseValue(depth: depth + 1))
                skipWhitespace()
                guard position < bytes.count else { throw failure("unexpected end of JSON in an array") }
                if bytes[position] == UInt8(ascii: ",") {
                    position += 1
                    continue
                }
                if bytes[position] == UInt8(ascii: "]") {
                    position += 1
                    return .array(elements)
                }
                throw failure("expected ',' or ']'")
            }
        }

        mutating func parseNumber() throws(Failure) -> String {
            let start = position
            if bytes[position] == UInt8(ascii: "-") { position += 1 }
            guard position < bytes.count, isDigit(bytes[position]) else { throw failure("invalid number") }
            if bytes[position] == UInt8(ascii: "0") {
                position += 1
            } else {
                while position < bytes.count, isDigit(bytes[position]) { position += 1 }
            }
            if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
                position += 1
                guard position < bytes.count, isDigit(bytes[position]) else { throw failure("invalid number") }
                while position < bytes.count, isDigit(bytes[position]) { position += 1 }
            }
            if position < bytes.count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
                position += 1
                if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
                    position += 1
                }
                guard position < bytes.count, isDigit(bytes[position]) else { throw failure("invalid number") }
                while position < bytes.count, isDigit(bytes[position]) { position += 1 }
            }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
        }

        func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }

        mutating func parseString() throws(Failure) -> String {
            position += 1
            let start = position
            // Fast path: no escapes.
            while position < bytes.count {
                let c = bytes[position]
                if c == UInt8(ascii: "\"") {
                    guard let s = text(UnsafeBufferPointer(rebasing: bytes[start..<position])) else {
                        throw failure("invalid UTF-8 in a string")
                    }
                    position += 1
                    return s
                }
                if c == UInt8(ascii: "\\") { break }
                if c < 0x20 { throw failure("unescaped control character in a string") }
                position += 1
            }
            var scalars = Array(UnsafeBufferPointer(rebasing: bytes[start..<position]))
            while position < bytes.count {
                let c = bytes[position]
                if c == UInt8(ascii: "\"") {
                    position += 1
                    let decoded = scalars.withUnsafeBufferPointer { text($0) }
                    guard let decoded else { throw failure("invalid UTF-8 in a string") }
                    return decoded
                }
                if c < 0x20 { throw failure("unescaped control character in a string") }
                if c != UInt8(ascii: "\\") {
                    scalars.append(c)
                    position += 1
                    continue
                }
                position += 1
                guard position < bytes.count else { break }
                let e = bytes[position]
                position += 1
                switch e {
                case UInt8(ascii: "\""): scalars.append(0x22)
                case UInt8(ascii: "\\"): scalars.append(0x5C)
                case UInt8(ascii: "/"): scalars.append(0x2F)
                case UInt8(ascii: "b"): scalars.append(0x08)
                case UInt8(ascii: "f"): scalars.append(0x0C)
                case UInt8(ascii: "n"): scalars.append(0x0A)
                case UInt8(ascii: "r"): scalars.append(0x0D)
                case UInt8(ascii: "t"): scalars.append(0x09)
                case UInt8(ascii: "u"):
                    var code = try parseHex4()
                    if (0xD800...0xDBFF).contains(code) {
                        // A high surrogate must be followed by an escaped low one; when repairing,
                        // whatever follows instead is read as itself.
                        let resume = position
                        var low: UInt32 = 0
                        if position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u") {
                            position += 2
                            low = try parseHex4()
                        }
                        guard (0xDC00...0xDFFF).contains(low) else {
                            position = resume
                            try replaceSurrogate(&scalars)
                            continue
                        }
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00...0xDFFF).contains(code) {
                        try replaceSurrogate(&scalars)
                        continue
                    }
                    guard let scalar = Unicode.Scalar(code) else { throw failure("invalid \\u escape") }
                    scalars.append(contentsOf: String(Character(scalar)).utf8)
                default: throw failure("invalid escape in a string")
                }
            }
            throw failure("unterminated string")
        }

        mutating func parseHex4() throws(Failure) -> UInt32 {
            guard position + 4 <= bytes.count else { throw failure("invalid \\u escape") }
            var value: UInt32 = 0
            for _ in 0..<4 {
                let c = bytes[position]
                let digit: UInt32
                switch c {
                case 0x30...0x39: digit = UInt32(c - 0x30)
                case 0x41...0x46: digit = UInt32(c - 0x41 + 10)
                case 0x61...0x66: digit = UInt32(c - 0x61 + 10)
                default: throw failure("invalid \\u escape")
                }
                value = value << 4 | digit
                position += 1
            }
            return value
        }
    }
}

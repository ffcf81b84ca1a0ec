import CatalogCore
import PropertyBased
import Testing

/// Properties of the project's own JSON parser and writer, over generated documents: what the
/// record digests depend on. PropertyBased prints the seed of a failing case
/// (`.fixedSeed(…)` replays it) and shrinks it.
@Suite struct JSONPropertyTests {
    /// Documents are built from a list of numbers (shrinkable, so a failure shrinks to a small
    /// document): each number chooses the next value, length or character.
    static let programs = Gen.int(in: 0...1_000_000).array(of: 0...120)

    @Test func writingThenParsingGivesTheSameValue() async {
        await propertyCheck(count: 300, input: Self.programs) { program in
            let value = JSONProgram.document(from: program)
            let text = JSONWriter.string(value, canonical: false)
            #expect((try? JSONParser.parse(text)) == value, "\(text)")
            // And once more: parse → write → parse is the identity.
            #expect((try? JSONParser.parse(text)).map { JSONWriter.string($0, canonical: false) } == text)
        }
    }

    @Test func theCanonicalFormIgnoresMemberOrderAndWhitespace() async {
        await propertyCheck(count: 300, input: Self.programs) { program in
            let value = JSONProgram.document(from: program)
            let canonical = JSONWriter.string(value)
            let reordered = JSONProgram.reversingMembers(value)
            #expect(JSONWriter.string(reordered) == canonical)
            var spaced = ""
            JSONProgram.writeSpaced(reordered, into: &spaced, seed: program.first ?? 0)
            #expect((try? JSONParser.parse(spaced)).map { JSONWriter.string($0) } == canonical, "\(spaced)")
        }
    }
}

/// Builds a JSON document from a list of numbers.
struct JSONProgram {
    var program: [Int]
    var position = 0

    init(_ program: [Int]) { self.program = program }

    mutating func next() -> Int {
        defer { position += 1 }
        return position < program.count ? program[position] : 0
    }

    /// Numbers as services write them: the parser keeps their text.
    static let numbers = ["0", "-1", "42", "2.50", "-3e2", "1E+10", "0.000001", "123456789012345678901234567890", "-0", "6.02e-23"]
    /// Characters that stress escaping: quotes, backslash, controls, non-ASCII, astral planes, bidi.
    static let alphabet: [Character] = [
        "a", "Z", "0", " ", "\"", "\\", "/", "\n", "\t", "\u{0}", "\u{1F}", "\u{7F}", "é", "ß", "中", "🎬", "\u{202E}", "\u{FEFF}", "\u{2028}",
    ]

    mutating func string() -> String {
        String((0..<(next() % 8)).map { _ in Self.alphabet[next() % Self.alphabet.count] })
    }

    static func document(from program: [Int]) -> JSONValue {
        var builder = JSONProgram(program)
        return builder.value(depth: 0)
    }

    mutating func value(depth: Int) -> JSONValue {
        switch next() % (depth < 6 ? 7 : 4) {
        case 0: return .null
        case 1: return .bool(next() % 2 == 0)
        case 2: return .number(Self.numbers[next() % Self.numbers.count])
        case 3: return .string(string())
        case 4, 5: return .array((0..<(next() % 5)).map { _ in value(depth: depth + 1) })
        default:
            // Keys are distinct (a service sending one twice is another matter).
            var members: [(key: String, value: JSONValue)] = []
            for index in 0..<(next() % 5) { members.append(("\(string())#\(index)", value(depth: depth + 1))) }
            return .object(members)
        }
    }

    /// The value with every object's members in reverse order.
    static func reversingMembers(_ value: JSONValue) -> JSONValue {
        switch value {
        case .array(let elements): .array(elements.map(reversingMembers))
        case .object(let members): .object(members.reversed().map { ($0.key, reversingMembers($0.value)) })
        default: value
        }
    }

    /// JSON text of `value` with whitespace (space, tab, line feed, carriage return) between tokens.
    static func writeSpaced(_ value: JSONValue, into text: inout String, seed: Int) {
        let spaces = ["", " ", "\n", "\t ", "\r\n  "]
        var counter = seed
        func space() -> String {
            counter = (counter &* 1_103_515_245 &+ 12_345) & 0x7fff_ffff
            return spaces[counter % spaces.count]
        }
        func write(_ value: JSONValue) {
            text += space()
            switch value {
            case .array(let elements):
                text += "["
                for (i, element) in elements.enumerated() {
                    if i > 0 { text += space() + "," }
                    write(element)
                }
                text += space() + "]"
            case .object(let members):
                text += "{"
                for (i, member) in members.enumerated() {
                    if i > 0 { text += space() + "," }
                    text += space() + JSONWriter.string(.string(member.key)) + space() + ":"
                    write(member.value)
                }
                text += space() + "}"
            default:
                text += JSONWriter.string(value)
            }
            text += space()
        }
        write(value)
    }
}

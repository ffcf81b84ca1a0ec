import CatalogCore
import Testing

@Suite struct JSONTests {
    @Test func parsesAndWritesCanonically() throws {
        let value = try JSONParser.parse(#"{"b": [1, 2.50, -3e2, true, null], "a": "x\"\u00e9\n", "c": {}}"#)
        #expect(JSONWriter.string(value) == #"{"a":"x\"é\n","b":[1,2.50,-3e2,true,null],"c":{}}"#)
        #expect(JSONWriter.string(value, canonical: false).hasPrefix(#"{"b":"#))
    }

    @Test func surrogatePairsDecode() throws {
        #expect(try JSONParser.parse(#""\ud83c\udfac""#) == .string("🎬"))
    }

    @Test(arguments: ["", "{", "[1,]", "{\"a\" 1}", "\"abc", "01", "1.", "tru", "[1] x", "\"\\ud800\"", "\"a\u{01}\""])
    func rejectsMalformedJSON(_ text: String) {
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(text) }
    }

    @Test func textThatIsNotUnicodeIsRepairedAndCountedWhenAsked() throws {
        let invalid: [UInt8] =
            Array(#"{"name":"a"#.utf8) + [0xFF, 0xFE] + Array(#"b","n":"\ud800x","m":"\udc00","ok":"\ud83c\udfac"}"#.utf8)
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(invalid) }
        let (value, repairs) = try JSONParser.parseRepairingText(invalid)
        #expect(repairs == 3)
        #expect(value["name"] == .string("a\u{FFFD}\u{FFFD}b"))
        #expect(value["n"] == .string("\u{FFFD}x"))
        #expect(value["m"] == .string("\u{FFFD}"))
        #expect(value["ok"] == .string("🎬"))
        // A high surrogate followed by another escape keeps that escape.
        #expect(try JSONParser.parseRepairingText(Array(#""\ud800\u0041""#.utf8)).value == .string("\u{FFFD}A"))
        #expect(try JSONParser.parseRepairingText(Array(#""plain""#.utf8)).repairs == 0)
    }

    @Test func rejectsADocumentOfMillionsOfTinyValues() throws {
        let dense = "[" + String(repeating: "0,", count: JSONParser.maxValues) + "0]"
        #expect { try JSONParser.parse(dense) } throws: { "\($0)".contains("more than 1000000 values") }
        let fits = "[" + String(repeating: "0,", count: 1000) + "0]"
        #expect(try JSONParser.parse(fits).arrayValue?.count == 1001)
    }

    @Test func rejectsHostileNesting() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(deep) }
    }

    @Test func canonicalizerDropsVolatileMembersAndSignedURLs() throws {
        let canonicalizer = RecordCanonicalizer(volatileKeys: ["view_count"])
        let first = try JSONParser.parse(
            #"{"id":"1","view_count":3,"thumb":"https://x/y?X-Amz-Signature=aa","nested":{"u":"https://c/d?Expires=1&Signature=z"}}"#)
        let second = try JSONParser.parse(
            #"{"nested":{"u":"https://c/d?Expires=2&Signature=q"},"thumb":"https://x/y?X-Amz-Signature=bb","view_count":9,"id":"1"}"#)
        #expect(canonicalizer.canonicalText(first) == #"{"id":"1","nested":{}}"#)
        #expect(canonicalizer.canonicalText(first) == canonicalizer.canonicalText(second))
    }
}

import CatalogCore
import Testing

/// `--format json` on a terminal: the compact document, indented, whatever the chunks.
struct JSONIndenterTests {
    let compact = #"{"version":1,"items":[{"name":"a, b: {c}","tags":[],"meta":{}},{"name":"q\"uote\\","n":-1.5e3}]}"#
    let indented = """
        {
          "version": 1,
          "items": [
            {
              "name": "a, b: {c}",
              "tags": [],
              "meta": {}
            },
            {
              "name": "q\\"uote\\\\",
              "n": -1.5e3
            }
          ]
        }
        """

    @Test func indentsAndLeavesStringsAlone() {
        var indenter = JSONIndenter()
        #expect(String(decoding: indenter.feed(Array(compact.utf8)), as: UTF8.self) == indented)
    }

    @Test func givesTheSameTextWhateverTheChunks() {
        let bytes = Array(compact.utf8)
        for size in [1, 2, 3, 7, 64] {
            var indenter = JSONIndenter()
            var out: [UInt8] = []
            var start = 0
            while start < bytes.count {
                out += indenter.feed(Array(bytes[start..<min(bytes.count, start + size)]))
                start += size
            }
            #expect(String(decoding: out, as: UTF8.self) == indented, "chunks of \(size)")
        }
    }

    @Test func keepsTheNewlineEndingADocument() {
        var indenter = JSONIndenter()
        #expect(String(decoding: indenter.feed(Array("{\"a\":[1,2]}\n".utf8)), as: UTF8.self) == "{\n  \"a\": [\n    1,\n    2\n  ]\n}\n")
    }
}

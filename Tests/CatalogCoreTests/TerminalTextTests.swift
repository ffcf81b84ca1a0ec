import CatalogCore
import Testing

@Suite struct TerminalTextTests {
    @Test func escapeSequencesAreShownNeverObeyed() {
        let hostile = "\u{1B}[2J\u{1B}[H\u{1B}[32mAll good, crawl OK\u{7}"
        let shown = TerminalText.sanitize(hostile)
        #expect(!shown.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F })
        #expect(shown == "␛[2J␛[H␛[32mAll good, crawl OK␇")
    }

    @Test func bidiOverridesAndIsolatesCannotReorderAName() {
        let name = "invoice\u{202E}gpj.exe"
        #expect(TerminalText.sanitize(name) == "invoice\u{FFFD}gpj.exe")
        for scalar in [0x202A, 0x202B, 0x202C, 0x202D, 0x2066, 0x2067, 0x2068, 0x2069, 0x200E, 0x200F, 0x061C] {
            let text = "a" + String(Character(Unicode.Scalar(UInt32(scalar))!)) + "b"
            #expect(TerminalText.sanitize(text) == "a\u{FFFD}b", "U+\(String(scalar, radix: 16))")
        }
    }

    @Test func c1ControlsAndCarriageReturnsAreNeutralised() {
        #expect(TerminalText.sanitize("a\u{9B}31mb") == "a\u{FFFD}31mb")
        #expect(TerminalText.sanitize("fake\rreal", keepingLines: true) == "fake␍real")
    }

    @Test func linesAreKeptOnlyWhenAskedFor() {
        #expect(TerminalText.sanitize("a\nb\tc", keepingLines: true) == "a\nb\tc")
        #expect(TerminalText.sanitize("a\nb\tc") == "a␊b␉c")
    }

    @Test func ordinaryTextIsUntouched() {
        for text in ["Clip 001.mov", "東京 ロケ.mxf", "café/naïve", "emoji 🎬", ""] {
            #expect(TerminalText.sanitize(text) == text)
        }
    }
}

/// Makes outside text (names, ids, error messages, types a server sent) safe to show on a
/// terminal: the one sanitizer every line `catalog` prints to a terminal goes through.
///
/// - C0 controls and DEL become their visible Control Pictures (ESC → `␛`, NUL → `␀`), so an
///   escape sequence is shown, never executed (no cleared screen, no moved cursor, no colour).
/// - C1 controls (U+0080–U+009F, which some terminals take as CSI and friends) become `�`.
/// - Bidirectional overrides, embeddings and isolates (U+202A–U+202E, U+2066–U+2069) and the
///   invisible marks U+200E, U+200F and U+061C become `�`, so `invoice‮gpj.exe` cannot pass
///   for `invoiceexe.jpg`.
/// - Line breaks (`\n`) and tabs are kept only when `keepingLines` is set (multi-line
///   messages); otherwise they are shown as `␊` and `␉`, so one value stays on one line. A CR
///   is always shown (`␍`): it would return the cursor and overwrite what came before.
public enum TerminalText {
    /// `text` with every control and bidi character made visible and inert.
    public static func sanitize(_ text: String, keepingLines: Bool = false) -> String {
        // Fast path: most text has nothing to replace.
        guard text.unicodeScalars.contains(where: { needsReplacement($0, keepingLines: keepingLines) }) else { return text }
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            guard needsReplacement(scalar, keepingLines: keepingLines) else {
                scalars.append(scalar)
                continue
            }
            switch scalar.value {
            case 0x00..<0x20: scalars.append(Unicode.Scalar(0x2400 + scalar.value) ?? "\u{FFFD}")
            case 0x7F: scalars.append("\u{2421}")
            default: scalars.append("\u{FFFD}")
            }
        }
        return String(scalars)
    }

    /// Whether `scalar` is shown as something else.
    static func needsReplacement(_ scalar: Unicode.Scalar, keepingLines: Bool) -> Bool {
        switch scalar.value {
        case 0x0A, 0x09: return !keepingLines
        case 0x00..<0x20, 0x7F, 0x80..<0xA0: return true
        case 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F, 0x061C: return true
        default: return false
        }
    }
}

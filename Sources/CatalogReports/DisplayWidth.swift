/// How many terminal cells text takes, and cutting it to fit: East Asian wide and fullwidth
/// characters and emoji take two cells, combining marks and zero-width characters none.
public enum DisplayWidth {
    /// The cells `text` takes in a terminal.
    public static func of(_ text: String) -> Int { text.reduce(0) { $0 + of($1) } }

    /// The cells one character (a grapheme cluster) takes: 0, 1 or 2.
    public static func of(_ character: Character) -> Int {
        let scalars = character.unicodeScalars
        guard let first = scalars.first else { return 0 }
        if scalars.contains(where: { $0.properties.isEmojiPresentation }) || scalars.contains("\u{FE0F}") && first.properties.isEmoji {
            return 2
        }
        if isWide(first) { return 2 }
        return scalars.allSatisfy(isZeroWidth) ? 0 : 1
    }

    /// Each of `text`'s lines wrapped to `width` cells (``wrap(_:width:indent:)``), a continuation
    /// indented two past its line's own indent: a message, a summary and its indented warnings.
    public static func wrapLines(_ text: String, width: Int) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            wrap(String(line), width: width, indent: line.prefix { $0 == " " }.count + 2).joined(separator: "\n")
        }.joined(separator: "\n")
    }

    /// `text` in lines of at most `width` cells: broken at spaces (a word longer than a line,
    /// such as a path or an address, anywhere), lines after the first starting with `indent` spaces.
    public static func wrap(_ text: String, width: Int, indent: Int = 2) -> [String] {
        let width = max(width, indent + 10)
        var lines: [String] = []
        var line = ""
        var lineWidth = 0
        var limit = width
        func breakLine() {
            lines.append(trimmingTrailingSpaces(line))
            line = String(repeating: " ", count: indent)
            lineWidth = indent
            limit = width
        }
        // Words with their trailing space; a path's components with their trailing slash. A
        // number stays with what follows it (`661 MB/s`, `13 pictures`, `20 000 files`) where
        // the two fit on a line.
        var words: [String] = []
        for piece in text.split(separator: " ", omittingEmptySubsequences: false) {
            if let last = words.last, case let number = last.dropLast().drop(while: { $0 == "(" }), let first = number.first, first.isASCII,
                first.isNumber, number.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "." || $0 == "," || $0 == " ") }),
                of(last) + of(String(piece)) <= width - indent
            {
                words[words.count - 1] = last + piece + " "
            } else {
                words.append(String(piece) + " ")
            }
        }
        for word in words {
            let w = of(String(word.dropLast()))
            if lineWidth + w > limit, lineWidth > (lines.isEmpty ? 0 : indent) { breakLine() }
            if lineWidth + w <= limit {
                line += word
                lineWidth += w + 1
                continue
            }
            // Longer than a line: cut after slashes where possible, else anywhere.
            for character in word {
                let c = of(character)
                if lineWidth + c > limit, lineWidth > indent { breakLine() }
                if !(character == " " && lineWidth == indent) {
                    line.append(character)
                    lineWidth += c
                }
            }
        }
        if line.contains(where: { $0 != " " }) { lines.append(trimmingTrailingSpaces(line)) }
        return lines
    }

    /// `text` without the spaces it ends in.
    public static func trimmingTrailingSpaces(_ text: String) -> String {
        var end = text.endIndex
        while end > text.startIndex, text[text.index(before: end)] == " " { end = text.index(before: end) }
        return String(text[..<end])
    }

    /// `text` cut at the end to at most `width` cells, `…` marking the cut.
    public static func truncate(_ text: String, to width: Int) -> String {
        guard of(text) > width else { return text }
        guard width > 0 else { return "" }
        var out = ""
        var used = 0
        for character in text {
            let cells = of(character)
            if used + cells > width - 1 { break }
            out.append(character)
            used += cells
        }
        return out + "…"
    }

    /// A path cut to at most `width` cells in its middle, keeping its top folder and as many of
    /// its last components (the file name first) as fit: `Studio/…/Day 2/A001_C003.mov`; when
    /// the top folder leaves no room, the file name still shows whole: `…/A001_C003.mov`. A name
    /// too long even for that keeps its start and end.
    public static func elidePath(_ path: String, to width: Int) -> String {
        guard of(path) > width else { return path }
        let components = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        if components.count > 1, let top = components.first, let last = components.last {
            var tail = [last]
            var head = components.count > 2 ? [top, "…"] : ["…"]
            func candidate(_ tail: [String]) -> String { (head + tail).joined(separator: "/") }
            if of(candidate(tail)) > width { head = ["…"] }
            guard of(candidate(tail)) <= width else { return elideMiddle(path, to: width) }
            for component in components.dropFirst().dropLast().reversed() {
                let longer = [component] + tail
                if of(candidate(longer)) > width { break }
                tail = longer
            }
            return candidate(tail)
        }
        return elideMiddle(path, to: width)
    }

    /// `text` with its middle replaced by `…` to fit `width` cells, the end kept (a file name's
    /// extension, a take number).
    static func elideMiddle(_ text: String, to width: Int) -> String {
        guard width > 1 else { return truncate(text, to: width) }
        let characters = Array(text)
        var head = ""
        var tail = ""
        var used = 1
        var front = 0
        var back = characters.count - 1
        var takeBack = true
        while front <= back {
            let character = takeBack ? characters[back] : characters[front]
            let cells = of(character)
            if used + cells > width { break }
            used += cells
            if takeBack {
                tail = String(character) + tail
                back -= 1
            } else {
                head.append(character)
                front += 1
            }
            takeBack.toggle()
        }
        return head + "…" + tail
    }

    private static func isZeroWidth(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: true
        default: scalar.value == 0x200B || (0xFE00...0xFE0F).contains(scalar.value)
        }
    }

    /// East Asian Wide and Fullwidth ranges (Unicode 15, UAX #11).
    private static func isWide(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x1100...0x115F, 0x231A...0x231B, 0x2329...0x232A, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
            0xA000...0xA4CF, 0xA960...0xA97F, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE10...0xFE19, 0xFE30...0xFE6F, 0xFF00...0xFF60,
            0xFFE0...0xFFE6, 0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x2FFFD, 0x30000...0x3FFFD:
            true
        default: false
        }
    }
}

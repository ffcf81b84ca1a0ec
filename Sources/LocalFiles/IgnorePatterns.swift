import Foundation

/// The files an ASC MHL history leaves out: its latest generation's `<ignore>` patterns, which
/// ascmhl matches as git does (`gitwildmatch`) and carries into every later generation. A
/// pattern without a `/` (`*.tmp`, `cache`, `.DS_Store`) matches a file or folder of that name
/// at any depth, and everything under such a folder; one with a `/` inside matches the path from
/// the folder the history describes; a trailing `/` matches folders only. Negated patterns
/// (`!keep.tmp`) and comments are not ascmhl's practice and are read as no pattern.
public struct IgnorePatterns: Sendable, Equatable {
    /// The patterns as the history writes them, in order.
    public private(set) var patterns: [String]
    /// The same, parsed once: matching runs for every file and every folder above it. Plain
    /// names (no wildcard, no `/` inside) are looked up, not matched one by one, so a history
    /// of 10⁶ patterns costs linear time.
    private var rules: [Rule] = []
    private var names = Set<ExactPath>()
    private var folderNames = Set<ExactPath>()
    /// The patterns already held, so adding is linear too.
    private var held = Set<String>()

    /// A pattern parsed: a glob for a name at any depth, or (`anchored`) globs for the path's
    /// components from the history's folder, `**` among them; for folders only or not.
    private struct Rule: Sendable, Equatable {
        var segments: [String]
        var anchored: Bool
        var foldersOnly: Bool

        /// Nil for a comment, a negation (not ascmhl's practice) or an empty pattern.
        init?(_ raw: String) {
            guard !raw.hasPrefix("#"), !raw.hasPrefix("!") else { return nil }
            var pattern = IgnorePatterns.trimmed(raw)
            foldersOnly = pattern.hasSuffix("/")
            while pattern.hasSuffix("/") { pattern.removeLast() }
            guard !pattern.isEmpty else { return nil }
            anchored = pattern.contains("/")
            if anchored {
                // `**/**` is `**`: kept to one, so a pattern cannot make the match try every
                // split of a path many times over.
                segments = []
                for segment in pattern.split(separator: "/") where segment != "**" || segments.last != "**" { segments.append(String(segment)) }
            } else {
                segments = [pattern.replacingOccurrences(of: "**", with: "*")]
            }
        }
    }

    /// Those every generation carries (ascmhl's defaults).
    public static let defaults = [".DS_Store", "ascmhl", "ascmhl/"]

    public init(_ patterns: [String] = []) {
        self.patterns = []
        add(patterns)
    }

    /// Adds `more`, leaving out those already there.
    public mutating func add(_ more: [String]) {
        for pattern in more where !pattern.isEmpty && held.insert(pattern).inserted {
            patterns.append(pattern)
            guard let rule = Rule(pattern) else { continue }
            if !rule.anchored, !rule.segments[0].contains(where: { "*?[\\".contains($0) }) {
                if rule.foldersOnly { folderNames.insert(ExactPath(rule.segments[0])) } else { names.insert(ExactPath(rule.segments[0])) }
            } else {
                rules.append(rule)
            }
        }
    }

    /// Whether the file (or, with `isFolder`, the folder) at `path`, relative to the folder the
    /// history describes, is left out: by its own name, or because a folder above it is.
    public func matches(_ path: String, isFolder: Bool) -> Bool {
        let parts = path.split(separator: "/").map(String.init)
        for index in parts.indices {
            let folder = index < parts.count - 1 || isFolder
            let name = ExactPath(parts[index])
            if names.contains(name) || (folder && folderNames.contains(name)) { return true }
            for rule in rules where !rule.foldersOnly || folder {
                if rule.anchored ? Self.match(rule.segments, Array(parts[...index])) : Self.glob(rule.segments[0], parts[index]) { return true }
            }
        }
        return false
    }

    /// A pattern without the spaces git (and so ascmhl) drops from its end, unless escaped.
    static func trimmed(_ pattern: String) -> String {
        var text = pattern
        while text.hasSuffix(" ") && !text.hasSuffix("\\ ") { text.removeLast() }
        return text
    }

    /// Whether path components match pattern segments: `**` stands for any number of folders
    /// (none too, but not the whole rest of the path when it ends the pattern: `CLIPS/**` is what
    /// is inside CLIPS), any other segment for one component, as a shell glob. Each (segment,
    /// component) pair is decided once, so a pattern of many `**` cannot take exponential time.
    static func match(_ segments: [String], _ parts: [String]) -> Bool {
        var memo = [[Bool?]](repeating: [Bool?](repeating: nil, count: parts.count + 1), count: segments.count + 1)
        func from(_ s: Int, _ p: Int) -> Bool {
            if let known = memo[s][p] { return known }
            let result: Bool
            if s == segments.count {
                result = p == parts.count
            } else if segments[s] == "**" {
                result = s + 1 == segments.count ? p < parts.count : (p...parts.count).contains { from(s + 1, $0) }
            } else {
                result = p < parts.count && glob(segments[s], parts[p]) && from(s + 1, p + 1)
            }
            memo[s][p] = result
            return result
        }
        return from(0, 0)
    }

    /// Whether `name` matches the shell glob `pattern` (`*`, `?`, `[abc]`, `[a-z]`, `[!x]`, `\`
    /// escapes), in time proportional to the two lengths multiplied: each `*` is retried from
    /// the last one only (glibc's fnmatch backtracks over every `*`, which a pattern from a card
    /// could use to stall a verify).
    static func glob(_ pattern: String, _ name: String) -> Bool {
        let pattern = Array(pattern.unicodeScalars)
        let name = Array(name.unicodeScalars)
        var (p, n) = (0, 0)
        var star: (p: Int, n: Int)?
        while n < name.count {
            if p < pattern.count, pattern[p] == "*" {
                star = (p, n)
                p += 1
            } else if p < pattern.count, let width = one(pattern, at: p, matches: name[n]) {
                p += width
                n += 1
            } else if let last = star {
                star = (last.p, last.n + 1)
                (p, n) = (last.p + 1, last.n + 1)
            } else {
                return false
            }
        }
        while p < pattern.count, pattern[p] == "*" { p += 1 }
        return p == pattern.count
    }

    /// How much of `pattern` from `index` (one character, an escape or a bracket class) matches
    /// `scalar`, nil when it does not.
    private static func one(_ pattern: [Unicode.Scalar], at index: Int, matches scalar: Unicode.Scalar) -> Int? {
        switch pattern[index] {
        case "?": return 1
        case "\\" where index + 1 < pattern.count: return pattern[index + 1] == scalar ? 2 : nil
        case "[":
            var i = index + 1
            let negated = i < pattern.count && (pattern[i] == "!" || pattern[i] == "^")
            if negated { i += 1 }
            var found = false
            var first = true
            while i < pattern.count, pattern[i] != "]" || first {
                first = false
                if i + 2 < pattern.count, pattern[i + 1] == "-", pattern[i + 2] != "]" {
                    if pattern[i].value <= scalar.value && scalar.value <= pattern[i + 2].value { found = true }
                    i += 3
                } else {
                    if pattern[i] == scalar { found = true }
                    i += 1
                }
            }
            // No closing bracket: the `[` is itself.
            guard i < pattern.count else { return pattern[index] == scalar ? 1 : nil }
            return found != negated ? i + 1 - index : nil
        default: return pattern[index] == scalar ? 1 : nil
        }
    }
}

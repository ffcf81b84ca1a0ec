import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The files an ASC MHL history leaves out: its latest generation's `<ignore>` patterns, which
/// ascmhl matches as git does (`gitwildmatch`) and carries into every later generation. A
/// pattern without a `/` (`*.tmp`, `cache`, `.DS_Store`) matches a file or folder of that name
/// at any depth, and everything under such a folder; one with a `/` inside matches the path from
/// the folder the history describes; a trailing `/` matches folders only. Negated patterns
/// (`!keep.tmp`) and comments are not ascmhl's practice and are read as no pattern.
public struct IgnorePatterns: Sendable, Equatable {
    /// The patterns as the history writes them, in order.
    public private(set) var patterns: [String]

    /// Those every generation carries (ascmhl's defaults).
    public static let defaults = [".DS_Store", "ascmhl", "ascmhl/"]

    public init(_ patterns: [String] = []) {
        self.patterns = []
        add(patterns)
    }

    /// Adds `more`, leaving out those already there.
    public mutating func add(_ more: [String]) {
        for pattern in more where !pattern.isEmpty && !patterns.contains(pattern) { patterns.append(pattern) }
    }

    /// Whether the file (or, with `isFolder`, the folder) at `path`, relative to the folder the
    /// history describes, is left out: by its own name, or because a folder above it is.
    public func matches(_ path: String, isFolder: Bool) -> Bool {
        let parts = path.split(separator: "/").map(String.init)
        guard !parts.isEmpty else { return false }
        for index in parts.indices {
            let folder = index < parts.count - 1 || isFolder
            if matchesOne(parts[index], within: parts[...index].joined(separator: "/"), isFolder: folder) { return true }
        }
        return false
    }

    private func matchesOne(_ name: String, within path: String, isFolder: Bool) -> Bool {
        for raw in patterns where !raw.hasPrefix("#") && !raw.hasPrefix("!") {
            var pattern = Self.trimmed(raw)
            let foldersOnly = pattern.hasSuffix("/")
            while pattern.hasSuffix("/") { pattern.removeLast() }
            guard !pattern.isEmpty, !foldersOnly || isFolder else { continue }
            if pattern.contains("/") {
                while pattern.hasPrefix("/") { pattern.removeFirst() }
                // `**/**` is `**`: kept to one, so a pattern cannot make the match try every
                // split of a path many times over.
                var segments: [String] = []
                for segment in pattern.split(separator: "/") where segment != "**" || segments.last != "**" { segments.append(String(segment)) }
                if Self.match(segments[...], path.split(separator: "/").map(String.init)[...]) { return true }
            } else if fnmatch(pattern.replacingOccurrences(of: "**", with: "*"), name, 0) == 0 {
                return true
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
    /// is inside CLIPS), any other segment for one component, as a shell glob.
    static func match(_ segments: ArraySlice<String>, _ parts: ArraySlice<String>) -> Bool {
        guard let first = segments.first else { return parts.isEmpty }
        if first == "**" {
            let rest = segments.dropFirst()
            if rest.isEmpty { return !parts.isEmpty }
            for skip in 0...parts.count where match(rest, parts.dropFirst(skip)) { return true }
            return false
        }
        guard let part = parts.first, fnmatch(first, part, 0) == 0 else { return false }
        return match(segments.dropFirst(), parts.dropFirst())
    }
}

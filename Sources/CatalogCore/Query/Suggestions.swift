/// Finds the names closest to a mistyped one, for "did you mean" messages.
public enum Suggestions {
    /// Up to `limit` names within a small edit distance of `name` (case-insensitive), or sharing its prefix.
    public static func closest(to name: String, among names: [String], limit: Int = 3) -> [String] {
        let target = Array(name.lowercased())
        let scored = names.compactMap { candidate -> (String, Int)? in
            let lowered = candidate.lowercased()
            let distance = editDistance(target, Array(lowered))
            let threshold = max(1, min(3, target.count / 3))
            if distance <= threshold { return (candidate, distance) }
            if target.count >= 3, lowered.hasPrefix(String(target)) || String(target).hasPrefix(lowered) {
                return (candidate, threshold + 1)
            }
            return nil
        }
        return scored.sorted { ($0.1, $0.0) < ($1.1, $1.0) }.prefix(limit).map(\.0)
    }

    /// The Levenshtein distance between two character arrays.
    public static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}

extension Suggestions {
    /// ` Did you mean 'a' or 'b'?` for the names in `close` (each as `quote` writes it), or
    /// nothing when there are none: the one way every message offers what was meant.
    public static func didYouMean(_ close: [String], quote: (String) -> String = { "'\($0)'" }) -> String {
        close.isEmpty ? "" : " Did you mean \(close.map(quote).joined(separator: " or "))?"
    }
}

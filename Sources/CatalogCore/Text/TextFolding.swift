import Foundation

/// Text as filters compare it: case folded in every script (not only A–Z, as SQLite's `LIKE` and
/// `NOCASE` fold) and diacritics removed, as the full-text index removes them from words, so
/// `søren ødegaard` finds `Søren Ødegaard` and `uber archive` finds `Über Archive`.
public enum TextFolding {
    /// `text` folded: lower case, no diacritics, compatibility forms unified (`ﬁ` is `fi`).
    public static func fold(_ text: String) -> String {
        // ASCII needs only lower-casing: the common case, kept cheap.
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return text.lowercased() }
        return text.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
            .precomposedStringWithCompatibilityMapping.lowercased()
    }

    /// The name of the SQL function every catalog connection has that folds as ``fold(_:)``
    /// (`catalog_fold(name)`), for filters on names, paths and field values.
    public static let sqlFunction = "catalog_fold"
}

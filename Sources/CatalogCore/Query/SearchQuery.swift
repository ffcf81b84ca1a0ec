import Foundation

/// A parsed `catalog search` query: text clauses for the full-text index plus structured filters.
///
/// The grammar is documented in docs/query-language.md. Parsing never fails on odd text: words
/// that hold no searchable characters are dropped; only filters with bad names or values fail,
/// with an error naming them.
public struct SearchQuery: Sendable, Equatable {
    /// A word or phrase to look for.
    public struct Term: Sendable, Equatable {
        /// The text as typed (quotes removed).
        public var text: String
        /// Whether the text was quoted: its words must appear next to each other.
        public var isPhrase: Bool
        /// Whether it ended in `*`: its last word matches as a prefix.
        public var isPrefix: Bool

        /// Creates a term.
        public init(text: String, isPhrase: Bool = false, isPrefix: Bool = false) {
            self.text = text
            self.isPhrase = isPhrase
            self.isPrefix = isPrefix
        }
    }

    /// A filter with its polarity.
    public struct FilterClause: Sendable, Equatable {
        /// The filter.
        public var filter: Filter
        /// Whether it was written with a leading `-` (items matching it are excluded).
        public var isNegated: Bool

        /// Creates a clause.
        public init(_ filter: Filter, negated: Bool = false) {
            self.filter = filter
            self.isNegated = negated
        }
    }

    /// A condition of a boolean group: a word, a filter, all or any of conditions, or the
    /// negation of one (`(Brand:Acme OR hero) -(label:rejected OR draft)`).
    public indirect enum Condition: Sendable, Equatable {
        case term(Term)
        case filter(Filter)
        case all([Condition])
        case any([Condition])
        case not(Condition)
    }

    /// Clauses that must all match; each clause is one or more alternatives joined by `OR`.
    public var clauses: [[Term]] = []
    /// Terms whose items are excluded (`-word`, `-"a phrase"`).
    public var exclusions: [Term] = []
    /// Structured filters, all of which must hold.
    public var filters: [FilterClause] = []
    /// Conditions that must all hold besides those: groups mixing words and filters
    /// (`(Brand:Acme OR hero)`), alternatives of filters (`label:approved OR Rating:5`),
    /// negated groups.
    public var groups: [Condition] = []

    /// Creates an empty query.
    public init(clauses: [[Term]] = [], exclusions: [Term] = [], filters: [FilterClause] = [], groups: [Condition] = []) {
        self.clauses = clauses
        self.exclusions = exclusions
        self.filters = filters
        self.groups = groups
    }

    /// Whether the query asks for nothing at all.
    public var isEmpty: Bool { clauses.isEmpty && exclusions.isEmpty && filters.isEmpty && groups.isEmpty }

    /// The filters an item must satisfy to match (those not under a negation): one that nothing
    /// in the catalog can satisfy makes the whole query answer nothing.
    public var requiredFilters: [Filter] {
        func inside(_ condition: Condition, negated: Bool) -> [Filter] {
            switch condition {
            case .term: []
            case .filter(let filter): negated ? [] : [filter]
            case .all(let conditions): conditions.flatMap { inside($0, negated: negated) }
            // Any of several: each alternative may be the one that matches.
            case .any: []
            case .not(let condition): inside(condition, negated: !negated)
            }
        }
        return filters.filter { !$0.isNegated }.map(\.filter) + groups.flatMap { inside($0, negated: false) }
    }

    /// Every filter the query holds, in groups too (negated or not).
    public var allFilters: [Filter] {
        func inside(_ condition: Condition) -> [Filter] {
            switch condition {
            case .term: []
            case .filter(let filter): [filter]
            case .all(let conditions), .any(let conditions): conditions.flatMap(inside)
            case .not(let condition): inside(condition)
            }
        }
        return filters.map(\.filter) + groups.flatMap(inside)
    }

    /// Whether a term holds at least one character the full-text tokenizer indexes (a letter or digit).
    public static func isSearchable(_ text: String) -> Bool {
        text.unicodeScalars.contains { $0.properties.isAlphabetic || $0.properties.numericType != nil }
    }
}

import Foundation

/// A custom field as the query language sees it: its name, what kind of value it holds (which
/// decides whether `Field:>=4` compares numbers, dates or is refused) and, for a field of fixed
/// options, the options a value must name.
public struct SearchField: Sendable, Equatable {
    /// What a field holds, from the service's type name (V4 `field_type`, Dash `editControl`).
    public enum Kind: Sendable, Equatable {
        /// Numbers (V4 `number`, `rating`; Dash `NUMBER`): compared as numbers.
        case number
        /// Dates (V4 `date`; Dash `DATE…`): compared as dates.
        case date
        /// Options (V4 `select`, `select_multi`; Dash `DROPDOWN`, `CHECKBOX`, `TAGS`, …).
        case options
        /// People (V4 `user_single`, `user_multi`): matched by name.
        case people
        /// `true` or `false` (V4 `toggle`).
        case toggle
        /// Free text, or a type the catalog does not know: matched as text.
        case text

        /// The kind a service's type name stands for.
        public init(serviceType type: String, hasFixedOptions: Bool) {
            let name = type.lowercased()
            if name.contains("date") || name.contains("time") {
                self = .date
            } else if name == "number" || name == "rating" || name.contains("numer") || name.contains("decimal") || name.contains("integer") {
                self = .number
            } else if name.hasPrefix("user") || name == "people" {
                self = .people
            } else if name == "toggle" || name == "boolean" {
                self = .toggle
            } else if hasFixedOptions || name.hasPrefix("select") {
                self = .options
            } else {
                self = .text
            }
        }
    }

    /// The canonical name (`Brand`, `Review Status`).
    public var name: String
    public var kind: Kind
    /// The options a value may name (their paths, for a tree), nil when not known.
    public var options: [String]?
    /// For a field of people, the names of the people with each e-mail address (folded by
    /// ``TextFolding``): the field holds names, and a value may be an address. Nil when not
    /// known (then an address is looked for as it is).
    public var addresses: [String: [String]]?

    public init(name: String, kind: Kind = .text, options: [String]? = nil) {
        self.name = name
        self.kind = kind
        self.options = options
    }
}

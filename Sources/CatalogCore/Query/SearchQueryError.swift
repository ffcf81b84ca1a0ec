/// Why a search query could not be understood, with a message that names the culprit.
public enum SearchQueryError: CatalogFailure, Sendable, Equatable {
    public var failureClass: FailureClass { .usage }
    public var remedy: Remedy? { self == .empty ? .writeAQuery : nil }

    /// The query holds nothing to search for.
    case empty
    /// `name:` is not a known filter.
    case unknownFilter(name: String, suggestions: [String], fields: [String] = [])
    /// A known filter got a value it cannot use.
    case invalidValue(filter: String, value: String, expected: String)
    /// A field of fixed options has no option `value` (`"Review Status":Aproved`).
    case unknownValue(field: String, value: String, suggestions: [String])
    /// A filter nothing in the catalog can satisfy (`label:` with no labelled item, a folder or
    /// project of that name nowhere), with why and the closest values there are.
    case unsatisfiable(filter: String, value: String, reason: String, suggestions: [String])
    /// The query is longer than ``SearchQueryParser/maxLength``.
    case tooLong(length: Int, maximum: Int)

    /// A message for people.
    public var description: String {
        switch self {
        case .empty:
            return
                "the query is empty. Give words to find and/or filters, e.g. `interview kind:file ext:mov`."
        case .unknownFilter(let name, let suggestions, let fields):
            var text = "unknown filter '\(name):'."
            text += Suggestions.didYouMean(suggestions) { "'\(Self.quoted($0)):'" }
            text += " Known filters: \(Filter.names.joined(separator: ", "))."
            if !fields.isEmpty {
                let shown = fields.prefix(20).map(Self.quoted).joined(separator: ", ")
                text += " Custom fields: \(shown)\(fields.count > 20 ? ", …" : "")."
            }
            text += " To search for the text itself, put it in quotes: \"\(name):…\"."
            return text
        case .tooLong(let length, let maximum):
            return
                """
                the query is \(length) characters long, more than the \(maximum) accepted. Search for fewer words: a few distinctive ones find \
                as much.
                """
        case .unknownValue(let field, let value, let suggestions):
            var text = "\(Self.quoted(field)) has no option '\(value)', so nothing could match."
            text += Suggestions.didYouMean(suggestions)
            return text + " `catalog fields \"\(field)\"` lists its options."
        case .unsatisfiable(let filter, let value, let reason, let suggestions):
            var text = "'\(filter):\(value)' can match nothing: \(reason)."
            text += Suggestions.didYouMean(suggestions)
            return text
        case .invalidValue(let filter, let value, let expected):
            let shown = value.count > 40 ? String(value.prefix(40)) + "…" : value
            return "invalid value '\(shown)' for filter '\(filter):': expected \(expected)."
        }
    }

    /// A field name as it must be typed: quoted when it holds anything but letters, digits and `_`.
    static func quoted(_ name: String) -> String {
        name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" } ? name : "\"\(name)\""
    }
}

/// Why a search query could not be understood, with a message that names the culprit.
public enum SearchQueryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The query holds nothing to search for.
    case empty
    /// `name:` is not a known filter.
    case unknownFilter(name: String, suggestions: [String])
    /// A known filter got a value it cannot use.
    case invalidValue(filter: String, value: String, expected: String)

    /// A message for people.
    public var description: String {
        switch self {
        case .empty:
            return
                "the query is empty. Give words to find and/or filters, e.g. `catalog search interview kind:file ext:mov`; see `catalog search --help`."
        case .unknownFilter(let name, let suggestions):
            var text = "unknown filter '\(name):'."
            if !suggestions.isEmpty { text += " Did you mean \(suggestions.map { "'\($0):'" }.joined(separator: " or "))?" }
            text += " Known filters: \(Filter.names.joined(separator: ", ")). To search for the text itself, put it in quotes: \"\(name):…\"."
            return text
        case .invalidValue(let filter, let value, let expected):
            let shown = value.count > 40 ? String(value.prefix(40)) + "…" : value
            return "invalid value '\(shown)' for filter '\(filter):': expected \(expected)."
        }
    }
}

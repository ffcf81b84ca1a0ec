import Foundation

/// Parses the `catalog search` query language (docs/query-language.md) into a ``SearchQuery``.
public struct SearchQueryParser: Sendable {
    /// The longest query accepted, in characters; a longer one is refused (``SearchQueryError/tooLong(length:maximum:)``).
    public static let maxLength = 4096
    /// The most terms used; further terms are ignored so a pasted document cannot stall the index.
    public static let maxTerms = 64

    /// The custom fields `Name:value` filters may use (Dash and Frame.io V4 fields).
    public let searchFields: [SearchField]

    /// Their canonical names.
    public var fields: [String] { searchFields.map(\.name) }

    /// The moment relative dates (`updated:>7d`, `created:today`) count from.
    public let now: Date

    /// Creates a parser; `fields` are the custom fields the catalog knows (for `Brand:Acme`),
    /// as text fields; relative dates count back from `now`.
    public init(fields: [String] = [], now: Date = Date()) {
        self.init(searchFields: fields.map { SearchField(name: $0) }, now: now)
    }

    /// Creates a parser for the custom fields `searchFields`, with their kinds and options.
    public init(searchFields: [SearchField], now: Date = Date()) {
        self.searchFields = searchFields
        self.now = now
    }

    private enum Token: Equatable {
        case word(String)
        case phrase(String)
        case filter(name: String, values: [String], quotedName: Bool)
        case open
        case close
        case or
        case and
        case not
    }

    /// Parses `text`. Throws for filters with unknown names or bad values, and for an empty query.
    ///
    /// Precedence, loosest first: juxtaposition or `AND` (all must hold), then `OR` (either),
    /// then `-`/`NOT` (not), then parentheses: `a b OR c -d` is `a AND (b OR c) AND NOT d`.
    public func parse(_ text: String) throws(SearchQueryError) -> SearchQuery {
        let length = text.count
        guard length <= Self.maxLength else { throw .tooLong(length: length, maximum: Self.maxLength) }
        var reader = Reader(tokens: tokenize(text))
        let conditions = try all(&reader)
        var query = SearchQuery()
        for condition in conditions { place(condition, in: &query) }
        if query.isEmpty { throw .empty }
        return query
    }

    /// The tokens being parsed and the terms used so far.
    private struct Reader {
        var tokens: [Token]
        var index = 0
        var terms = 0
        var peek: Token? { index < tokens.count ? tokens[index] : nil }
        mutating func next() -> Token? {
            defer { index += 1 }
            return peek
        }
    }

    /// Conditions that must all hold, up to a closing parenthesis or the end.
    private func all(_ reader: inout Reader) throws(SearchQueryError) -> [SearchQuery.Condition] {
        var conditions: [SearchQuery.Condition] = []
        while let token = reader.peek, token != .close {
            if token == .and || token == .or {
                // `AND` is what juxtaposition means; an `OR` with nothing before it joins nothing.
                reader.index += 1
                continue
            }
            if let condition = try either(&reader) { conditions.append(condition) }
        }
        return conditions
    }

    /// One condition or several joined by `OR`.
    private func either(_ reader: inout Reader) throws(SearchQueryError) -> SearchQuery.Condition? {
        var alternatives: [SearchQuery.Condition] = []
        if let first = try unary(&reader) { alternatives.append(first) }
        while reader.peek == .or {
            reader.index += 1
            guard let token = reader.peek, token != .close, token != .and, token != .or else { break }
            if let next = try unary(&reader) { alternatives.append(next) }
        }
        if alternatives.count <= 1 { return alternatives.first }
        return .any(alternatives.flatMap { if case .any(let inner) = $0 { inner } else { [$0] } })
    }

    /// A condition, negated by each `-` or `NOT` before it.
    private func unary(_ reader: inout Reader) throws(SearchQueryError) -> SearchQuery.Condition? {
        guard let token = reader.next() else { return nil }
        switch token {
        case .not:
            guard let inner = try unary(&reader) else { return nil }
            if case .not(let double) = inner { return double }
            return .not(inner)
        case .open:
            let inner = try all(&reader)
            if reader.peek == .close { reader.index += 1 }
            return inner.count <= 1 ? inner.first : .all(inner)
        case .close, .or, .and:
            return nil
        case .filter(let name, let values, let quotedName):
            return try filterCondition(name: name, values: values, quotedName: quotedName)
        case .word(let raw), .phrase(let raw):
            var body = raw
            var isPrefix = false
            if case .word = token {
                while body.hasSuffix("*") {
                    body.removeLast()
                    isPrefix = true
                }
            } else if body.hasSuffix("*") {
                body.removeLast()
                isPrefix = true
            }
            var isPhrase = false
            if case .phrase = token { isPhrase = true }
            guard SearchQuery.isSearchable(body), reader.terms < Self.maxTerms else { return nil }
            reader.terms += 1
            return .term(SearchQuery.Term(text: body, isPhrase: isPhrase, isPrefix: isPrefix))
        }
    }

    /// Puts one top-level condition where the search runs it best: words in the full-text
    /// expression, simple filters apart, anything else as a group.
    private func place(_ condition: SearchQuery.Condition, in query: inout SearchQuery) {
        switch condition {
        case .term(let term): query.clauses.append([term])
        case .filter(let filter): query.filters.append(.init(filter))
        case .not(.term(let term)): query.exclusions.append(term)
        case .not(.filter(let filter)): query.filters.append(.init(filter, negated: true))
        case .all(let conditions): for inner in conditions { place(inner, in: &query) }
        case .any(let alternatives):
            let terms = alternatives.compactMap { if case .term(let term) = $0 { term } else { nil } }
            if terms.count == alternatives.count { query.clauses.append(terms) } else { query.groups.append(condition) }
        case .not: query.groups.append(condition)
        }
    }

    // MARK: - Tokens

    private func tokenize(_ text: String) -> [Token] {
        var tokens: [Token] = []
        let chars = Array(text.unicodeScalars)
        var i = 0
        var depth = 0
        func isSpace(_ c: Unicode.Scalar) -> Bool { c.properties.isWhitespace || c.value < 0x20 || c.value == 0x7F }
        /// Whether a `)` at `index` closes a group: one is open and the `)` ends a word.
        func closes(_ index: Int) -> Bool {
            depth > 0 && chars[index] == ")" && (index + 1 == chars.count || isSpace(chars[index + 1]) || chars[index + 1] == ")")
        }
        while i < chars.count {
            if isSpace(chars[i]) {
                i += 1
                continue
            }
            if chars[i] == "(" {
                tokens.append(.open)
                depth += 1
                i += 1
                continue
            }
            if closes(i) {
                tokens.append(.close)
                depth -= 1
                i += 1
                continue
            }
            if chars[i] == "-", i + 1 < chars.count, !isSpace(chars[i + 1]) {
                tokens.append(.not)
                i += 1
                continue
            }
            if chars[i] == "\"" {
                i += 1
                var body = String.UnicodeScalarView()
                while i < chars.count, chars[i] != "\"" {
                    body.append(chars[i])
                    i += 1
                }
                i += 1  // closing quote (or past the end)
                if i < chars.count, chars[i] == ":", !body.isEmpty, i + 1 < chars.count, !isSpace(chars[i + 1]) {
                    // "Field Name":value or "Field Name":"quoted value"
                    i += 1
                    tokens.append(.filter(name: String(body), values: readValues(chars, &i, isSpace: isSpace, closes: closes), quotedName: true))
                    continue
                }
                var phrase = String(body)
                if i < chars.count, chars[i] == "*" {
                    phrase += "*"
                    i += 1
                }
                tokens.append(.phrase(phrase))
                continue
            }
            var word = String.UnicodeScalarView()
            var filterName: String?
            while i < chars.count, !isSpace(chars[i]), !closes(i) {
                if chars[i] == ":", isFilterName(word), i + 1 < chars.count, !isSpace(chars[i + 1]) {
                    filterName = String(word)
                    i += 1
                    break
                }
                word.append(chars[i])
                i += 1
            }
            if let filterName {
                tokens.append(.filter(name: filterName, values: readValues(chars, &i, isSpace: isSpace, closes: closes), quotedName: false))
                continue
            }
            switch String(word) {
            case "OR": tokens.append(.or)
            case "AND": tokens.append(.and)
            case "NOT": tokens.append(.not)
            case let text: tokens.append(.word(text))
            }
        }
        return tokens
    }

    /// A filter's values after `:`: separated by `,` or `|`, each `"quoted"` (spaces, commas and
    /// bars kept) or up to the next separator or space.
    private func readValues(
        _ chars: [Unicode.Scalar], _ i: inout Int, isSpace: (Unicode.Scalar) -> Bool, closes: (Int) -> Bool
    ) -> [String] {
        var values: [String] = []
        var value = String.UnicodeScalarView()
        while i < chars.count, !isSpace(chars[i]), !closes(i) {
            if chars[i] == "\"" {
                i += 1
                while i < chars.count, chars[i] != "\"" {
                    value.append(chars[i])
                    i += 1
                }
                i += 1
                continue
            }
            if chars[i] == "," || chars[i] == "|" {
                values.append(String(value))
                value = String.UnicodeScalarView()
            } else {
                value.append(chars[i])
            }
            i += 1
        }
        values.append(String(value))
        return values.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// A filter name is ASCII letters (and `_`), 2 to 32 of them, so `12:30` or `C:\x` stay text;
    /// `open-comments` is `open_comments` spelt with a hyphen.
    private func isFilterName(_ word: String.UnicodeScalarView) -> Bool {
        if String(word).lowercased() == "open-comments" { return true }
        guard word.count >= 2, word.count <= 32 else { return false }
        return word.allSatisfy { ($0 >= "a" && $0 <= "z") || ($0 >= "A" && $0 <= "Z") || $0 == "_" }
    }

    // MARK: - Filters

    /// The condition of `name:values`: one filter, or (for filters of one value each, such as
    /// `size:` and dates) any of several.
    private func filterCondition(name rawName: String, values: [String], quotedName: Bool) throws(SearchQueryError) -> SearchQuery.Condition {
        let name = rawName.lowercased() == "open-comments" && !quotedName ? "open_comments" : rawName.lowercased()
        // A quoted name is always a custom field, so a field called "Type" stays reachable ("Type":x).
        if quotedName || !Filter.names.contains(name) {
            guard let field = searchFields.first(where: { $0.name.lowercased() == name }) else {
                throw .unknownFilter(
                    name: rawName, suggestions: Suggestions.closest(to: rawName, among: Filter.names + fields), fields: fields)
            }
            return try fieldCondition(field, values: values)
        }
        let joined = values.joined(separator: ",")
        switch name {
        case "state":
            let states = values.map { $0.uppercased() }
            guard !states.isEmpty, states.allSatisfy({ $0.allSatisfy { $0.isLetter || $0 == "_" } }) else {
                throw .invalidValue(filter: name, value: joined, expected: "a lifecycle state such as live, staged, pending_approval or binned")
            }
            return .filter(.state(states))
        case "type":
            let types = values.map { $0.lowercased() }
            guard !types.isEmpty, types.allSatisfy(Filter.mediaTypes.contains) else {
                throw .invalidValue(filter: name, value: joined, expected: "one of \(Filter.mediaTypes.joined(separator: ", "))")
            }
            return .filter(.mediaType(types))
        case "folder":
            let paths = values.map { $0.split(separator: "/").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
                .filter { !$0.isEmpty }
            guard !paths.isEmpty else { throw .invalidValue(filter: name, value: joined, expected: "a folder path such as \"Campaigns/2026\"") }
            return .filter(.folder(paths.map { $0.joined(separator: "/") }))
        case "kind":
            return .filter(.kind(try names(name, values, ItemKind.init(name:), emptyExpects: "a kind such as file or folder")))
        case "source":
            return .filter(.source(try names(name, values, Source.init(name:), emptyExpects: "frameio or dash")))
        case "project":
            guard !values.isEmpty else { throw .invalidValue(filter: name, value: joined, expected: "a project name, quoted if it has spaces") }
            return .filter(.project(values))
        case "ext":
            let exts = values.map { $0.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: ".")) }.filter { !$0.isEmpty }
            guard !exts.isEmpty else { throw .invalidValue(filter: name, value: joined, expected: "a file extension such as mov") }
            return .filter(.ext(exts))
        case "label":
            guard !values.isEmpty else { throw .invalidValue(filter: name, value: joined, expected: "a label such as approved") }
            return .filter(.label(values))
        case "size":
            return try anyOf(values, name: name, expected: "a size such as >1GB") { value throws(SearchQueryError) in try parseSize(value) }
        case "created", "updated", "uploaded":
            guard let dateField = Filter.DateField(rawValue: name) else { throw .unknownFilter(name: rawName, suggestions: [], fields: fields) }
            return try anyOf(values, name: name, expected: "a date such as >=2025-01-01") { value throws(SearchQueryError) in
                try parseDate(field: dateField, value: value)
            }
        case "comment":
            // Each value a phrase of its words (`*` at the end: a prefix), any of them.
            let terms = values.map { value in
                value.hasSuffix("*")
                    ? SearchQuery.Term(text: String(value.dropLast()), isPhrase: true, isPrefix: true) : SearchQuery.Term(text: value, isPhrase: true)
            }
            guard !terms.isEmpty, terms.allSatisfy({ SearchQuery.isSearchable($0.text) }) else {
                throw .invalidValue(filter: name, value: joined, expected: "words a comment holds, such as logo or \"too small\"")
            }
            return .filter(.comment(terms))
        case "commented", "open_comments":
            guard let flag = ["true": true, "yes": true, "false": false, "no": false][joined.lowercased()] else {
                throw .invalidValue(filter: name, value: joined, expected: "true or false")
            }
            return .filter(name == "commented" ? .commented(flag) : .openComments(flag))
        case "comments":
            return try anyOf(values, name: name, expected: "a number of comments such as >3, 0 or <=2") { value throws(SearchQueryError) in
                let (op, rest) = splitComparison(value)
                guard let count = Int(rest), count >= 0, count <= 1_000_000 else {
                    throw .invalidValue(filter: name, value: value, expected: "a number of comments such as >3, 0 or <=2")
                }
                return .commentCount(op, count)
            }
        case "xxh64":
            return try anyOf(values, name: name, expected: "16 hex digits") { value throws(SearchQueryError) in
                guard Digest.isXXH64Hex(value) else { throw .invalidValue(filter: name, value: value, expected: "16 hex digits") }
                return .digest(.xxh64, value.lowercased())
            }
        case "md5":
            return try anyOf(values, name: name, expected: "32 hex digits") { value throws(SearchQueryError) in
                guard Digest.isMD5Hex(value) else { throw .invalidValue(filter: name, value: value, expected: "32 hex digits") }
                return .digest(.md5, value.lowercased())
            }
        default:
            throw .unknownFilter(name: rawName, suggestions: Suggestions.closest(to: rawName, among: Filter.names + fields), fields: fields)
        }
    }

    /// Any of `values`, each made a filter by `make`.
    private func anyOf(
        _ values: [String], name: String, expected: String, _ make: (String) throws(SearchQueryError) -> Filter
    ) throws(SearchQueryError) -> SearchQuery.Condition {
        guard !values.isEmpty else { throw .invalidValue(filter: name, value: "", expected: expected) }
        var filters: [SearchQuery.Condition] = []
        for value in values { filters.append(.filter(try make(value))) }
        return filters.count == 1 ? filters[0] : .any(filters)
    }

    /// The condition of a custom field: values any of (for a field of options, each an option it
    /// has), or comparisons on a number or date field.
    private func fieldCondition(_ field: SearchField, values: [String]) throws(SearchQueryError) -> SearchQuery.Condition {
        guard !values.isEmpty else {
            throw .invalidValue(filter: field.name, value: "", expected: "a value, quoted if it has spaces (\"\(field.name)\":\"some value\")")
        }
        var plain: [String] = []
        var ranges: [SearchQuery.Condition] = []
        for value in values {
            if let range = try fieldRange(field, value) { ranges.append(.filter(range)) } else { plain.append(value) }
        }
        if field.kind == .toggle, let wrong = plain.first(where: { !["true", "false"].contains($0.lowercased()) }) {
            throw .invalidValue(filter: field.name, value: wrong, expected: "true or false (\(field.name) is a toggle)")
        }
        if field.kind == .number, let wrong = plain.first(where: { !$0.contains("*") && Double($0) == nil }) {
            throw .invalidValue(
                filter: field.name, value: wrong,
                expected: "a number, or a comparison such as >=4 or a range such as 3..5 (\(field.name) holds numbers)")
        }
        if field.kind == .people { plain = try Self.names(of: plain, in: field) }
        if let options = field.options, field.kind == .options || field.kind == .toggle, !options.isEmpty {
            for value in plain where !value.contains("*") && !Self.namesAnOption(value, options) {
                throw .unknownValue(field: field.name, value: value, suggestions: Suggestions.closest(to: value, among: options))
            }
        }
        let all = (plain.isEmpty ? [] : [SearchQuery.Condition.filter(.field(name: field.name, values: plain))]) + ranges
        return all.count == 1 ? all[0] : .any(all)
    }

    /// The values of a people field as the names it holds: an e-mail address (`mei@example.com`,
    /// case aside) stands for the names of the people who have it; another value is a name.
    /// An address no one in the catalog has is refused rather than matching nothing.
    static func names(of values: [String], in field: SearchField) throws(SearchQueryError) -> [String] {
        guard let addresses = field.addresses else { return values }
        var names: [String] = []
        for value in values {
            guard value.contains("@"), !value.contains("*") else {
                names.append(value)
                continue
            }
            guard let known = addresses[TextFolding.fold(value)] else {
                throw .unsatisfiable(
                    filter: SearchQueryError.quoted(field.name), value: value,
                    reason: "no one the catalog knows has that e-mail address (\(field.name) names people)",
                    suggestions: Suggestions.closest(to: value, among: addresses.keys.sorted()))
            }
            names += known
        }
        return names
    }

    /// Whether `value` names one of `options` (case and diacritics aside), or one of their
    /// ancestors in a tree (`Campaigns / 2026` of `Campaigns / 2026 / Spring`).
    static func namesAnOption(_ value: String, _ options: [String]) -> Bool {
        let wanted = TextFolding.fold(value)
        let separator = TextFolding.fold(CatalogFieldOption.pathSeparator)
        return options.contains { option in
            let folded = TextFolding.fold(option)
            return folded == wanted || folded.hasPrefix(wanted + separator)
        }
    }

    /// A comparison (`>=4`, `<2026-03`) or range (`3..5`) on a number or date field, nil for a
    /// plain value. On a field of text or options, a comparison is refused.
    private func fieldRange(_ field: SearchField, _ value: String) throws(SearchQueryError) -> Filter? {
        let (op, rest) = splitComparison(value)
        let range = op == .equal ? value.range(of: "..") : nil
        guard op != .equal || range != nil else {
            // A plain number on a number field is that number (`4.0` is `4`).
            if field.kind == .number, let number = Double(value), number.isFinite {
                return .fieldNumber(name: field.name, lower: .init(number, inclusive: true), upper: .init(number, inclusive: true))
            }
            // A plain value on a date field is that whole period.
            if field.kind == .date, !value.contains("*"),
                case .date(_, let lower, let upper) = try parseDate(field: .updated, value: value, filter: field.name)
            {
                return .fieldDate(name: field.name, lower: lower, upper: upper)
            }
            return nil
        }
        switch field.kind {
        case .number:
            let expected = "a number, a comparison such as >=4 or a range such as 3..5"
            if let range {
                guard let low = Double(value[..<range.lowerBound].trimmingCharacters(in: .whitespaces)),
                    let high = Double(value[range.upperBound...].trimmingCharacters(in: .whitespaces))
                else { throw .invalidValue(filter: field.name, value: value, expected: expected) }
                return .fieldNumber(name: field.name, lower: .init(low, inclusive: true), upper: .init(high, inclusive: true))
            }
            guard let number = Double(rest), number.isFinite else { throw .invalidValue(filter: field.name, value: value, expected: expected) }
            switch op {
            case .greater: return .fieldNumber(name: field.name, lower: .init(number, inclusive: false), upper: nil)
            case .greaterOrEqual: return .fieldNumber(name: field.name, lower: .init(number, inclusive: true), upper: nil)
            case .less: return .fieldNumber(name: field.name, lower: nil, upper: .init(number, inclusive: false))
            case .lessOrEqual: return .fieldNumber(name: field.name, lower: nil, upper: .init(number, inclusive: true))
            case .equal: return .fieldNumber(name: field.name, lower: .init(number, inclusive: true), upper: .init(number, inclusive: true))
            }
        case .date:
            if let range {
                let (from, to) = (String(value[..<range.lowerBound]), String(value[range.upperBound...]))
                guard case .date(_, let lower, _) = try parseDate(field: .updated, value: ">=" + from, filter: field.name),
                    case .date(_, _, let upper) = try parseDate(field: .updated, value: "<=" + to, filter: field.name)
                else { return nil }
                return .fieldDate(name: field.name, lower: lower, upper: upper)
            }
            guard case .date(_, let lower, let upper) = try parseDate(field: .updated, value: value, filter: field.name) else { return nil }
            return .fieldDate(name: field.name, lower: lower, upper: upper)
        case .text, .options, .people, .toggle:
            throw .invalidValue(
                filter: field.name, value: value,
                expected:
                    """
                    a value (\(field.name) holds \
                    \(field.kind == .options ? "options" : field.kind == .people ? "people" : field.kind == .toggle ? "true or false" : "text"), \
                    so it cannot be compared; comparisons work on number and date fields)
                    """
            )
        }
    }

    /// The comma- or bar-separated names of `value` read by `make`; a name it does not know, or
    /// none at all, is refused naming the values it takes.
    private func names<T: CaseIterable & RawRepresentable>(
        _ filter: String, _ values: [String], _ make: (String) -> T?, emptyExpects: String
    ) throws(SearchQueryError) -> [T] where T.RawValue == String {
        var parsed: [T] = []
        for part in values {
            guard let one = make(part) else {
                throw .invalidValue(filter: filter, value: part, expected: "one of \(T.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            parsed.append(one)
        }
        guard !parsed.isEmpty else { throw .invalidValue(filter: filter, value: "", expected: emptyExpects) }
        return parsed
    }

    private func splitComparison(_ value: String) -> (Filter.Comparison, String) {
        for op in [Filter.Comparison.greaterOrEqual, .lessOrEqual, .greater, .less, .equal] where value.hasPrefix(op.rawValue) {
            return (op, String(value.dropFirst(op.rawValue.count)).trimmingCharacters(in: .whitespaces))
        }
        return (.equal, value)
    }

    private func parseSize(_ value: String) throws(SearchQueryError) -> Filter {
        let (op, rest) = splitComparison(value)
        guard let size = ByteSize(rest) else {
            throw .invalidValue(
                filter: "size", value: value,
                expected: "a size such as >1GB, <10MB, >=500KiB or 1234 (units B KB MB GB TB = powers of 1000, KiB MiB GiB TiB = powers of 1024)")
        }
        return .size(op, size.bytes)
    }

    private func parseDate(field: Filter.DateField, value: String, filter: String? = nil) throws(SearchQueryError) -> Filter {
        let (op, rest) = splitComparison(value)
        let expected = "a date such as >=2025-01-01, <2025-06, 2024 or >2025-01-31T12:00:00Z, or a relative one: >7d, <=2w, 12h, today, yesterday"
        // An age (`7d`: the moment 7 days ago): later than it is newer, earlier is older; alone,
        // it means since then.
        if let moment = relativeMoment(rest) {
            switch op {
            case .equal, .greaterOrEqual, .greater: return .date(field, lower: moment, upper: nil)
            case .less, .lessOrEqual: return .date(field, lower: nil, upper: moment)
            }
        }
        let day: (Date, Date)? =
            switch rest.lowercased() {
            case "today": todayUTC()
            case "yesterday": todayUTC().map { ($0.0.addingTimeInterval(-86_400), $0.0) }
            default: nil
            }
        guard let (start, end) = day ?? Timestamp.parse(rest).flatMap({ start in Timestamp.endOfPeriod(rest, from: start).map { (start, $0) } })
        else {
            throw .invalidValue(filter: filter ?? field.rawValue, value: value, expected: expected)
        }
        switch op {
        case .equal: return .date(field, lower: start, upper: end)
        case .greaterOrEqual: return .date(field, lower: start, upper: nil)
        case .greater: return .date(field, lower: end, upper: nil)
        case .less: return .date(field, lower: nil, upper: start)
        case .lessOrEqual: return .date(field, lower: nil, upper: end)
        }
    }

    /// A moment as `catalog changes --since` takes it: an age (`7d`, `12h`, `2w`: that long before
    /// ``now``), `today`, `yesterday`, a weekday (`monday`: the last Monday's midnight UTC, today's
    /// when today is one), or a date or instant (its start). Nil for anything else.
    public func moment(_ text: String) -> Date? {
        let word = text.trimmingCharacters(in: .whitespaces).lowercased()
        if let age = relativeMoment(word) { return age }
        guard let (midnight, _) = todayUTC() else { return nil }
        switch word {
        case "today": return midnight
        case "yesterday": return midnight.addingTimeInterval(-86_400)
        default: break
        }
        let weekdays = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"]
        if let wanted = weekdays.firstIndex(where: { $0 == word || (word.count >= 3 && $0.hasPrefix(word)) }) {
            // 1970-01-01 was a Thursday (4).
            let today = (Int(midnight.timeIntervalSince1970 / 86_400) + 4) % 7
            return midnight.addingTimeInterval(-Double((today - wanted + 7) % 7) * 86_400)
        }
        return Timestamp.parse(text.trimmingCharacters(in: .whitespaces))
    }

    /// `12h`, `7d`, `2w` (hours, days, weeks; up to 100 years) as the moment that long before ``now``.
    private func relativeMoment(_ text: String) -> Date? {
        guard let unit = text.last, let count = Int(text.dropLast()), count >= 0 else { return nil }
        let seconds: Double
        switch unit {
        case "h", "H": seconds = 3_600
        case "d", "D": seconds = 86_400
        case "w", "W": seconds = 604_800
        default: return nil
        }
        guard Double(count) * seconds <= 100 * 365.25 * 86_400 else { return nil }
        return now.addingTimeInterval(-Double(count) * seconds)
    }

    /// Today (UTC) as a period: its midnight and the next.
    private func todayUTC() -> (Date, Date)? {
        let midnight = (now.timeIntervalSince1970 / 86_400).rounded(.down) * 86_400
        return (Date(timeIntervalSince1970: midnight), Date(timeIntervalSince1970: midnight + 86_400))
    }
}

import Foundation

/// Parses the `catalog search` query language (docs/query-language.md) into a ``SearchQuery``.
public struct SearchQueryParser: Sendable {
    /// The longest query accepted, in characters; a longer one is refused (``SearchQueryError/tooLong(length:maximum:)``).
    public static let maxLength = 4096
    /// The most terms used; further terms are ignored so a pasted document cannot stall the index.
    public static let maxTerms = 64

    /// The custom field names `Name:value` filters may use (Dash fields), canonical spelling.
    public let fields: [String]

    /// The moment relative dates (`updated:>7d`, `created:today`) count from.
    public let now: Date

    /// Creates a parser; `fields` are the custom fields the catalog knows (for `Brand:Acme`);
    /// relative dates count back from `now`.
    public init(fields: [String] = [], now: Date = Date()) {
        self.fields = fields
        self.now = now
    }

    private enum Token: Equatable {
        case word(String, negated: Bool)
        case phrase(String, negated: Bool)
        case filter(name: String, value: String, negated: Bool, quotedName: Bool = false)
        case or
    }

    /// Parses `text`. Throws only for filters with unknown names or bad values, and for an empty query.
    public func parse(_ text: String) throws(SearchQueryError) -> SearchQuery {
        let length = text.count
        guard length <= Self.maxLength else { throw .tooLong(length: length, maximum: Self.maxLength) }
        let tokens = tokenize(text)
        var query = SearchQuery()
        var pendingOr = false
        var termCount = 0
        for token in tokens {
            switch token {
            case .or:
                pendingOr = !query.clauses.isEmpty
            case .filter(let name, let value, let negated, let quotedName):
                pendingOr = false
                query.filters.append(.init(try parseFilter(name: name, value: value, quotedName: quotedName), negated: negated))
            case .word(let raw, let negated), .phrase(let raw, let negated):
                var isPrefix = false
                var body = raw
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
                guard SearchQuery.isSearchable(body), termCount < Self.maxTerms else {
                    pendingOr = false
                    continue
                }
                termCount += 1
                let term = SearchQuery.Term(text: body, isPhrase: isPhrase, isPrefix: isPrefix)
                if negated {
                    query.exclusions.append(term)
                    pendingOr = false
                } else if pendingOr, !query.clauses.isEmpty {
                    query.clauses[query.clauses.count - 1].append(term)
                    pendingOr = false
                } else {
                    query.clauses.append([term])
                }
            }
        }
        if query.clauses.isEmpty && query.filters.isEmpty {
            // Only exclusions (or nothing searchable): there is nothing to rank or list.
            if query.exclusions.isEmpty { throw .empty }
        }
        return query
    }

    // MARK: - Tokens

    private func tokenize(_ text: String) -> [Token] {
        var tokens: [Token] = []
        let chars = Array(text.unicodeScalars)
        var i = 0
        func isSpace(_ c: Unicode.Scalar) -> Bool { c.properties.isWhitespace || c.value < 0x20 || c.value == 0x7F }
        while i < chars.count {
            if isSpace(chars[i]) {
                i += 1
                continue
            }
            var negated = false
            if chars[i] == "-", i + 1 < chars.count, !isSpace(chars[i + 1]) {
                negated = true
                i += 1
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
                    let value = readValue(chars, &i, isSpace: isSpace)
                    tokens.append(.filter(name: String(body), value: value, negated: negated, quotedName: true))
                    continue
                }
                var phrase = String(body)
                if i < chars.count, chars[i] == "*" {
                    phrase += "*"
                    i += 1
                }
                tokens.append(.phrase(phrase, negated: negated))
                continue
            }
            var word = String.UnicodeScalarView()
            var filterName: String?
            while i < chars.count, !isSpace(chars[i]) {
                if chars[i] == ":", filterName == nil, isFilterName(word) {
                    filterName = String(word)
                    i += 1
                    if i < chars.count, chars[i] == "\"" {
                        // name:"quoted value"
                        i += 1
                        var value = String.UnicodeScalarView()
                        while i < chars.count, chars[i] != "\"" {
                            value.append(chars[i])
                            i += 1
                        }
                        i += 1
                        word = value
                        break
                    }
                    word = String.UnicodeScalarView()
                    continue
                }
                word.append(chars[i])
                i += 1
            }
            let text = String(word)
            if let filterName {
                tokens.append(.filter(name: filterName, value: text, negated: negated))
            } else if text == "OR" && !negated {
                tokens.append(.or)
            } else {
                tokens.append(.word(text, negated: negated))
            }
        }
        return tokens
    }

    /// A filter value after `:`: `"quoted"` (spaces allowed) or up to the next space.
    private func readValue(_ chars: [Unicode.Scalar], _ i: inout Int, isSpace: (Unicode.Scalar) -> Bool) -> String {
        var value = String.UnicodeScalarView()
        if i < chars.count, chars[i] == "\"" {
            i += 1
            while i < chars.count, chars[i] != "\"" {
                value.append(chars[i])
                i += 1
            }
            i += 1
        } else {
            while i < chars.count, !isSpace(chars[i]) {
                value.append(chars[i])
                i += 1
            }
        }
        return String(value)
    }

    /// A filter name is ASCII letters (and `_`), 2 to 32 of them, so `12:30` or `C:\x` stay text.
    private func isFilterName(_ word: String.UnicodeScalarView) -> Bool {
        guard word.count >= 2, word.count <= 32 else { return false }
        return word.allSatisfy { ($0 >= "a" && $0 <= "z") || ($0 >= "A" && $0 <= "Z") || $0 == "_" }
    }

    // MARK: - Filters

    private func parseFilter(name rawName: String, value: String, quotedName: Bool) throws(SearchQueryError) -> Filter {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        let name = rawName.lowercased()
        // A quoted name is always a custom field, so a field called "Type" stays reachable ("Type":x).
        if quotedName || !Filter.names.contains(name) {
            guard let field = fields.first(where: { $0.lowercased() == name }) else {
                throw .unknownFilter(
                    name: rawName, suggestions: Suggestions.closest(to: rawName, among: Filter.names + fields), fields: fields)
            }
            guard !trimmed.isEmpty else {
                throw .invalidValue(filter: field, value: value, expected: "a value, quoted if it has spaces (\"\(field)\":\"some value\")")
            }
            return .field(name: field, value: trimmed)
        }
        switch name {
        case "state":
            let states = list(trimmed).map { $0.uppercased() }
            guard !states.isEmpty, states.allSatisfy({ $0.allSatisfy { $0.isLetter || $0 == "_" } }) else {
                throw .invalidValue(filter: name, value: value, expected: "a lifecycle state such as live, staged, pending_approval or binned")
            }
            return .state(states)
        case "type":
            let types = list(trimmed).map { $0.lowercased() }
            guard !types.isEmpty, types.allSatisfy(Filter.mediaTypes.contains) else {
                throw .invalidValue(filter: name, value: value, expected: "one of \(Filter.mediaTypes.joined(separator: ", "))")
            }
            return .mediaType(types)
        case "folder":
            let path = trimmed.split(separator: "/").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            guard !path.isEmpty else { throw .invalidValue(filter: name, value: value, expected: "a folder path such as \"Campaigns/2026\"") }
            return .folder(path.joined(separator: "/"))
        case "kind":
            return .kind(try names(name, value, ItemKind.init(name:), emptyExpects: "a kind such as file or folder"))
        case "source":
            return .source(try names(name, value, Source.init(name:), emptyExpects: "frameio or dash"))
        case "project":
            guard !trimmed.isEmpty else { throw .invalidValue(filter: name, value: value, expected: "a project name, quoted if it has spaces") }
            return .project(trimmed)
        case "ext":
            let exts = list(trimmed).map { $0.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: ".")) }.filter { !$0.isEmpty }
            guard !exts.isEmpty else { throw .invalidValue(filter: name, value: value, expected: "a file extension such as mov") }
            return .ext(exts)
        case "label":
            guard !trimmed.isEmpty else { throw .invalidValue(filter: name, value: value, expected: "a label such as approved") }
            return .label(trimmed)
        case "size":
            return try parseSize(trimmed)
        case "created", "updated", "uploaded":
            guard let dateField = Filter.DateField(rawValue: name) else { throw .unknownFilter(name: rawName, suggestions: [], fields: fields) }
            return try parseDate(field: dateField, value: trimmed)
        case "xxh64":
            guard Digest.isXXH64Hex(trimmed) else { throw .invalidValue(filter: name, value: value, expected: "16 hex digits") }
            return .digest(.xxh64, trimmed.lowercased())
        case "md5":
            guard Digest.isMD5Hex(trimmed) else { throw .invalidValue(filter: name, value: value, expected: "32 hex digits") }
            return .digest(.md5, trimmed.lowercased())
        default:
            throw .unknownFilter(name: rawName, suggestions: Suggestions.closest(to: rawName, among: Filter.names + fields), fields: fields)
        }
    }

    /// The comma- or bar-separated names of `value` read by `make`; a name it does not know, or
    /// none at all, is refused naming the values it takes.
    private func names<T: CaseIterable & RawRepresentable>(
        _ filter: String, _ value: String, _ make: (String) -> T?, emptyExpects: String
    ) throws(SearchQueryError) -> [T] where T.RawValue == String {
        var parsed: [T] = []
        for part in list(value.trimmingCharacters(in: .whitespaces)) {
            guard let one = make(part) else {
                throw .invalidValue(filter: filter, value: part, expected: "one of \(T.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            parsed.append(one)
        }
        guard !parsed.isEmpty else { throw .invalidValue(filter: filter, value: value, expected: emptyExpects) }
        return parsed
    }

    private func list(_ value: String) -> [String] {
        value.split(whereSeparator: { $0 == "," || $0 == "|" }).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    private func splitComparison(_ value: String) -> (Filter.Comparison, String) {
        for op in [Filter.Comparison.greaterOrEqual, .lessOrEqual, .greater, .less, .equal] where value.hasPrefix(op.rawValue) {
            return (op, String(value.dropFirst(op.rawValue.count)).trimmingCharacters(in: .whitespaces))
        }
        return (.equal, value)
    }

    private static let sizeUnits: [String: Double] = [
        "": 1, "b": 1,
        "k": 1e3, "kb": 1e3, "m": 1e6, "mb": 1e6, "g": 1e9, "gb": 1e9, "t": 1e12, "tb": 1e12,
        "kib": 1024, "mib": 1_048_576, "gib": 1_073_741_824, "tib": 1_099_511_627_776,
    ]

    /// A byte count written as in `size:` filters (`500MB`, `1GiB`, `1234`).
    public func byteCount(_ value: String) throws(SearchQueryError) -> Int64 {
        guard case .size(_, let bytes) = try parseSize(value), value.first.map({ !"<>=".contains($0) }) ?? false else {
            throw .invalidValue(filter: "size", value: value, expected: "a size such as 500MB, 1GiB or 1234")
        }
        return bytes
    }

    private func parseSize(_ value: String) throws(SearchQueryError) -> Filter {
        let (op, rest) = splitComparison(value)
        let expected = "a size such as >1GB, <10MB, >=500KiB or 1234 (units B KB MB GB TB = powers of 1000, KiB MiB GiB TiB = powers of 1024)"
        let numberPart = rest.prefix { $0.isNumber || $0 == "." }
        let unit = rest.dropFirst(numberPart.count).trimmingCharacters(in: .whitespaces).lowercased()
        guard let number = Double(numberPart), number.isFinite, let scale = Self.sizeUnits[unit] else {
            throw .invalidValue(filter: "size", value: value, expected: expected)
        }
        let bytes = number * scale
        guard bytes < 9e18 else { throw .invalidValue(filter: "size", value: value, expected: expected) }
        return .size(op, Int64(bytes.rounded()))
    }

    private func parseDate(field: Filter.DateField, value: String) throws(SearchQueryError) -> Filter {
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
            throw .invalidValue(filter: field.rawValue, value: value, expected: expected)
        }
        switch op {
        case .equal: return .date(field, lower: start, upper: end)
        case .greaterOrEqual: return .date(field, lower: start, upper: nil)
        case .greater: return .date(field, lower: end, upper: nil)
        case .less: return .date(field, lower: nil, upper: start)
        case .lessOrEqual: return .date(field, lower: nil, upper: end)
        }
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

import CatalogCore
import Foundation
import GRDB

/// Translates a ``SearchQuery`` into one parameterised SQL statement.
///
/// User text never reaches SQL or FTS5 syntax: every term becomes an FTS5 string literal
/// (double quotes doubled), combined with the operators the query language allows; filter
/// values are bound as statement arguments.
struct SearchSQL {
    /// The statement text.
    let sql: String
    /// Its arguments.
    let arguments: StatementArguments

    /// bm25 column weights for (name, path, label, text): a name hit outranks a path hit.
    static let weights = "10.0, 2.0, 4.0, 1.0"

    init(query: SearchQuery, limit: Int) {
        var conditions: [String] = []
        var arguments = StatementArguments()
        for clause in query.filters {
            let (condition, values) = Self.condition(for: clause.filter)
            conditions.append(clause.isNegated ? "NOT coalesce((\(condition)), 0)" : "(\(condition))")
            arguments += values
        }
        let positive = Self.matchExpression(query.clauses)
        let negative = query.exclusions.isEmpty ? nil : Self.alternatives(query.exclusions)
        if let positive {
            let match = negative.map { "(\(positive)) NOT \($0)" } ?? positive
            // Rank in a narrow inner query (rowid, score, path) and fetch the full rows only for
            // the page returned: sorting whole rows, raw JSON included, for every match doubled
            // the time of a broad query.
            var inner = "SELECT item.seq AS hit, bm25(item_fts, \(Self.weights)) AS score, item.path AS path"
            inner += " FROM item_fts JOIN item ON item.seq = item_fts.rowid WHERE item_fts MATCH ?"
            var all = StatementArguments([match])
            if !conditions.isEmpty {
                inner += " AND " + conditions.joined(separator: " AND ")
                all += arguments
            }
            inner += " ORDER BY score, path LIMIT ?"
            all += [limit]
            sql = "SELECT \(ItemRow.selection) FROM (\(inner)) AS top JOIN item ON item.seq = top.hit ORDER BY top.score, top.path"
            self.arguments = all
        } else {
            if let negative {
                conditions.append("item.seq NOT IN (SELECT rowid FROM item_fts WHERE item_fts MATCH ?)")
                arguments += [negative]
            }
            let whereClause = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
            sql = "SELECT \(ItemRow.selection) FROM item\(whereClause) ORDER BY item.path LIMIT ?"
            arguments += [limit]
            self.arguments = arguments
        }
    }

    /// The FTS5 expression for clauses that must all match, or nil when there are none.
    static func matchExpression(_ clauses: [[SearchQuery.Term]]) -> String? {
        guard !clauses.isEmpty else { return nil }
        return clauses.map { $0.count == 1 ? literal($0[0]) : alternatives($0) }.joined(separator: " AND ")
    }

    /// `(t1 OR t2 …)`.
    static func alternatives(_ terms: [SearchQuery.Term]) -> String {
        "(" + terms.map(literal).joined(separator: " OR ") + ")"
    }

    /// A term as an FTS5 string (a phrase of its tokens), with `*` for a prefix.
    static func literal(_ term: SearchQuery.Term) -> String {
        let cleaned = term.text.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }
        let escaped = String(String.UnicodeScalarView(cleaned)).replacingOccurrences(of: "\"", with: "\"\"")
        return "\"" + escaped + "\"" + (term.isPrefix ? "*" : "")
    }

    /// SQL for one filter and its arguments.
    static func condition(for filter: Filter) -> (String, StatementArguments) {
        switch filter {
        case .kind(let kinds):
            return ("item.kind IN (\(placeholders(kinds.count)))", StatementArguments(kinds.map(\.rawValue)))
        case .source(let sources):
            return ("item.source IN (\(placeholders(sources.count)))", StatementArguments(sources.map(\.rawValue)))
        case .project(let name):
            let pattern = likePattern(name)
            return (
                "item.project_id IN (SELECT p.id FROM item p WHERE p.kind = 'project' AND p.name LIKE ? ESCAPE '\\')",
                [pattern]
            )
        case .ext(let exts):
            return ("item.ext IN (\(placeholders(exts.count)))", StatementArguments(exts))
        case .label(let label):
            return ("item.label = ? COLLATE NOCASE", [label])
        case .size(let comparison, let bytes):
            return ("item.size \(comparison.rawValue) ?", [bytes])
        case .date(let field, let lower, let upper):
            let column = "item.\(field.rawValue)_at"
            var parts: [String] = []
            var values = StatementArguments()
            if let lower {
                parts.append("\(column) >= ?")
                values += [Timestamp.format(lower)]
            }
            if let upper {
                parts.append("\(column) < ?")
                values += [Timestamp.format(upper)]
            }
            return (parts.isEmpty ? "1" : parts.joined(separator: " AND "), values)
        case .digest(let algorithm, let hex):
            return ("item.\(algorithm == .md5 ? "md5" : "xxh64") = ?", [hex])
        }
    }

    private static func placeholders(_ count: Int) -> String {
        Array(repeating: "?", count: count).joined(separator: ", ")
    }

    /// A LIKE pattern matching `name` case-insensitively, with `*` as the only wildcard.
    static func likePattern(_ name: String) -> String {
        var pattern = ""
        for c in name {
            switch c {
            case "%", "_", "\\": pattern += "\\\(c)"
            case "*": pattern += "%"
            default: pattern.append(c)
            }
        }
        return pattern
    }
}

import CatalogCore
import Foundation
import GRDB

/// Translates a ``SearchQuery`` into parameterised SQL statements.
///
/// User text never reaches SQL or FTS5 syntax: every term becomes an FTS5 string literal
/// (double quotes doubled), combined with the operators the query language allows; filter
/// values are bound as statement arguments.
///
/// A query with words matching at most ``candidateLimit`` rows is ranked with bm25. bm25 costs
/// more than the rows it ranks: it counts every row holding each word in the whole catalog, so a
/// common word costs tens of milliseconds at a million items however few rows are ranked.
/// Broader queries are therefore ordered without it, in tiers (docs/query-language.md): first
/// the rows whose *name* matches (read from the names-only index `item_name_fts`), shortest
/// name first, then the others, shortest path first; each tier orders only its first
/// ``windowSize`` rows in catalog order at a time, so any query costs a few thousand rows.
struct SearchSQL {
    /// One statement and its arguments.
    struct Statement {
        /// The statement text.
        var sql: String
        /// Its arguments.
        var arguments: StatementArguments
    }

    /// bm25 column weights for (name, path, label, text): a name hit outranks a path hit.
    static let weights = "10.0, 2.0, 4.0, 1.0"

    /// The most rows a tier ranks (see the type's documentation).
    static let candidateLimit = 2_000

    /// How many candidates a broad query's tier orders at a time.
    static let windowSize = 1_000

    /// The FTS5 expression every result must match (nil for a filter-only query).
    let match: String?
    /// The FTS5 expression of the words alone, without exclusions, for the names-only index.
    let nameMatch: String?
    /// SQL conditions on `item` for the filters, all of which must hold.
    let conditions: [String]
    /// The conditions' arguments.
    let conditionArguments: StatementArguments
    /// The exclusions, for a query that has no positive words.
    let negative: String?
    /// The most rows returned.
    let limit: Int
    /// Whether a word is a prefix (`interv*`).
    let hasPrefix: Bool
    /// A filter-only query's size range (`size:>3GB`, not negated), which may pick its rows more
    /// narrowly than the other filters: see ``sizeProbe`` and ``drivenBySize``.
    let sizeRange: (condition: String, arguments: StatementArguments)?
    /// Whether the rows are read through the size index (set after ``sizeProbe`` found the range
    /// narrow). SQLite's planner, without histograms (Debian builds no STAT4), prefers any
    /// equality index to a range: `size:>3GB label:approved` read every approved row (a third
    /// of a million at 1M items, 1.4 s) to find none larger than 3 GB.
    var drivenBySize = false

    init(query: SearchQuery, limit: Int) {
        var conditions: [String] = []
        var arguments = StatementArguments()
        for clause in query.filters {
            let (condition, values) = Self.condition(for: clause.filter)
            conditions.append(clause.isNegated ? "NOT coalesce((\(condition)), 0)" : "(\(condition))")
            arguments += values
        }
        self.conditions = conditions
        self.conditionArguments = arguments
        self.limit = limit
        hasPrefix = query.clauses.contains { $0.contains(where: \.isPrefix) }
        let positive = Self.matchExpression(query.clauses)
        let negative = query.exclusions.isEmpty ? nil : Self.alternatives(query.exclusions)
        self.negative = negative
        sizeRange =
            positive == nil
            ? query.filters.lazy.compactMap { clause -> (String, StatementArguments)? in
                guard !clause.isNegated, case .size = clause.filter else { return nil }
                return Self.condition(for: clause.filter)
            }.first : nil
        if let positive {
            match = negative.map { "(\(positive)) NOT \($0)" } ?? positive
            nameMatch = positive
        } else {
            match = nil
            nameMatch = nil
        }
    }

    /// The plan for `query` in `db`: read through the size index when its size range holds at most
    /// ``candidateLimit`` rows (one probe of that index).
    static func planned(_ query: SearchQuery, limit: Int, in db: Database) throws -> SearchSQL {
        var plan = SearchSQL(query: query, limit: max(0, limit))
        if let probe = plan.sizeProbe {
            plan.drivenBySize = try Int.fetchOne(db, sql: probe.sql, arguments: probe.arguments) ?? 0 <= candidateLimit
        }
        return plan
    }

    /// The filter conditions joined for a WHERE clause that already has a first condition.
    private var andConditions: String {
        conditions.isEmpty ? "" : " AND " + conditions.joined(separator: " AND ")
    }

    /// The FROM and WHERE clauses of every result, on `item`: with words, the full-text index
    /// joined to `item`, so rows stream from the index in rowid order and a LIMIT stops the read
    /// early (an `item.seq IN (SELECT rowid … MATCH ?)` would first collect every match: a
    /// million rowids for a common word); without, `item` itself, less the exclusions.
    private var membership: (clause: String, arguments: StatementArguments) {
        if let match {
            var arguments: StatementArguments = [match]
            arguments += conditionArguments
            return (" JOIN item_fts ON item_fts.rowid = item.seq WHERE item_fts MATCH ?" + andConditions, arguments)
        }
        var conditions: [String] = []
        var arguments = StatementArguments()
        if let negative {
            conditions.append("item.seq NOT IN (SELECT rowid FROM item_fts WHERE item_fts MATCH ?)")
            arguments += [negative]
        }
        conditions += self.conditions
        arguments += conditionArguments
        return (conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND "), arguments)
    }

    /// The table the rows are read from: `item`, through its size index when ``drivenBySize``.
    private var table: String { drivenBySize ? "item INDEXED BY item_size" : "item" }

    /// Counts the rows in the size range, up to ``candidateLimit`` + 1: at most
    /// ``candidateLimit`` and the query is best read through the size index.
    var sizeProbe: Statement? {
        sizeRange.map { range in
            var arguments = range.arguments
            arguments += [Self.candidateLimit + 1]
            return Statement(
                sql: "SELECT count(*) FROM (SELECT 1 FROM item INDEXED BY item_size WHERE \(range.condition) LIMIT ?)", arguments: arguments)
        }
    }

    /// Filter-only (or exclusion-only) queries: the first page by path.
    var listing: Statement { ordered(by: .path, reverse: false, offset: 0) }

    /// The page of results `offset` rows in, ordered by `order` (names A to Z, largest first,
    /// newest first, paths A to Z; the other way round with `reverse`), then by path. Sizeless
    /// and undated items come last either way.
    func ordered(by order: SearchOrder, reverse: Bool, offset: Int) -> Statement {
        let (clause, arguments) = membership
        let direction = reverse ? " DESC" : ""
        let flipped = reverse ? "" : " DESC"
        let key =
            switch order {
            case .relevance, .path: "item.path\(direction)"
            case .name: "item.name COLLATE NOCASE\(direction), item.path"
            case .size: "item.size IS NULL, item.size\(flipped), item.path"
            case .updated: "item.updated_at IS NULL, item.updated_at\(flipped), item.path"
            }
        var all = arguments
        all += [limit, offset]
        return Statement(sql: "SELECT \(ItemRecord.selection) FROM \(table)\(clause) ORDER BY \(key) LIMIT ? OFFSET ?", arguments: all)
    }

    /// The faceted columns of the first `cap` matches, in catalog order.
    func facetRows(cap: Int) -> Statement {
        let (clause, arguments) = membership
        var all = arguments
        all += [cap]
        return Statement(
            sql:
                "SELECT item.source, item.kind, item.ext, item.label, item.state, item.mime, item.project_id, item.metadata FROM \(table)\(clause) LIMIT ?",
            arguments: all)
    }

    /// How many items match, counting at most `cap` (the filters are read from `item` for
    /// each word match, so an unbounded count of a common word would cost as much as listing it).
    func count(cap: Int) -> Statement {
        let (clause, arguments) = membership
        var all = arguments
        all += [cap]
        return Statement(sql: "SELECT count(*) FROM (SELECT 1 FROM \(table)\(clause) LIMIT ?)", arguments: all)
    }

    /// Counts the rows matching `expression` in `index` (filters ignored), stopping at ``candidateLimit`` + 1.
    func probe(_ expression: String, in index: String = "item_fts") -> Statement {
        Statement(
            sql: "SELECT count(*) FROM (SELECT rowid FROM \(index) WHERE \(index) MATCH ? LIMIT ?)",
            arguments: [expression, Self.candidateLimit + 1])
    }

    /// The rowid of the ``windowSize``-th row (in rowid order) after `after` matching
    /// `expression` in the full-text index `index`; no row when fewer match. Filters are not
    /// looked at: that would read an `item` row for every match.
    func window(_ expression: String, in index: String, after: Int64) -> Statement {
        Statement(
            sql: "SELECT rowid FROM \(index) WHERE \(index) MATCH ? AND rowid > ? ORDER BY rowid LIMIT 1 OFFSET ?",
            arguments: [expression, after, Self.windowSize - 1])
    }

    /// A broad query's tier, one window of candidates: the first `limit` rows by `order` (then
    /// path) among those matching `expression` in `index` and the filters with a rowid after
    /// `after` and up to `through` (to the end when nil), and, when `alsoMatching` is given,
    /// matching it in the full index too (how exclusions reach the names-only index; the
    /// window bounds that lookup). No bm25: see the type's documentation. Rows carry their
    /// rowid in a last column, `hit`.
    func tier(
        _ expression: String, in index: String, after: Int64, through: Int64?, order: String, alsoMatching: String?, limit: Int
    ) -> Statement {
        func range(_ column: String) -> String { "\(column) > ?" + (through == nil ? "" : " AND \(column) <= ?") }
        var bounds: StatementArguments = [after]
        if let through { bounds += [through] }
        var inner = "SELECT item.seq AS hit, \(order) AS o, item.path AS path FROM \(index) JOIN item ON item.seq = \(index).rowid"
        inner += " WHERE \(index) MATCH ? AND " + range("\(index).rowid")
        var arguments: StatementArguments = [expression]
        arguments += bounds
        if let alsoMatching {
            inner += " AND item.seq IN (SELECT rowid FROM item_fts WHERE item_fts MATCH ? AND " + range("rowid") + ")"
            arguments += [alsoMatching]
            arguments += bounds
        }
        inner += andConditions + " ORDER BY o, path LIMIT ?"
        arguments += conditionArguments
        arguments += [limit]
        return Statement(
            sql: "SELECT \(ItemRecord.selection), top.hit AS hit FROM (\(inner)) AS top JOIN item ON item.seq = top.hit ORDER BY top.o, top.path",
            arguments: arguments)
    }

    /// The best `limit` rows matching `expression` and the filters by bm25: scores in a narrow
    /// inner query, full rows only for the page. Without filters the inner query never reads
    /// `item` (equal scores are then cut by rowid, and ordered by path within the page).
    func ranked(_ expression: String, limit: Int) -> Statement {
        let inner =
            conditions.isEmpty
            ? "SELECT rowid AS hit, bm25(item_fts, \(Self.weights)) AS score FROM item_fts WHERE item_fts MATCH ? ORDER BY score, rowid LIMIT ?"
            : "SELECT item.seq AS hit, bm25(item_fts, \(Self.weights)) AS score FROM item_fts JOIN item ON item.seq = item_fts.rowid"
                + " WHERE item_fts MATCH ?" + andConditions + " ORDER BY score, item.path LIMIT ?"
        var arguments = StatementArguments([expression])
        arguments += conditionArguments
        arguments += [limit]
        return Statement(
            sql: "SELECT \(ItemRecord.selection) FROM (\(inner)) AS top JOIN item ON item.seq = top.hit ORDER BY top.score, item.path",
            arguments: arguments)
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
        case .state(let states):
            return ("item.state COLLATE NOCASE IN (\(placeholders(states.count)))", StatementArguments(states))
        case .mediaType(let types):
            var patterns: [String] = []
            for type in types {
                if type == "document" { patterns += ["application/%", "text/%"] } else { patterns.append(type + "/%") }
            }
            return ("(" + patterns.map { _ in "item.mime LIKE ?" }.joined(separator: " OR ") + ")", StatementArguments(patterns))
        case .folder(let path):
            return (
                "item.source = 'dash' AND item.folders IS NOT NULL AND EXISTS (SELECT 1 FROM json_each(item.folders) AS f WHERE f.value LIKE ? ESCAPE '\\' OR f.value LIKE ? ESCAPE '\\')",
                [likePattern(path), likePattern(path) + "/%"]
            )
        case .field(let name, let value):
            // The value itself (case-insensitive, `*` wildcard) or, for a tree, an option below it.
            let pattern = likePattern(value)
            return (
                """
                item.metadata IS NOT NULL AND EXISTS (SELECT 1 FROM json_each(item.metadata) AS f, json_each(f.value) AS v
                WHERE f.key = ? AND (v.value LIKE ? ESCAPE '\\' OR v.value LIKE ? ESCAPE '\\'))
                """,
                [name, pattern, pattern + CatalogFieldOption.pathSeparator + "%"]
            )
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

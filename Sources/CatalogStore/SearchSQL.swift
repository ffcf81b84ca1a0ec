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
    /// The first and last row (`seq`) of the sources every result must come from (`source:dash`,
    /// or the sources that have a field the query asks for), found before the query runs; nil
    /// when any source may match. A full-text read is bounded to that range: items are
    /// catalogued source by source, so one source's rows mostly lie together, and a prefix
    /// matching 62 000 Frame.io items costs nothing when the query asks for Dash's.
    var seqBounds: (first: Int64, last: Int64)?

    /// What the conditions of one query share: the folders a `folder:` value names outside
    /// Dash (found before the query runs), and whether `size:` may count containers.
    struct Context {
        /// For each `folder:` value, the paths of the non-Dash folders (and projects, …) it
        /// names: its subtree is every item under one of them.
        var folders: [String: [String]] = [:]
        /// Whether a `kind:` filter asks for containers (folders, projects, …): only then does
        /// `size:` compare their summed sizes; otherwise it compares files and version stacks.
        var sizesOfContainers = false
        /// The `folder:` values whose subtrees hold few items (at most ``folderDriveLimit``):
        /// those are read through the path index, range by range, and then sorted, instead of
        /// walking every item in path order to test it against each range (75 `Dailies 1`
        /// folders of 10 000 items at 1M items: 290 ms before, 26 ms after).
        var drivenFolders: Set<String> = []
        /// For each `folder:` value, the Dash folders it names (their paths as items keep them,
        /// `Campaigns/2026`, from the Folders field's options); nil when not known (a wildcard,
        /// or no Folders field): then every Dash asset's folders are read.
        var dashFolders: [String: [String]] = [:]
        /// The sources that have a custom field of each name: only their items are looked at.
        var fieldSources: [String: [String]] = [:]
        /// Whether the catalog has the comment tables (one made before them, opened read-only,
        /// has not: its comment filters match no file).
        var hasComments = true
    }

    /// The most items a `folder:` value's subtrees may hold to be read range by range.
    static let folderDriveLimit = 20_000

    init(query: SearchQuery, limit: Int, context given: Context = Context()) {
        var conditions: [String] = []
        var arguments = StatementArguments()
        var context = given
        context.sizesOfContainers = query.allFilters.contains { filter in
            if case .kind(let kinds) = filter { kinds.contains { $0.isContainer && $0 != .versionStack } } else { false }
        }
        for clause in query.filters {
            let (condition, values) = Self.condition(for: clause.filter, in: context)
            conditions.append(clause.isNegated ? "NOT coalesce((\(condition)), 0)" : "(\(condition))")
            arguments += values
        }
        for group in query.groups {
            let (condition, values) = Self.condition(for: group, in: context)
            conditions.append("(\(condition))")
            arguments += values
        }
        self.conditions = conditions
        self.conditionArguments = arguments
        self.limit = limit
        hasPrefix = query.clauses.contains { $0.contains(where: \.isPrefix) }
        let positive = Self.matchExpression(query.clauses)
        let negative = Self.exclusion(query)
        self.negative = negative
        sizeRange =
            positive == nil
            ? query.filters.lazy.compactMap { clause -> (String, StatementArguments)? in
                guard !clause.isNegated, case .size = clause.filter else { return nil }
                return Self.condition(for: clause.filter, in: context)
            }.first : nil
        if let positive {
            match = Self.textMatch(query)
            nameMatch = positive
        } else {
            match = nil
            nameMatch = nil
        }
    }

    /// The plan for `query` in `db`: read through the size index when its size range holds at most
    /// ``candidateLimit`` rows (one probe of that index).
    static func planned(_ query: SearchQuery, limit: Int, in db: Database) throws -> SearchSQL {
        var context = Context()
        for filter in query.allFilters {
            switch filter {
            case .folder(let paths):
                for path in paths where context.folders[path] == nil {
                    context.folders[path] = try Self.folders(named: path, in: db)
                    context.dashFolders[path] = try Self.dashFolders(named: path, in: db)
                }
            case .field(let name, _), .fieldNumber(let name, _, _), .fieldDate(let name, _, _):
                context.fieldSources[name] = try String.fetchAll(
                    db, sql: "SELECT DISTINCT source FROM field WHERE name = ? COLLATE NOCASE ORDER BY source", arguments: [name])
            case let filter where filter.isAboutComments:
                context.hasComments = try db.tableExists("comment")
            default: break
            }
        }
        // Subtrees small enough to read range by range (one probe of the path index each).
        for (path, prefixes) in context.folders where !prefixes.isEmpty {
            let (subtrees, arguments) = Self.ranges(prefixes, on: "s")
            var probe = arguments
            probe += [folderDriveLimit + 1]
            let count = try Int.fetchOne(db, sql: "SELECT count(*) FROM (SELECT 1 FROM item AS s WHERE \(subtrees) LIMIT ?)", arguments: probe) ?? 0
            if count <= folderDriveLimit { context.drivenFolders.insert(path) }
        }
        var plan = SearchSQL(query: query, limit: max(0, limit), context: context)
        if plan.match != nil, let sources = Self.requiredSources(query, context: context) {
            plan.seqBounds = try Self.seqBounds(of: sources, in: db)
        }
        if let probe = plan.sizeProbe {
            plan.drivenBySize = try Int.fetchOne(db, sql: probe.sql, arguments: probe.arguments) ?? 0 <= candidateLimit
        }
        return plan
    }

    /// The sources every result must come from, by the query's own filters (not negated, not in
    /// a group): `source:` values and the sources that have each field it asks about; nil when
    /// any source may match.
    static func requiredSources(_ query: SearchQuery, context: Context) -> Set<String>? {
        var required: Set<String>?
        for clause in query.filters where !clause.isNegated {
            let sources: [String]? =
                switch clause.filter {
                case .source(let sources): sources.map(\.rawValue)
                case .field(let name, _), .fieldNumber(let name, _, _), .fieldDate(let name, _, _): context.fieldSources[name]
                default: nil
                }
            if let sources { required = required.map { $0.intersection(sources) } ?? Set(sources) }
        }
        return required
    }

    /// The first and last row of `sources` (two seeks of the source index each); an empty range
    /// when none of them has an item.
    static func seqBounds(of sources: Set<String>, in db: Database) throws -> (first: Int64, last: Int64) {
        var first = Int64.max
        var last = Int64.min
        for source in sources {
            let row = try Row.fetchOne(
                db, sql: "SELECT (SELECT min(seq) FROM item WHERE source = ?), (SELECT max(seq) FROM item WHERE source = ?)",
                arguments: [source, source])
            if let row, let low = row[0] as Int64?, let high = row[1] as Int64? {
                first = min(first, low)
                last = max(last, high)
            }
        }
        return first <= last ? (first, last) : (1, 0)
    }

    /// The filter conditions joined for a WHERE clause that already has a first condition.
    private var andConditions: String {
        conditions.isEmpty ? "" : " AND " + conditions.joined(separator: " AND ")
    }

    /// The FROM and WHERE clauses of every result: with words, the full-text index first and
    /// `item` joined to it (`CROSS JOIN` keeps that order), so rows stream from the index in
    /// rowid order, a LIMIT stops the read early, and each match costs one `item` lookup. Left to
    /// the planner, a prefix with a filter (`drone* kind:file`) walked the filter's index and
    /// evaluated the prefix again for every row: 10 min 47 s to count at 1M items. Without
    /// words, `item` itself (through the size index when ``drivenBySize``), less the exclusions.
    private var membership: (clause: String, arguments: StatementArguments) {
        if let match {
            let range = rowidRange("item_fts.rowid")
            var arguments: StatementArguments = [match]
            arguments += range.arguments
            arguments += conditionArguments
            return (" item_fts CROSS JOIN item ON item.seq = item_fts.rowid WHERE item_fts MATCH ?" + range.sql + andConditions, arguments)
        }
        var conditions: [String] = []
        var arguments = StatementArguments()
        if let negative {
            conditions.append("item.seq NOT IN (SELECT rowid FROM item_fts WHERE item_fts MATCH ?)")
            arguments += [negative]
        }
        conditions += self.conditions
        arguments += conditionArguments
        return (" " + table + (conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")), arguments)
    }

    /// The condition keeping `column` (a full-text index's rowid) after `after` and up to
    /// `through`, within ``seqBounds``: the one way every full-text read is bounded. The bounds
    /// are folded into the range's own two ends, so FTS5 seeks to the first row it may return
    /// (a separate `BETWEEN` after `rowid > ?` read every match before the source's rows: 55 ms
    /// against 0.06 ms). Nothing when there is nothing to bound.
    private func rowidRange(_ column: String, after: Int64? = nil, through: Int64? = nil) -> (sql: String, arguments: StatementArguments) {
        var lower = after
        var upper = through
        if let seqBounds {
            lower = Swift.max(lower ?? Int64.min, seqBounds.first - 1)
            upper = Swift.min(upper ?? seqBounds.last, seqBounds.last)
        }
        var sql = ""
        var arguments = StatementArguments()
        if let lower {
            sql += " AND \(column) > ?"
            arguments += [lower]
        }
        if let upper {
            sql += " AND \(column) <= ?"
            arguments += [upper]
        }
        return (sql, arguments)
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
        return Statement(sql: "SELECT \(ItemRecord.selection) FROM\(clause) ORDER BY \(key) LIMIT ? OFFSET ?", arguments: all)
    }

    /// The faceted columns of the first `cap` matches, in catalog order.
    func facetRows(cap: Int) -> Statement {
        let (clause, arguments) = membership
        var all = arguments
        all += [cap]
        return Statement(
            sql:
                "SELECT item.source, item.kind, item.ext, item.label, item.state, item.mime, item.project_id, item.metadata FROM\(clause) LIMIT ?",
            arguments: all)
    }

    /// Whether any match has `value` in `column` (`source`, `kind`).
    func exists(column: String, value: String) -> Statement {
        let (clause, arguments) = membership
        var all = arguments
        all += [value]
        let joiner = clause.contains(" WHERE ") ? " AND " : " WHERE "
        return Statement(sql: "SELECT EXISTS (SELECT 1 FROM\(clause)\(joiner)item.\(column) = ?)", arguments: all)
    }

    /// The matches, one row each, at most `cap` (counted one by one, so a count can stop at a
    /// deadline and still say how many it saw).
    func matches(cap: Int) -> Statement {
        let (clause, arguments) = membership
        var all = arguments
        all += [cap]
        return Statement(sql: "SELECT 1 FROM\(clause) LIMIT ?", arguments: all)
    }

    /// Counts the rows matching `expression` in `index` (filters ignored), stopping at ``candidateLimit`` + 1.
    func probe(_ expression: String, in index: String = "item_fts") -> Statement {
        let range = rowidRange("rowid")
        return Statement(
            sql: "SELECT count(*) FROM (SELECT rowid FROM \(index) WHERE \(index) MATCH ?\(range.sql) LIMIT ?)",
            arguments: [expression] as StatementArguments + range.arguments + [Self.candidateLimit + 1])
    }

    /// The rowid of the ``windowSize``-th row (in rowid order) after `after` matching
    /// `expression` in the full-text index `index`; no row when fewer match. Filters are not
    /// looked at: that would read an `item` row for every match.
    func window(_ expression: String, in index: String, after: Int64) -> Statement {
        let range = rowidRange("rowid", after: after)
        return Statement(
            sql: "SELECT rowid FROM \(index) WHERE \(index) MATCH ?" + range.sql + " ORDER BY rowid LIMIT 1 OFFSET ?",
            arguments: [expression] as StatementArguments + range.arguments + [Self.windowSize - 1])
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
        let range = rowidRange("\(index).rowid", after: after, through: through)
        var inner = "SELECT item.seq AS hit, \(order) AS o, item.path AS path FROM \(index) JOIN item ON item.seq = \(index).rowid"
        inner += " WHERE \(index) MATCH ?" + range.sql
        var arguments: StatementArguments = [expression]
        arguments += range.arguments
        if let alsoMatching {
            let also = rowidRange("rowid", after: after, through: through)
            inner += " AND item.seq IN (SELECT rowid FROM item_fts WHERE item_fts MATCH ?" + also.sql + ")"
            arguments += [alsoMatching]
            arguments += also.arguments
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
        let range = rowidRange(conditions.isEmpty ? "rowid" : "item_fts.rowid")
        let inner =
            conditions.isEmpty
            ? "SELECT rowid AS hit, bm25(item_fts, \(Self.weights)) AS score FROM item_fts WHERE item_fts MATCH ?\(range.sql)"
                + " ORDER BY score, rowid LIMIT ?"
            : "SELECT item.seq AS hit, bm25(item_fts, \(Self.weights)) AS score FROM item_fts JOIN item ON item.seq = item_fts.rowid"
                + " WHERE item_fts MATCH ?" + range.sql + andConditions + " ORDER BY score, item.path LIMIT ?"
        var arguments = StatementArguments([expression])
        arguments += range.arguments
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

    /// The FTS5 expression of `query`'s words: its clauses, less its exclusions; nil without clauses.
    static func textMatch(_ query: SearchQuery) -> String? {
        guard let positive = matchExpression(query.clauses) else { return nil }
        return exclusion(query).map { "(\(positive)) NOT \($0)" } ?? positive
    }

    /// The words `query` excludes, as alternatives; nil when none.
    static func exclusion(_ query: SearchQuery) -> String? { query.exclusions.isEmpty ? nil : alternatives(query.exclusions) }

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

    /// The most folders one `folder:` value may name (each adds a range to the query).
    static let folderLimit = 500

    /// The containers outside Dash (folders, projects, version stacks, …) whose path is `path`
    /// or ends in `/path`, whole segments, case and diacritics aside, `*` a wildcard. Found through
    /// the names-only index when the last segment has words and no wildcard, else by reading
    /// every container's path.
    static func folders(named path: String, in db: Database) throws -> [String] {
        let wanted = TextFolding.fold(path)
        let last = String(path.split(separator: "/").last ?? Substring(path))
        let containers = "item.kind NOT IN ('file', 'asset', 'other') AND item.source != 'dash'"
        let candidates: [String]
        if !path.contains("*"), SearchQuery.isSearchable(last) {
            candidates = try String.fetchAll(
                db,
                sql:
                    """
                    SELECT item.path FROM item_name_fts CROSS JOIN item ON item.seq = item_name_fts.rowid WHERE item_name_fts MATCH ? AND \
                    \(containers)
                    """,
                arguments: [literal(SearchQuery.Term(text: last, isPhrase: true))])
        } else {
            let pattern = likePattern(wanted)
            candidates = try String.fetchAll(
                db,
                sql:
                    """
                    SELECT item.path FROM item WHERE \(containers) AND (catalog_fold(item.path) LIKE ? ESCAPE '\\' OR catalog_fold(item.path) \
                    LIKE ? ESCAPE '\\')
                    """,
                arguments: [pattern, "%/" + pattern])
            return Array(candidates.prefix(folderLimit))
        }
        return Array(
            candidates.filter { candidate in
                let folded = TextFolding.fold(candidate)
                return folded == wanted || folded.hasSuffix("/" + wanted)
            }.prefix(folderLimit))
    }

    /// The subtrees of the folders at `prefixes` as conditions on `table.path`: everything from
    /// `prefix/` up to (not including) `prefix0`, `0` being the character after `/`.
    static func ranges(_ prefixes: [String], on table: String) -> (String, StatementArguments) {
        var arguments = StatementArguments()
        for prefix in prefixes { arguments += [prefix + "/", prefix + "0"] }
        return (prefixes.map { _ in "(\(table).path >= ? AND \(table).path < ?)" }.joined(separator: " OR "), arguments)
    }

    /// The Dash folders `path` names, as items keep them (`Campaigns/2026`): the Folders field's
    /// options whose path is `path` (case and diacritics aside), none when no Dash asset is filed
    /// anywhere; nil for a wildcard, or assets filed without a Folders field's options (then
    /// assets' folders are read one by one).
    static func dashFolders(named path: String, in db: Database) throws -> [String]? {
        guard !path.contains("*") else { return nil }
        let options = try String.fetchAll(
            db,
            sql: """
                SELECT o.path FROM field_option o JOIN field f ON f.source = o.source AND f.id = o.field_id
                WHERE f.is_folders = 1 AND o.source = 'dash'
                """)
        // No Folders field's options: no Dash asset is filed anywhere, unless the catalog holds
        // assets filed by other means (then each is read).
        guard !options.isEmpty else {
            let filed = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM item WHERE source = 'dash' AND folders IS NOT NULL)") ?? false
            return filed ? nil : []
        }
        let wanted = TextFolding.fold(path)
        return options.map { $0.replacingOccurrences(of: CatalogFieldOption.pathSeparator, with: "/") }.filter { TextFolding.fold($0) == wanted }
    }

    /// SQL for a condition of a boolean group and its arguments: a word is looked up in the
    /// full-text index (as a set of rows), a filter as anywhere else.
    static func condition(for condition: SearchQuery.Condition, in context: Context) -> (String, StatementArguments) {
        switch condition {
        case .term(let term):
            return ("item.seq IN (SELECT rowid FROM item_fts WHERE item_fts MATCH ?)", [literal(term)])
        case .filter(let filter):
            return Self.condition(for: filter, in: context)
        case .not(let inner):
            let (sql, arguments) = Self.condition(for: inner, in: context)
            return ("NOT coalesce((\(sql)), 0)", arguments)
        case .all(let conditions), .any(let conditions):
            var isAny = false
            if case .any = condition { isAny = true }
            var parts: [String] = []
            var arguments = StatementArguments()
            var terms: [SearchQuery.Term] = []
            for inner in conditions {
                // Alternative words are one lookup: `(a OR b OR Brand:x)`.
                if isAny, case .term(let term) = inner {
                    terms.append(term)
                    continue
                }
                let (sql, values) = Self.condition(for: inner, in: context)
                parts.append("(\(sql))")
                arguments += values
            }
            if !terms.isEmpty {
                parts.insert("item.seq IN (SELECT rowid FROM item_fts WHERE item_fts MATCH ?)", at: 0)
                var all: StatementArguments = [terms.count == 1 ? literal(terms[0]) : alternatives(terms)]
                all += arguments
                arguments = all
            }
            return (parts.joined(separator: isAny ? " OR " : " AND "), arguments)
        }
    }

    /// A value of a custom field (`v.value`, from `json_each`) compared as `comparison` says.
    /// The metadata is first looked at as text: an item whose metadata does not hold the field's
    /// name as the catalog writes it (a JSON string) cannot hold the field, and that test costs
    /// far less than taking the JSON apart (at 1M items, 34 000 Dash assets read before the first
    /// `Rating:>=4` match in path order took 100 ms).
    /// Only the items of the sources that have the field are looked at (`sources`; all when not
    /// known), so a walk in path order skips the others through the source index.
    static func fieldValues(_ name: String, where comparison: String, _ values: StatementArguments, sources: [String]?) -> (
        String, StatementArguments
    ) {
        var arguments = StatementArguments(sources ?? [])
        arguments += [JSONWriter.string(.string(name)), name]
        arguments += values
        let scope = sources.map { Self.among("item.source", $0.count) + " AND " } ?? ""
        return (
            """
            \(scope)item.metadata IS NOT NULL AND instr(item.metadata, ?) > 0 AND EXISTS (SELECT 1 FROM json_each(item.metadata) AS f,
            json_each(f.value) AS v WHERE f.key = ? AND (\(comparison)))
            """,
            arguments
        )
    }

    /// SQL for one filter and its arguments.
    static func condition(for filter: Filter, in context: Context = Context()) -> (String, StatementArguments) {
        switch filter {
        case .kind(let kinds):
            // A file is a file in every source: Dash's assets are files (`asset` the same). The
            // expression is the kind index's (CatalogSchema.fileKind), so it reads that index.
            let names = Set(kinds.map { $0 == .asset ? "file" : $0.rawValue }).sorted()
            return ("\(CatalogSchema.fileKind) IN (\(placeholders(names.count)))", StatementArguments(names))
        case .source(let sources):
            return (Self.among("item.source", sources.count), StatementArguments(sources.map(\.rawValue)))
        case .project(let names):
            let patterns = names.map { likePattern(TextFolding.fold($0)) }
            return (
                "item.project_id IN (SELECT p.id FROM item p WHERE p.kind = 'project' AND ("
                    + patterns.map { _ in "catalog_fold(p.name) LIKE ? ESCAPE '\\'" }.joined(separator: " OR ") + "))",
                StatementArguments(patterns)
            )
        case .ext(let exts):
            return ("item.ext IN (\(placeholders(exts.count)))", StatementArguments(exts))
        case .label(let labels):
            return ("item.label COLLATE NOCASE IN (\(placeholders(labels.count)))", StatementArguments(labels))
        case .size(let comparison, let bytes):
            // The summed sizes of folders and projects are not what `size:>1GB` asks about.
            let scope = context.sizesOfContainers ? "" : " AND item.kind IN ('file', 'asset', 'version_stack')"
            return ("item.size \(comparison.rawValue) ?" + scope, [bytes])
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
        case .folder(let paths):
            // Dash: filed in the folder or below (its folders field). Elsewhere: under a
            // container of that path (found before the query: `folders(named:in:)`).
            var parts: [String] = []
            var arguments = StatementArguments()
            for path in paths {
                let pattern = likePattern(TextFolding.fold(path))
                let known = context.dashFolders[path] ?? nil
                if known?.isEmpty != true {
                    // The folders' names as the folders JSON holds them, looked for as text
                    // first (far cheaper than taking every asset's folders apart).
                    let needles = (known ?? []).map { String(JSONWriter.string(.string($0)).dropLast()) }
                    let prefilter =
                        needles.isEmpty ? "" : " AND (" + needles.map { _ in "instr(item.folders, ?) > 0" }.joined(separator: " OR ") + ")"
                    parts.append(
                        """
                        (item.source = 'dash' AND item.folders IS NOT NULL\(prefilter) AND EXISTS (SELECT 1 FROM json_each(item.folders) AS f \
                        WHERE catalog_fold(f.value) LIKE ? ESCAPE '\\' OR catalog_fold(f.value) LIKE ? ESCAPE '\\'))
                        """
                    )
                    arguments += StatementArguments(needles)
                    arguments += [pattern, pattern + "/%"]
                }
                if let prefixes = context.folders[path], !prefixes.isEmpty {
                    if context.drivenFolders.contains(path) {
                        let (subtrees, values) = Self.ranges(prefixes, on: "s")
                        parts.append("item.seq IN (SELECT s.seq FROM item AS s WHERE \(subtrees))")
                        arguments += values
                    } else {
                        let (subtrees, values) = Self.ranges(prefixes, on: "item")
                        parts.append(subtrees)
                        arguments += values
                    }
                }
            }
            return (parts.isEmpty ? "0" : parts.joined(separator: " OR "), arguments)
        case .field(let name, let values):
            // Each value itself (case and diacritics aside, `*` wildcard) or, for a tree, an
            // option below it.
            var comparisons: [String] = []
            var arguments = StatementArguments()
            for value in values {
                let pattern = likePattern(TextFolding.fold(value))
                comparisons.append("catalog_fold(v.value) LIKE ? ESCAPE '\\' OR catalog_fold(v.value) LIKE ? ESCAPE '\\'")
                arguments += [pattern, pattern + TextFolding.fold(CatalogFieldOption.pathSeparator) + "%"]
            }
            return fieldValues(name, where: comparisons.joined(separator: " OR "), arguments, sources: context.fieldSources[name])
        case .fieldNumber(let name, let lower, let upper):
            // Values are kept as text: those that read as numbers are compared as numbers.
            var comparison = "trim(v.value) GLOB '[0-9+.-]*' AND trim(v.value) NOT GLOB '*[^0-9eE+.-]*'"
            var arguments = StatementArguments()
            if let lower {
                comparison += " AND CAST(v.value AS REAL) \(lower.inclusive ? ">=" : ">") ?"
                arguments += [lower.value]
            }
            if let upper {
                comparison += " AND CAST(v.value AS REAL) \(upper.inclusive ? "<=" : "<") ?"
                arguments += [upper.value]
            }
            return fieldValues(name, where: comparison, arguments, sources: context.fieldSources[name])
        case .fieldDate(let name, let lower, let upper):
            // Dates as SQLite reads them (a day, or an instant with or without an offset).
            var comparison = "julianday(v.value) IS NOT NULL"
            var arguments = StatementArguments()
            if let lower {
                comparison += " AND julianday(v.value) >= julianday(?)"
                arguments += [Timestamp.format(lower)]
            }
            if let upper {
                comparison += " AND julianday(v.value) < julianday(?)"
                arguments += [Timestamp.format(upper)]
            }
            return fieldValues(name, where: comparison, arguments, sources: context.fieldSources[name])
        case .comment(let terms):
            guard context.hasComments else { return ("0", []) }
            return (commentedFiles(where: "c.seq IN (SELECT rowid FROM comment_fts WHERE comment_fts MATCH ?)"), [alternatives(terms)])
        case .commented(let flag):
            guard context.hasComments else { return (flag ? "0" : Self.commentable, []) }
            return (flag ? commentedFiles(where: "1") : "\(Self.commentable) AND NOT \(commentedFiles(where: "1"))", [])
        case .openComments(let flag):
            let open = "c.parent_id IS NULL AND c.completed_at IS NULL"
            guard context.hasComments else { return (flag ? "0" : Self.commentable, []) }
            return (flag ? commentedFiles(where: open) : "\(Self.commentable) AND NOT \(commentedFiles(where: open))", [])
        case .commentCount(let comparison, let count):
            // Counts that leave out 0 read the files with comments; the others test each file.
            let zeroMatches = filter.matchesFilesWithoutComments == true
            guard context.hasComments else { return (zeroMatches ? Self.commentable : "0", []) }
            if zeroMatches {
                return (
                    "\(Self.commentable) AND (SELECT count(*) FROM comment c WHERE c.source = item.source AND c.file_id = item.id) "
                        + "\(comparison.rawValue) ?", [count]
                )
            }
            return (
                """
                item.seq IN (SELECT i.seq FROM (SELECT source, file_id FROM comment GROUP BY source, file_id HAVING count(*) \
                \(comparison.rawValue) ?) AS c JOIN item AS i ON i.source = c.source AND i.id = c.file_id)
                """, [count]
            )
        }
    }

    /// The items whose comments the catalog reads: Frame.io files.
    static let commentable = "(item.source = 'frameio' AND item.kind = 'file')"

    /// The files with a comment meeting `condition` (on `c`, a row of `comment`), as a condition
    /// on `item` that reads them from the comments, not item by item.
    static func commentedFiles(where condition: String) -> String {
        """
        item.seq IN (SELECT i.seq FROM comment AS c JOIN item AS i ON i.source = c.source AND i.id = c.file_id \
        WHERE \(condition))
        """
    }

    /// `column` equal to one of `count` arguments: `= ?` for one, which SQLite's planner takes
    /// for the equality it is (`IN (?)` lost the source index to the kind index, and
    /// `Rating:2..3 kind:file` read 50 000 Dash assets, 55 ms, where the source index takes 0.4 ms).
    static func among(_ column: String, _ count: Int) -> String {
        count == 1 ? "\(column) = ?" : "\(column) IN (\(placeholders(count)))"
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

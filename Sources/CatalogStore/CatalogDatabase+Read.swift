import CatalogCore
import Foundation
import GRDB

extension CrawlRecord {
    init(row: Row) throws {
        func known<Value: RawRepresentable<String>>(_ column: String) throws -> Value {
            let text: String = try row.decode(forColumn: column)
            guard let value = Value(rawValue: text) else {
                throw StoreError.database("crawl \(row["id"] as Int64? ?? 0) has \(column) '\(text)', which this version of catalog does not know")
            }
            return value
        }
        // Crawls made before the catalog knew V4 (schema v10) have none: they read v2.
        self.init(
            id: row["id"], source: try known("source"), mode: try known("mode"), startedAt: row["started_at"], finishedAt: row["finished_at"],
            status: try known("status"), itemCount: row["item_count"], added: row["added_count"], changed: row["changed_count"],
            deleted: row["deleted_count"], requests: row["request_count"], retries: row["retry_count"], error: row["error"],
            moved: row["moved_count"], since: row["since"], api: (row["api"] as String?) == nil ? .v2 : try known("api"),
            warningCount: row["warning_count"] ?? 0,
            warnings: (row["warnings"] as String?).map { $0.split(separator: "\n").map(String.init) } ?? [])
    }
}

extension CatalogDatabase {
    /// Parses `text` in the query language with this catalog's fields as filters (a Dash field
    /// name works as `Field:value`): the one place a query meets the catalog it will run on.
    public func parseQuery(_ text: String) throws -> SearchQuery {
        // Fields by name (a name both sources use is one filter: text unless both agree).
        let all = try fields()
        var byName: [String: (field: SearchField, ids: [(Source, String)])] = [:]
        var order: [String] = []
        for field in all {
            let kind = SearchField.Kind(serviceType: field.type, hasFixedOptions: field.hasFixedOptions)
            let key = field.name.lowercased()
            if var known = byName[key] {
                if known.field.kind != kind { known.field.kind = .text }
                known.ids.append((field.source, field.id))
                byName[key] = known
            } else {
                byName[key] = (SearchField(name: field.name, kind: kind), [(field.source, field.id)])
                order.append(key)
            }
        }
        let fields = order.compactMap { byName[$0]?.field }
        let parsed = try SearchQueryParser(searchFields: fields).parse(text)
        try refuseUnsatisfiable(parsed)
        // The options of the fields of options the query names, so a value none has is refused
        // (`"Review Status":Aproved`) instead of matching nothing.
        let named = Set(
            parsed.allFilters.compactMap { filter -> String? in if case .field(let name, _) = filter { name.lowercased() } else { nil } })
        guard !named.isEmpty else { return parsed }
        // And the people of user fields: a value may be a person's e-mail address.
        let people = fields.contains { named.contains($0.name.lowercased()) && $0.kind == .people } ? try self.people() : []
        let withOptions = try fields.map { field -> SearchField in
            guard named.contains(field.name.lowercased()), let ids = byName[field.name.lowercased()]?.ids else { return field }
            var field = field
            switch field.kind {
            case .options:
                field.options = try ids.flatMap { source, id in try fieldOptions(source: source, fieldID: id).map(\.path) }
            case .people:
                let sources = Set(ids.map(\.0))
                var addresses: [String: [String]] = [:]
                for person in people where sources.contains(person.source) {
                    if let email = person.email { addresses[TextFolding.fold(email), default: []].append(person.name) }
                }
                // None known (a catalog not crawled since people were kept): an address is
                // looked for as it is, not refused.
                field.addresses = addresses.isEmpty ? nil : addresses
            default: break
            }
            return field
        }
        return try SearchQueryParser(searchFields: withOptions).parse(text)
    }

    /// Refuses a query with a required filter nothing in the catalog can satisfy, saying why and
    /// what would work, rather than answering with nothing (`label:approved` over a catalog of
    /// Frame.io V4, which keeps no labels; `folder:"Card 01"` when the folder is `Card 001`).
    func refuseUnsatisfiable(_ query: SearchQuery) throws {
        // Worked out inside the read, thrown outside it: a read's errors become store errors.
        if let refusal = try read({ db in try Self.unsatisfiable(query, in: db) }) { throw refusal }
    }

    /// Why `query` can match nothing, nil when it may match.
    static func unsatisfiable(_ query: SearchQuery, in db: Database) throws -> SearchQueryError? {
        do {
            try checkSatisfiable(query, in: db)
            return nil
        } catch let refusal as SearchQueryError {
            return refusal
        }
    }

    private static func checkSatisfiable(_ query: SearchQuery, in db: Database) throws {
        do {
            for filter in query.requiredFilters {
                switch filter {
                case .label(let labels):
                    // A range on the label index (`IS NOT NULL` read all of it: 450 ms at 1M items).
                    let labelled = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM item WHERE label COLLATE NOCASE >= '')") ?? false
                    guard !labelled else { continue }
                    throw SearchQueryError.unsatisfiable(
                        filter: "label", value: labels.joined(separator: ","),
                        reason:
                            """
                            no item in the catalog has a label (labels are Frame.io v2's; V4 keeps review states in fields: `catalog fields` \
                            lists them, e.g. \"Review Status\":Approved)
                            """,
                        suggestions: [])
                case .folder(let paths):
                    for path in paths where !path.contains("*") {
                        guard try SearchSQL.folders(named: path, in: db).isEmpty else { continue }
                        if let known = try SearchSQL.dashFolders(named: path, in: db) {
                            guard known.isEmpty else { continue }
                        } else {
                            // Assets filed without the Folders field's options: their folders, read.
                            let pattern = SearchSQL.likePattern(TextFolding.fold(path))
                            let filed =
                                try Bool.fetchOne(
                                    db,
                                    sql: """
                                        SELECT EXISTS (SELECT 1 FROM item, json_each(item.folders) AS f WHERE item.source = 'dash' AND item.folders \
                                        IS NOT NULL
                                        AND (catalog_fold(f.value) LIKE ? ESCAPE '\\' OR catalog_fold(f.value) LIKE ? ESCAPE '\\'))
                                        """, arguments: [pattern, pattern + "/%"]) ?? false
                            guard !filed else { continue }
                        }
                        let last = String(path.split(separator: "/").last ?? Substring(path))
                        let names = try String.fetchAll(
                            db, sql: "SELECT DISTINCT name FROM item WHERE kind IN ('folder', 'project', 'version_stack') LIMIT 20000")
                        let dash = try String.fetchAll(
                            db,
                            sql: "SELECT o.value FROM field_option o JOIN field f ON f.source = o.source AND f.id = o.field_id WHERE f.is_folders = 1"
                        )
                        throw SearchQueryError.unsatisfiable(
                            filter: "folder", value: path,
                            reason: "no folder in the catalog has that path (Frame.io folders and projects, Dash folders)",
                            suggestions: Suggestions.closest(to: last, among: Array(Set(names + dash))))
                    }
                case .project(let names):
                    for name in names where !name.contains("*") {
                        let exists =
                            try Bool.fetchOne(
                                db, sql: "SELECT EXISTS (SELECT 1 FROM item WHERE kind = 'project' AND catalog_fold(name) = ?)",
                                arguments: [TextFolding.fold(name)]) ?? false
                        guard !exists else { continue }
                        let projects = try String.fetchAll(db, sql: "SELECT name FROM item WHERE kind = 'project'")
                        throw SearchQueryError.unsatisfiable(
                            filter: "project", value: name,
                            reason: "no project in the catalog has that name (`catalog search kind:project` lists them)",
                            suggestions: Suggestions.closest(to: name, among: projects))
                    }
                case let filter where filter.matchesFilesWithoutComments == false:
                    let any = try db.tableExists("comment") && (try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM comment)") ?? false)
                    guard !any else { continue }
                    let (name, value): (String, String) =
                        switch filter {
                        case .comment(let terms): ("comment", terms.map(\.text).joined(separator: ","))
                        case .commentCount(let comparison, let count): ("comments", (comparison == .equal ? "" : comparison.rawValue) + String(count))
                        case .openComments: ("open_comments", "true")
                        default: ("commented", "true")
                        }
                    throw SearchQueryError.unsatisfiable(
                        filter: name, value: value,
                        reason:
                            """
                            the catalog holds no review comments: they are read from Frame.io V4 by `catalog crawl frameio --comments` \
                            (or crawl.comments = true in the config file)
                            """,
                        suggestions: [])
                default: continue
                }
            }
        }
    }

    /// Items matching `query`, `offset` results in: by relevance (best first: bm25, name above
    /// path; by path for filter-only queries), or by name, size, date or path (see
    /// ``SearchOrder``; `reverse` turns those round). A query matching more than ``SearchSQL/candidateLimit`` rows is ranked
    /// in tiers (name matches first, without bm25), which bounds its cost whatever the
    /// catalog's size; an offset into a ranking costs as much as the rows before it.
    public func search(
        _ query: SearchQuery, order: SearchOrder = .relevance, reverse: Bool = false, limit: Int = 50, offset: Int = 0
    ) throws(StoreError) -> [CatalogItem] {
        let offset = max(0, offset)
        guard order == .relevance else {
            guard limit > 0 else { return [] }
            return try read { db in
                let statement = try SearchSQL.planned(query, limit: limit, in: db).ordered(by: order, reverse: reverse, offset: offset)
                return try ItemRecord.fetchAll(db, sql: statement.sql, arguments: statement.arguments).map(\.item)
            }
        }
        guard offset > 0 else { return try ranked(query, limit: limit) }
        let (sum, overflow) = max(0, limit).addingReportingOverflow(offset)
        return Array(try ranked(query, limit: overflow ? Int.max : sum).dropFirst(offset))
    }

    /// How far ``facets(_:cap:limit:fieldLimit:budget:probeBudget:)`` reads by default: the
    /// matches it looks at, the values and custom fields it keeps, and its time budgets.
    public enum FacetBounds {
        public static let cap = 5_000
        public static let limit = 12
        public static let fieldLimit = 8
        public static let budget = Duration.milliseconds(30)
        public static let probeBudget = Duration.milliseconds(20)
    }

    /// For each facet, the values the matches of `query` have and how many have each, most first
    /// (at most `limit` values), counted over the first `cap` matches in catalog order (a broad
    /// query's counts are then those of a sample) in one pass.
    ///
    /// Custom fields (Dash, Frame.io V4 metadata) are counted in the same pass: the `fieldLimit`
    /// fields the most matches have, each with its `limit` most frequent values.
    public func facets(
        _ query: SearchQuery, cap: Int = FacetBounds.cap, limit: Int = FacetBounds.limit, fieldLimit: Int = FacetBounds.fieldLimit,
        budget: Duration = FacetBounds.budget, probeBudget: Duration = FacetBounds.probeBudget
    ) throws(StoreError) -> SearchFacetCounts {
        try read { db in
            let plan = try SearchSQL.planned(query, limit: 0, in: db)
            let statement = plan.facetRows(cap: cap)
            var counts: [SearchFacet: [String: Int]] = [:]
            var projectIDs: [String: Int] = [:]
            var holders: [String: Int] = [:]
            var fieldValues: [String: [String: Int]] = [:]
            var seen = 0
            let finished = try Self.within(budget, db) {
                let rows = try Row.fetchCursor(db, sql: statement.sql, arguments: statement.arguments)
                while let row = try rows.next() {
                    seen += 1
                    func add(_ facet: SearchFacet, _ value: String?) {
                        if let value, !value.isEmpty { counts[facet, default: [:]][value, default: 0] += 1 }
                    }
                    add(.source, row["source"])
                    // A Dash asset is a file (`kind:file` finds both): one facet value.
                    let kind: String? = row["kind"]
                    add(.kind, kind == ItemKind.asset.rawValue ? ItemKind.file.rawValue : kind)
                    add(.ext, row["ext"])
                    add(.label, row["label"])
                    add(.state, row["state"])
                    let mime: String? = row["mime"]
                    add(.type, mime.flatMap { $0.split(separator: "/").first.map(String.init) })
                    if let project: String = row["project_id"] { projectIDs[project, default: 0] += 1 }
                    if let metadata: String = row["metadata"], let fields = try? JSONParser.parse(Array(metadata.utf8)).objectMembers {
                        for field in fields {
                            holders[field.key, default: 0] += 1
                            for value in field.value.arrayValue ?? [] {
                                if let text = value.stringValue, !text.isEmpty { fieldValues[field.key, default: [:]][text, default: 0] += 1 }
                            }
                        }
                    }
                }
            }
            let isEstimate = !finished || seen >= cap
            // A sample must not hide a source or kind: each the catalog has and the sample
            // lacks is looked for among all the matches (one row each, a short budget).
            if isEstimate {
                // Sources first (a source vanishing misleads most), then kinds; all the looking
                // shares one budget, so the summary stays within its time.
                var missing: [(facet: SearchFacet, column: String, value: String, key: String)] = []
                // The values the catalog holds, each found by one index seek (a DISTINCT read
                // the whole index: 100 ms a column at 1M items).
                let values = [(SearchFacet.source, "source", Source.allCases.map(\.rawValue)), (.kind, "kind", ItemKind.allCases.map(\.rawValue))]
                for (facet, column, candidates) in values {
                    for value in candidates
                    where try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM item WHERE \(column) = ?)", arguments: [value]) ?? false {
                        let key = facet == .kind && value == ItemKind.asset.rawValue ? ItemKind.file.rawValue : value
                        if counts[facet]?[key] == nil { missing.append((facet, column, value, key)) }
                    }
                }
                _ = try Self.within(probeBudget, db) {
                    for entry in missing where counts[entry.facet]?[entry.key] == nil {
                        let probe = plan.exists(column: entry.column, value: entry.value)
                        if try Bool.fetchOne(db, sql: probe.sql, arguments: probe.arguments) ?? false {
                            counts[entry.facet, default: [:]][entry.key] = 1
                        }
                    }
                }
            }
            // Projects are counted by id, then named (one lookup for the ids found).
            let ids = Array(projectIDs.keys.prefix(500))
            if !ids.isEmpty {
                let named = try Row.fetchAll(
                    db, sql: "SELECT id, name FROM item WHERE kind = 'project' AND id IN (\(ids.map { _ in "?" }.joined(separator: ", ")))",
                    arguments: StatementArguments(ids))
                for row in named {
                    let id: String = row["id"]
                    counts[.project, default: [:]][row["name"], default: 0] += projectIDs[id] ?? 0
                }
            }
            func top(_ values: [String: Int]) -> [(value: String, count: Int)] {
                values.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.prefix(limit).map { ($0.key, $0.value) }
            }
            var result = SearchFacetCounts()
            result.isEstimate = isEstimate
            for facet in SearchFacet.allCases { result.builtIn[facet] = top(counts[facet] ?? [:]) }
            result.fields = holders.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.prefix(fieldLimit).compactMap { field in
                let values = top(fieldValues[field.key] ?? [:])
                return values.isEmpty ? nil : (field.key, values)
            }
            return result
        }
    }

    /// How many items match `query`: exactly, or at least ``MatchCount/count`` when counting
    /// reached `cap` or ran out of `budget`. Results come first; a count never outlives them by
    /// more than the budget (counting a prefix with a filter at 1M items took minutes).
    public func count(_ query: SearchQuery, cap: Int = 10_000, budget: Duration = MatchCount.budget) throws(StoreError) -> MatchCount {
        try read { db in
            let plan = try SearchSQL.planned(query, limit: 0, in: db)
            let statement = plan.matches(cap: cap)
            var seen = 0
            let finished = try Self.within(budget, db) {
                let rows = try Row.fetchCursor(db, sql: statement.sql, arguments: statement.arguments)
                while try rows.next() != nil { seen += 1 }
            }
            return MatchCount(count: seen, isExact: finished && seen < cap)
        }
    }

    /// The first `limit` items by relevance.
    private func ranked(_ query: SearchQuery, limit: Int) throws(StoreError) -> [CatalogItem] {
        guard limit > 0 else { return [] }
        return try read { db in
            let plan = try SearchSQL.planned(query, limit: limit, in: db)
            func fetch(_ statement: SearchSQL.Statement) throws -> [CatalogItem] {
                try ItemRecord.fetchAll(db, sql: statement.sql, arguments: statement.arguments).map(\.item)
            }
            guard let match = plan.match, let nameMatch = plan.nameMatch else { return try fetch(plan.listing) }
            func isBroad(_ probe: SearchSQL.Statement) throws -> Bool {
                try Int.fetchOne(db, sql: probe.sql, arguments: probe.arguments) ?? 0 > SearchSQL.candidateLimit
            }
            // A prefix is cheap to count in the names-only index (it indexes longer prefixes):
            // many name matches make the query broad without probing the full index.
            let broadByName = plan.hasPrefix ? try isBroad(plan.probe(nameMatch, in: "item_name_fts")) : false
            if !broadByName, try !isBroad(plan.probe(match)) {
                return try fetch(plan.ranked(match, limit: plan.limit))
            }
            // A broad query: the name matches first (shortest names first), then, if the page
            // is not full, the other matches (shortest paths first). Candidates are taken in
            // catalog order, ``SearchSQL/windowSize`` at a time, until the page is full.
            var rows: [Row] = []
            var seen = Set<Int64>()
            for (expression, index, order, alsoMatching) in [
                (nameMatch, "item_name_fts", "length(item.name)", plan.negative == nil ? nil : match),
                (match, "item_fts", "length(item.path)", nil),
            ] {
                var after: Int64 = 0
                while rows.count < plan.limit {
                    let window = plan.window(expression, in: index, after: after)
                    let through = try Int64.fetchOne(db, sql: window.sql, arguments: window.arguments)
                    // The second tier also meets the first tier's rows again, so each window asks
                    // for a whole page (what is missing plus what may be met again).
                    let tier = plan.tier(
                        expression, in: index, after: after, through: through, order: order, alsoMatching: alsoMatching, limit: plan.limit)
                    for row in try Row.fetchAll(db, sql: tier.sql, arguments: tier.arguments) where rows.count < plan.limit {
                        if seen.insert(row["hit"]).inserted { rows.append(row) }
                    }
                    guard let through else { break }
                    after = through
                }
            }
            return try rows.map { try ItemRecord(row: $0).item }
        }
    }

    /// The rowids the plain FTS5 query gives (MATCH, ORDER BY bm25, LIMIT): the baseline the
    /// benchmark compares ``search(_:order:reverse:limit:offset:)`` with.
    public func plainFTS(_ query: SearchQuery, limit: Int) throws(StoreError) -> [Int64] {
        guard let match = SearchSQL.matchExpression(query.clauses) else { return [] }
        return try read { db in
            try Int64.fetchAll(
                db, sql: "SELECT rowid FROM item_fts WHERE item_fts MATCH ? ORDER BY bm25(item_fts, \(SearchSQL.weights)) LIMIT ?",
                arguments: [match, limit])
        }
    }

    /// Calls `body` with every item, ordered by source and path, streaming from the database
    /// (memory stays constant whatever the catalog's size). Without `records`, items come with an
    /// empty `record` and `text` (what reports need, read at a third of the cost).
    public func forEachItem(source: Source? = nil, records: Bool = true, _ body: (CatalogItem) throws -> Void) throws {
        let selection = records ? ItemRecord.selection : ItemRecord.selection(withRecords: false)
        do {
            try writer.unsafeReentrantRead { db in
                let records =
                    if let source {
                        try ItemRecord.fetchCursor(
                            db, sql: "SELECT \(selection) FROM item WHERE source = ? ORDER BY path, id", arguments: [source.rawValue])
                    } else {
                        try ItemRecord.fetchCursor(db, sql: "SELECT \(selection) FROM item ORDER BY source, path, id")
                    }
                while let record = try records.next() { try body(record.item) }
            }
        } catch let error as DatabaseError {
            throw Self.map(error, path: path)
        }
    }

    /// The items of `source` with these ids (those not catalogued are left out), by id.
    public func items(source: Source, ids: [String]) throws(StoreError) -> [String: CatalogItem] {
        guard !ids.isEmpty else { return [:] }
        return try read { db in
            var found: [String: CatalogItem] = [:]
            let statement = try db.cachedStatement(sql: "SELECT \(ItemRecord.selection) FROM item WHERE source = ? AND id = ?")
            for id in ids {
                found[id] = try ItemRecord.fetchOne(statement, arguments: [source.rawValue, id])?.item
            }
            return found
        }
    }

    /// The items of `source` whose parent is one of `parentIDs`.
    public func children(source: Source, of parentIDs: [String]) throws(StoreError) -> [CatalogItem] {
        guard !parentIDs.isEmpty else { return [] }
        return try read { db in
            var found: [CatalogItem] = []
            let statement = try db.cachedStatement(sql: "SELECT \(ItemRecord.selection) FROM item WHERE source = ? AND parent_id = ?")
            for id in parentIDs {
                found += try ItemRecord.fetchAll(statement, arguments: [source.rawValue, id]).map(\.item)
            }
            return found
        }
    }

    /// How many items of `source` each of `parentIDs` holds (those holding none are left out).
    public func childCounts(source: Source, of parentIDs: [String]) throws(StoreError) -> [String: Int] {
        guard !parentIDs.isEmpty else { return [:] }
        return try read { db in
            var counts: [String: Int] = [:]
            let statement = try db.cachedStatement(sql: "SELECT count(*) FROM item WHERE source = ? AND parent_id = ?")
            for id in parentIDs {
                let count = try Int.fetchOne(statement, arguments: [source.rawValue, id]) ?? 0
                if count > 0 { counts[id] = count }
            }
            return counts
        }
    }

    /// The ids of the items of `source` in project `projectID` (the project included).
    public func itemIDs(source: Source, projectID: String) throws(StoreError) -> [String] {
        try read { db in
            try String.fetchAll(db, sql: "SELECT id FROM item WHERE project_id = ? AND source = ?", arguments: [projectID, source.rawValue])
        }
    }

    /// The items of `source` in project `projectID` (the project included): a local volume's
    /// folders and files, for a scan to compare with what it finds.
    public func items(source: Source, projectID: String) throws(StoreError) -> [CatalogItem] {
        try read { db in
            try ItemRecord.fetchAll(
                db, sql: "SELECT \(ItemRecord.selection) FROM item WHERE project_id = ? AND source = ?", arguments: [projectID, source.rawValue]
            ).map(\.item)
        }
    }

    /// Calls `body` with each item of `source` in project `projectID`, streaming from the
    /// database: for what keeps only part of each item (`verify`, `where`), memory is what it
    /// keeps, not the items.
    public func forEachItem(source: Source, projectID: String, _ body: (CatalogItem) throws -> Void) throws {
        do {
            try writer.unsafeReentrantRead { db in
                let records = try ItemRecord.fetchCursor(
                    db, sql: "SELECT \(ItemRecord.selection) FROM item WHERE project_id = ? AND source = ?", arguments: [projectID, source.rawValue])
                while let record = try records.next() { try body(record.item) }
            }
        } catch let error as DatabaseError {
            throw Self.map(error, path: path)
        }
    }

    /// Records when these local volumes were scanned (their items' `updated_at`), after the
    /// scan's crawl committed.
    public func markScanned(volumes ids: [String], at date: Date) async throws(StoreError) {
        let stamp = Timestamp.format(date)
        try await write { db in
            for id in ids {
                try db.execute(sql: "UPDATE item SET updated_at = ? WHERE source = 'local' AND kind = 'volume' AND id = ?", arguments: [stamp, id])
            }
        }
    }

    /// Each catalogued local volume with its files' count and bytes, by name.
    public func volumes() throws(StoreError) -> [(volume: CatalogItem, files: Int, bytes: Int64)] {
        try read { db in
            let counts = Dictionary(
                try Row.fetchAll(
                    db,
                    sql:
                        """
                        SELECT project_id, count(*) AS files, coalesce(sum(size), 0) AS bytes FROM item WHERE source = 'local' AND kind = \
                        'file' GROUP BY project_id
                        """
                ).map { row -> (String, (Int, Int64)) in (row["project_id"] ?? "", (row["files"], row["bytes"])) },
                uniquingKeysWith: { first, _ in first })
            return try ItemRecord.fetchAll(
                db, sql: "SELECT \(ItemRecord.selection) FROM item WHERE source = 'local' AND kind = 'volume' ORDER BY name, id"
            )
            .map { record in
                let volume = record.item
                let (files, bytes) = counts[volume.id] ?? (0, 0)
                return (volume, files, bytes)
            }
        }
    }

    /// The items of `source` of one kind (e.g. every project).
    public func items(source: Source, kind: ItemKind) throws(StoreError) -> [CatalogItem] {
        try read { db in
            try ItemRecord.fetchAll(
                db, sql: "SELECT \(ItemRecord.selection) FROM item WHERE source = ? AND kind = ?", arguments: [source.rawValue, kind.rawValue]
            ).map(\.item)
        }
    }

    /// The number of items, per source when given.
    public func itemCount(source: Source? = nil) throws(StoreError) -> Int {
        try read { db in
            if let source {
                return try Int.fetchOne(db, sql: "SELECT count(*) FROM item WHERE source = ?", arguments: [source.rawValue]) ?? 0
            }
            return try Int.fetchOne(db, sql: "SELECT count(*) FROM item") ?? 0
        }
    }

    /// Every source's counts and crawls (local volumes only once one was scanned).
    public func status() throws(StoreError) -> [SourceStatus] {
        try read { db in
            try Source.allCases.map { source in
                var counts: [ItemKind: Int] = [:]
                for row in try Row.fetchAll(
                    db, sql: "SELECT kind, count(*) FROM item WHERE source = ? GROUP BY kind", arguments: [source.rawValue])
                {
                    if let kind = ItemKind(rawValue: row[0]) { counts[kind] = row[1] }
                }
                let complete = try Row.fetchOne(
                    db, sql: "SELECT * FROM crawl WHERE source = ? AND status = 'complete' ORDER BY id DESC LIMIT 1",
                    arguments: [source.rawValue])
                let last = try Row.fetchOne(
                    db, sql: "SELECT * FROM crawl WHERE source = ? ORDER BY id DESC LIMIT 1", arguments: [source.rawValue])
                var attempt = try last.map { try CrawlRecord(row: $0) }
                // Recorded as running but holding no lock: killed (the next crawl records it so).
                if attempt?.status == .running, !CrawlLock.isHeld(databasePath: path) { attempt?.status = .interrupted }
                let bytes =
                    try Int64.fetchOne(
                        db, sql: "SELECT coalesce(sum(size), 0) FROM item WHERE source = ? AND kind IN ('file', 'asset')",
                        arguments: [source.rawValue]) ?? 0
                return SourceStatus(
                    source: source, counts: counts, bytes: bytes, lastComplete: try complete.map { try CrawlRecord(row: $0) }, lastAttempt: attempt)
            }
            // Local volumes are listed once something was scanned (the services always: "never
            // crawled" tells a person what to set up).
            .filter { $0.source != .local || $0.lastAttempt != nil || !$0.counts.isEmpty }
        }
    }

    /// The latest crawl of a source, whatever became of it (running, failed or complete).
    public func lastCrawl(source: Source) throws(StoreError) -> CrawlRecord? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM crawl WHERE source = ? ORDER BY id DESC LIMIT 1", arguments: [source.rawValue]).map {
                try CrawlRecord(row: $0)
            }
        }
    }

    /// The last complete crawl of a source, if any.
    public func lastCompleteCrawl(source: Source) throws(StoreError) -> CrawlRecord? {
        try read { db in
            try Row.fetchOne(
                db, sql: "SELECT * FROM crawl WHERE source = ? AND status = 'complete' ORDER BY id DESC LIMIT 1", arguments: [source.rawValue]
            ).map { try CrawlRecord(row: $0) }
        }
    }

    /// Which changes to read: those of the complete crawls after crawl `afterCrawl` (of crawl
    /// `crawl` alone, or finished at or after `since`), of one source or all, of one item with
    /// `itemID`, inside one of `folders` before or after the change (a move out counts too).
    public struct ChangeFilter: Sendable {
        public var afterCrawl: Int64?
        public var crawl: Int64?
        public var since: Date?
        public var source: Source?
        public var itemID: String?
        public var folders: [String]?

        public init(
            afterCrawl: Int64? = nil, crawl: Int64? = nil, since: Date? = nil, source: Source? = nil, itemID: String? = nil,
            under folders: [String]? = nil
        ) {
            self.afterCrawl = afterCrawl
            self.crawl = crawl
            self.since = since
            self.source = source
            self.itemID = itemID
            self.folders = folders
        }

        /// The `WHERE` clause over `item_change ch JOIN crawl c`, and its arguments.
        var condition: (sql: String, arguments: StatementArguments) {
            var conditions = ["c.status = 'complete'"]
            var arguments = StatementArguments()
            if let folders {
                var inside: [String] = []
                for folder in folders {
                    inside.append("(ch.new_path >= ? AND ch.new_path < ?) OR (ch.old_path >= ? AND ch.old_path < ?)")
                    arguments += [folder + "/", folder + "0", folder + "/", folder + "0"]
                }
                conditions.append("(" + (inside.isEmpty ? "0" : inside.joined(separator: " OR ")) + ")")
            }
            if let afterCrawl {
                conditions.append("ch.crawl_id > ?")
                arguments += [afterCrawl]
            }
            if let crawl {
                conditions.append("ch.crawl_id = ?")
                arguments += [crawl]
            }
            if let since {
                conditions.append("c.finished_at >= ?")
                arguments += [Timestamp.format(since)]
            }
            if let source {
                conditions.append("ch.source = ?")
                arguments += [source.rawValue]
            }
            if let itemID {
                conditions.append("ch.id = ?")
                arguments += [itemID]
            }
            return (conditions.joined(separator: " AND "), arguments)
        }
    }

    /// Calls `body` with every change `filter` selects, oldest first, streaming; the first
    /// `limit` only when given.
    public func forEachChange(_ filter: ChangeFilter, limit: Int? = nil, _ body: (CatalogChange) throws -> Void) throws {
        let (condition, arguments) = filter.condition
        let sql = """
            SELECT ch.*, c.finished_at FROM \(Self.changeRows) ch JOIN crawl c ON c.id = ch.crawl_id
            WHERE \(condition) ORDER BY ch.crawl_id, ch.change, coalesce(ch.new_path, ch.old_path), ch.id
            """ + (limit.map { " LIMIT \($0)" } ?? "")
        do {
            try writer.unsafeReentrantRead { db in
                let rows = try Row.fetchCursor(db, sql: sql, arguments: arguments)
                while let row = try rows.next() {
                    try body(
                        CatalogChange(
                            crawlID: row["crawl_id"], finishedAt: (row["finished_at"] as String?).flatMap(Timestamp.parse),
                            source: Source(rawValue: row["source"]) ?? .frameio, id: row["id"],
                            change: CatalogChange.Kind(rawValue: row["change"]) ?? .modified, kind: row["kind"], name: row["name"],
                            oldPath: row["old_path"], newPath: row["new_path"], oldDigest: row["old_digest"], newDigest: row["new_digest"],
                            fields: (row["fields"] as String?).map { $0.split(separator: ",").map(String.init) } ?? []))
                }
            }
        } catch let error as DatabaseError {
            throw Self.map(error, path: path)
        }
    }

    /// Calls `body` with every change made by the complete crawls after crawl `afterCrawl` (or
    /// finished at or after `since`), of one source or all (of one item with `itemID`), oldest first, streaming.
    public func forEachChange(
        afterCrawl: Int64? = nil, since: Date? = nil, source: Source? = nil, itemID: String? = nil, under folders: [String]? = nil,
        _ body: (CatalogChange) throws -> Void
    ) throws {
        try forEachChange(ChangeFilter(afterCrawl: afterCrawl, since: since, source: source, itemID: itemID, under: folders), body)
    }

    /// Every change as a row of `item_change`: the items' own, and the review comments' (kind
    /// `comment`, its text as the name, the file's path as its path; `changed` as `modified`),
    /// each comment change under the crawl of its source that was running when its pass began.
    static let changeRows = """
        (SELECT crawl_id, source, id, change, kind, name, old_path, new_path, old_digest, new_digest, fields FROM item_change
        UNION ALL
        SELECT (SELECT max(k.id) FROM crawl k WHERE k.source = p.source AND k.started_at <= p.started_at), cc.source, cc.comment_id,
            CASE cc.change WHEN 'changed' THEN 'modified' ELSE cc.change END, 'comment', cc.text,
            CASE WHEN cc.change = 'added' THEN NULL ELSE i.path END, CASE WHEN cc.change = 'deleted' THEN NULL ELSE i.path END,
            NULL, NULL, NULL
        FROM comment_change cc JOIN comment_pass p ON p.id = cc.pass_id
        LEFT JOIN item i ON i.source = cc.source AND i.id = cc.file_id)
        """

    /// How many changes `filter` selects, counted by the database.
    public func changeCount(_ filter: ChangeFilter) throws(StoreError) -> Int {
        let (condition, arguments) = filter.condition
        return try read { db in
            try Int.fetchOne(
                db, sql: "SELECT count(*) FROM \(Self.changeRows) ch JOIN crawl c ON c.id = ch.crawl_id WHERE \(condition)", arguments: arguments)
                ?? 0
        }
    }

    /// Every crawl, newest first.
    public func crawls(limit: Int = 20) throws(StoreError) -> [CrawlRecord] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM crawl ORDER BY id DESC LIMIT ?", arguments: [limit]).map { try CrawlRecord(row: $0) }
        }
    }

    /// The paths of the projects whose names match `names` as `project:` matches them (case and
    /// diacritics aside, `*` a wildcard), or whose id, or a scanned drive's, is one of `names`.
    public func projectPaths(named names: [String]) throws(StoreError) -> [String] { try projects(named: names, column: "path") }

    /// The ids of the projects (or drives) ``projectPaths(named:)`` finds.
    public func projectIDs(named names: [String]) throws(StoreError) -> [String] { try projects(named: names, column: "id") }

    private func projects(named names: [String], column: String) throws(StoreError) -> [String] {
        try read { db in
            let patterns = names.map { SearchSQL.likePattern(TextFolding.fold($0)) }
            guard !patterns.isEmpty else { return [] }
            let byName = patterns.map { _ in "catalog_fold(name) LIKE ? ESCAPE '\\'" }.joined(separator: " OR ")
            let byID = names.map { _ in "?" }.joined(separator: ", ")
            return try String.fetchAll(
                db,
                sql: """
                    SELECT \(column) FROM item WHERE (kind = 'project' AND (\(byName)))
                    OR (kind IN ('project', 'volume') AND id IN (\(byID))) ORDER BY path
                    """,
                arguments: StatementArguments(patterns) + StatementArguments(names))
        }
    }

    /// The people user fields can name, by name.
    public func people() throws(StoreError) -> [CatalogPerson] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT source, id, name, email FROM person ORDER BY name, source, id").compactMap { row in
                guard let source = Source(rawValue: row["source"]) else { return nil }
                return CatalogPerson(source: source, id: row["id"], name: row["name"], email: row["email"])
            }
        }
    }

    /// The custom fields of a source (or of all), in the service's order.
    public func fields(source: Source? = nil) throws(StoreError) -> [CatalogField] {
        try read { db in
            let rows =
                if let source {
                    try Row.fetchAll(db, sql: "SELECT * FROM field WHERE source = ? ORDER BY position, name", arguments: [source.rawValue])
                } else {
                    try Row.fetchAll(db, sql: "SELECT * FROM field ORDER BY source, position, name")
                }
            return try rows.map { row in
                CatalogField(
                    source: try row.decode(forColumn: "source"), id: row["id"], name: row["name"], position: row["position"],
                    hasFixedOptions: row["has_fixed_options"], hierarchical: row["hierarchical"], multiValue: row["multi_value"],
                    isFolders: row["is_folders"], type: row["type"] ?? "", record: row["record"])
            }
        }
    }

    /// The options of a field (or of every field of the source), ordered by path.
    public func fieldOptions(source: Source, fieldID: String? = nil) throws(StoreError) -> [CatalogFieldOption] {
        try read { db in
            let rows =
                if let fieldID {
                    try Row.fetchAll(
                        db, sql: "SELECT * FROM field_option WHERE source = ? AND field_id = ? ORDER BY path",
                        arguments: [source.rawValue, fieldID])
                } else {
                    try Row.fetchAll(db, sql: "SELECT * FROM field_option WHERE source = ? ORDER BY field_id, path", arguments: [source.rawValue])
                }
            return rows.map { row in
                CatalogFieldOption(
                    source: source, id: row["id"], fieldID: row["field_id"], parentID: row["parent_id"], value: row["value"],
                    position: row["position"], path: row["path"], record: row["record"])
            }
        }
    }
}

/// How many items hold one value of a custom field.
public struct FieldValueCount: Sendable, Hashable {
    public var source: Source
    /// The field's name (as items hold it in `metadata`).
    public var field: String
    public var value: String
    public var items: Int
}

extension CatalogDatabase {
    /// For every custom field value items hold: how many items hold it, by source, field and value.
    public func fieldValueCounts(source: Source? = nil) throws(StoreError) -> [FieldValueCount] {
        try read { db in
            let filter = source == nil ? "" : "AND i.source = ?"
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT i.source AS source, f.key AS field, CAST(v.value AS TEXT) AS value, count(DISTINCT i.seq) AS items
                    FROM item i, json_each(i.metadata) f, json_each(f.value) v
                    WHERE i.metadata IS NOT NULL \(filter)
                    GROUP BY 1, 2, 3 ORDER BY 1, 2, 4 DESC, 3
                    """, arguments: StatementArguments(source.map { [$0.rawValue] } ?? []))
            return try rows.map { row in
                FieldValueCount(source: try row.decode(forColumn: "source"), field: row["field"], value: row["value"] ?? "", items: row["items"])
            }
        }
    }
}

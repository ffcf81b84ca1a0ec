import CatalogCore
import Foundation
import GRDB

/// One entry of a folder listing (`catalog ls`): a catalogued item, or a folder known only from
/// the paths of the items below it (a Dash folder, which the catalog holds no item for).
public struct ListingEntry: Sendable, Equatable {
    /// The source it belongs to.
    public var source: Source
    /// The entry's name in its folder.
    public var name: String
    /// Its whole path.
    public var path: String
    /// The item, when the catalog holds one (nil for a folder known from paths).
    public var item: CatalogItem?

    public init(source: Source, name: String, path: String, item: CatalogItem?) {
        self.source = source
        self.name = name
        self.path = path
        self.item = item
    }

    /// Whether the entry holds others.
    public var isFolder: Bool { item?.kind.isContainer ?? true }
}

extension Source {
    /// Whether the catalog holds an item for each of the source's containers, linked to its
    /// children by `parent_id` (Frame.io); otherwise its folders exist only in paths (Dash).
    public var catalogsContainers: Bool { self == .frameio || self == .local }
}

extension CatalogDatabase {
    /// The names of the projects (for local items, the volumes) `items` are in, by project id.
    public func projectNames(of items: [CatalogItem]) throws(StoreError) -> [String: String] {
        let ids = Array(Set(items.compactMap(\.projectID)))
        guard !ids.isEmpty else { return [:] }
        return try read { db in
            var names: [String: String] = [:]
            for chunk in stride(from: 0, to: ids.count, by: 500).map({ Array(ids[$0..<min($0 + 500, ids.count)]) }) {
                let rows = try Row.fetchAll(
                    db,
                    sql:
                        "SELECT id, name FROM item WHERE kind IN ('project', 'volume') AND id IN (\(chunk.map { _ in "?" }.joined(separator: ", ")))",
                    arguments: StatementArguments(chunk))
                for row in rows { names[row["id"]] = row["name"] }
            }
            return names
        }
    }

    /// The items whose id is `id` (one per source at most), of `source` or every source.
    public func items(id: String, source: Source? = nil) throws(StoreError) -> [CatalogItem] {
        try read { db in
            let (scope, arguments) = Self.sourceScope(source)
            return try ItemRecord.fetchAll(
                db, sql: "SELECT \(ItemRecord.selection) FROM item WHERE \(scope) AND id = ?", arguments: arguments + [id]
            ).map(\.item)
        }
    }

    /// The items at exactly `path` (a folder may hold two files of one name), of `source` or every source.
    public func items(path: String, source: Source? = nil) throws(StoreError) -> [CatalogItem] {
        try read { db in
            try ItemRecord.fetchAll(
                db,
                sql: "SELECT \(ItemRecord.selection) FROM item WHERE path = ?" + (source == nil ? "" : " AND source = ?") + " ORDER BY source, id",
                arguments: StatementArguments([path] + (source.map { [$0.rawValue] } ?? []))
            ).map(\.item)
        }
    }

    /// `source`, or every source, as a condition on the first column of the `(source, id)`
    /// index, and its arguments: the planner then seeks each source's ids (`id = ?` alone
    /// scans the table: `show ID` read a million rows).
    private static func sourceScope(_ source: Source?) -> (String, StatementArguments) {
        let sources = source.map { [$0] } ?? Source.allCases
        return (SearchSQL.among("source", sources.count), StatementArguments(sources.map(\.rawValue)))
    }

    /// The shortest start of each item's id, at least `minimum` characters (or the whole id),
    /// that no other item's id in the catalog starts with: what a table's ID column shows and
    /// ``items(idPrefix:source:limit:)`` finds again. Two seeks of the id index per source.
    /// Counted in Unicode scalars, as the index compares bytes (a start that ends inside a
    /// letter and its accent still names one id). A local item's id is its volume and path,
    /// whose starts name its folders: it is shown whole.
    public func shortIDs(of items: [CatalogItem], minimum: Int = 8) throws(StoreError) -> [ItemKey: String] {
        try read { db in
            var short: [ItemKey: String] = [:]
            for item in items {
                guard item.source != .local else {
                    short[ItemKey(source: item.source, id: item.id)] = item.id
                    continue
                }
                var shared = 0
                for source in Source.allCases {
                    // In another source the next id may be this one: then only the whole id (and
                    // `--source`) tells them apart, and the shared start is all of it.
                    let next = source == item.source ? ">" : ">="
                    for sql in [
                        "SELECT id FROM item WHERE source = ? AND id < ? ORDER BY id DESC LIMIT 1",
                        "SELECT id FROM item WHERE source = ? AND id \(next) ? ORDER BY id LIMIT 1",
                    ] {
                        guard let neighbour = try String.fetchOne(db.cachedStatement(sql: sql), arguments: [source.rawValue, item.id]) else {
                            continue
                        }
                        shared = max(shared, Self.commonPrefixLength(item.id, neighbour))
                    }
                }
                var scalars = String.UnicodeScalarView()
                scalars.append(contentsOf: item.id.unicodeScalars.prefix(max(minimum, shared + 1)))
                short[ItemKey(source: item.source, id: item.id)] = String(scalars)
            }
            return short
        }
    }

    /// How many Unicode scalars `a` and `b` share at their start.
    static func commonPrefixLength(_ a: String, _ b: String) -> Int {
        var count = 0
        for (x, y) in zip(a.unicodeScalars, b.unicodeScalars) {
            guard x == y else { break }
            count += 1
        }
        return count
    }

    /// Up to `limit` items whose id starts with `prefix` (as a table's short ID shows it), by
    /// source and id; read through the `(source, id)` index.
    public func items(idPrefix prefix: String, source: Source? = nil, limit: Int = 20) throws(StoreError) -> [CatalogItem] {
        try read { db in
            // The ids from `prefix` up to (not including) the next possible prefix.
            var (scope, arguments) = Self.sourceScope(source)
            let conditions = [scope, "id >= ?", "id < ?"]
            arguments += [prefix, prefix + "\u{10FFFF}"]
            arguments += [limit]
            return try ItemRecord.fetchAll(
                db,
                sql: "SELECT \(ItemRecord.selection) FROM item WHERE \(conditions.joined(separator: " AND ")) ORDER BY source, id LIMIT ?",
                arguments: arguments
            ).map(\.item)
        }
    }

    /// Up to `limit` items named `name` (case and diacritics aside), by path: found through the
    /// names-only index, then compared whole.
    public func items(named name: String, source: Source? = nil, limit: Int = 20) throws(StoreError) -> [CatalogItem] {
        guard SearchQuery.isSearchable(name) else { return [] }
        return try read { db in
            let wanted = TextFolding.fold(name)
            let phrase = SearchSQL.literal(SearchQuery.Term(text: name, isPhrase: true))
            var found: [CatalogItem] = []
            let records = try ItemRecord.fetchCursor(
                db,
                sql: "SELECT \(ItemRecord.selection) FROM item_name_fts CROSS JOIN item ON item.seq = item_name_fts.rowid WHERE item_name_fts MATCH ?"
                    + (source == nil ? "" : " AND item.source = ?") + " ORDER BY item.path",
                arguments: StatementArguments([phrase] + (source.map { [$0.rawValue] } ?? [])))
            while let item = try records.next()?.item, found.count < limit {
                if TextFolding.fold(item.name) == wanted { found.append(item) }
            }
            return found
        }
    }

    /// The other items with the same content as `item` (the same XXH64 or MD5), by path.
    public func sameContent(as item: CatalogItem) throws(StoreError) -> [CatalogItem] {
        guard item.xxh64 != nil || item.md5 != nil else { return [] }
        return try read { db in
            try ItemRecord.fetchAll(
                db,
                sql: """
                    SELECT \(ItemRecord.selection) FROM item WHERE (xxh64 = ? OR md5 = ?) AND NOT (source = ? AND id = ?)
                    ORDER BY path LIMIT 1000
                    """,
                arguments: [item.xxh64, item.md5, item.source.rawValue, item.id]
            ).map(\.item)
        }
    }

    /// What the catalog holds directly inside `path` ("" for the top), of `source` or every
    /// source, by name: the children of the containers at that path, and the items and folders
    /// that the paths of sources without container items (``Source/catalogsContainers``) put
    /// there. Folders known from paths are found by skipping from one to the next in the path
    /// index, so a listing costs a few reads per entry, not a read of everything below it.
    /// At most `limit` entries.
    public func list(_ path: String, source: Source? = nil, limit: Int = 100_000) throws(StoreError) -> [ListingEntry] {
        let sources = source.map { [$0] } ?? Source.allCases
        return try read { db in
            var entries: [ListingEntry] = []
            for source in sources where entries.count < limit {
                if source.catalogsContainers {
                    let records: [ItemRecord]
                    if path.isEmpty {
                        records = try ItemRecord.fetchAll(
                            db, sql: "SELECT \(ItemRecord.selection) FROM item WHERE source = ? AND parent_id IS NULL LIMIT ?",
                            arguments: [source.rawValue, limit])
                    } else {
                        records = try ItemRecord.fetchAll(
                            db,
                            sql: """
                                SELECT \(ItemRecord.selection) FROM item WHERE source = ? AND parent_id IN
                                  (SELECT id FROM item WHERE source = ? AND path = ?) LIMIT ?
                                """,
                            arguments: [source.rawValue, source.rawValue, path, limit])
                    }
                    for item in records.map(\.item) {
                        entries.append(ListingEntry(source: source, name: item.name, path: item.path, item: item))
                    }
                } else {
                    try Self.listPaths(under: path, source: source, db: db, limit: limit, into: &entries)
                }
            }
            entries.sort { ($0.name.lowercased(), $0.path, $0.item?.id ?? "") < ($1.name.lowercased(), $1.path, $1.item?.id ?? "") }
            return Array(entries.prefix(limit))
        }
    }

    /// The entries directly under `path` for a source whose folders exist only in paths.
    private static func listPaths(under path: String, source: Source, db: Database, limit: Int, into entries: inout [ListingEntry]) throws {
        let prefix = path.isEmpty ? "" : path + "/"
        // Paths below `prefix` sort between it and the same text ending in "0" ("/" + 1).
        let end = path.isEmpty ? nil : path + "0"
        var cursor = prefix
        var inclusive = false
        var folders = Set<String>()
        while entries.count < limit {
            let sql =
                "SELECT path FROM item WHERE source = ? AND path \(inclusive ? ">=" : ">") ?" + (end == nil ? "" : " AND path < ?")
                + " ORDER BY path LIMIT 1"
            var arguments: StatementArguments = [source.rawValue, cursor]
            if let end { arguments += [end] }
            guard let next = try String.fetchOne(db, sql: sql, arguments: arguments), next.hasPrefix(prefix) else { break }
            let rest = next.dropFirst(prefix.count)
            if let slash = rest.firstIndex(of: "/") {
                let name = String(rest[..<slash])
                if folders.insert(name).inserted { entries.append(ListingEntry(source: source, name: name, path: prefix + name, item: nil)) }
                // Skip everything inside that folder.
                cursor = prefix + name + "0"
                inclusive = true
            } else {
                for item in try ItemRecord.fetchAll(
                    db, sql: "SELECT \(ItemRecord.selection) FROM item WHERE source = ? AND path = ?", arguments: [source.rawValue, next]
                ).map(\.item) {
                    entries.append(ListingEntry(source: source, name: item.name, path: item.path, item: item))
                }
                cursor = next
                inclusive = false
            }
        }
    }
}

/// Everything the catalog knows around one item (`catalog show`, `catalog serve`'s item page).
public struct ItemDetails: Sendable {
    public var item: CatalogItem
    /// The versions of its stack (its own, or the stack it is a version in), newest first.
    public var versions: [CatalogItem]
    /// The other items with the same content.
    public var sameContent: [CatalogItem]
    /// Its change history, oldest first.
    public var changes: [CatalogChange]
    /// The names of the projects of these items, by project id.
    public var projects: [String: String]
    /// A file's review comments and replies (each reply after the comment it answers).
    public var comments: [ListedComment]
}

extension CatalogDatabase {
    /// The versions, same-content items, history and comments of `item`.
    public func details(of item: CatalogItem) throws -> ItemDetails {
        var stack: String?
        if item.kind == .versionStack {
            stack = item.id
        } else if let parent = item.parentID, try items(id: parent, source: item.source).first?.kind == .versionStack {
            stack = parent
        }
        let versions =
            try stack.map { try children(source: item.source, of: [$0]) }?
            .sorted { ($0.createdAt ?? .distantPast, $0.name) > ($1.createdAt ?? .distantPast, $1.name) } ?? []
        var changes: [CatalogChange] = []
        try forEachChange(source: item.source, itemID: item.id) { changes.append($0) }
        let same = try sameContent(as: item)
        var comments: [ListedComment] = []
        if item.kind == .file {
            var filter = CommentFilter()
            filter.source = item.source
            filter.fileID = item.id
            try forEachComment(filter) { comments.append($0) }
        }
        return ItemDetails(
            item: item, versions: versions, sameContent: same, changes: changes, projects: try projectNames(of: [item] + versions + same),
            comments: comments)
    }
}

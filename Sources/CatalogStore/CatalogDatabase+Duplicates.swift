import CatalogCore
import GRDB

extension CatalogDatabase {
    /// Groups of items holding the same content, most wasted bytes first (docs/reports.md, "dupes").
    ///
    /// Copies are joined by XXH64 (Frame.io) or MD5 (Dash); an item carrying both joins the groups
    /// of both, across sources. Versions inside one version stack are one place, so a stack whose
    /// versions are identical is not reported as copies of itself. With `filter.probable`, items
    /// without any digest are grouped by (size, name) in groups labelled probable, listed after
    /// every proven group and never mixed with them.
    public func duplicateGroups(_ filter: DuplicateFilter) throws(StoreError) -> [DuplicateGroup] {
        var conditions = ["i.kind IN (\(filter.kinds.map { "'\($0.rawValue)'" }.sorted().joined(separator: ", ")))"]
        var arguments: StatementArguments = []
        if let source = filter.source {
            conditions.append("i.source = ?")
            arguments += [source.rawValue]
        }
        if let minSize = filter.minSize {
            conditions.append("i.size >= ?")
            arguments += [minSize]
        }
        if let projects = filter.projectIDs {
            conditions.append("i.project_id IN (\(projects.map { _ in "?" }.joined(separator: ", ")))")
            arguments += StatementArguments(projects)
        }
        let candidates = """
            SELECT i.source, i.id, i.kind, i.path, i.project_id, i.size, i.xxh64, i.md5, i.name,
              CASE WHEN p.kind = 'version_stack' THEN p.id END AS stack_id
            FROM item i LEFT JOIN item p ON p.source = i.source AND p.id = i.parent_id
            WHERE \(conditions.joined(separator: " AND "))
            """
        let bound = arguments
        return try read { db in
            func copy(_ row: Row) -> (DuplicateGroup.Copy, size: Int64, name: String) {
                let copy = DuplicateGroup.Copy(
                    source: Source(rawValue: row["source"]) ?? .frameio, id: row["id"], kind: ItemKind(rawValue: row["kind"]) ?? .file,
                    path: row["path"], projectID: row["project_id"], stackID: row["stack_id"], xxh64: row["xxh64"], md5: row["md5"])
                return (copy, row["size"] ?? 0, row["name"])
            }
            // Proven: the items whose xxh64 or md5 is shared, joined by union-find over both keys.
            let rows = try Row.fetchAll(
                db,
                sql: """
                    WITH c AS (\(candidates))
                    SELECT * FROM c
                    WHERE xxh64 IN (SELECT xxh64 FROM c WHERE xxh64 IS NOT NULL GROUP BY xxh64 HAVING count(*) > 1)
                       OR md5 IN (SELECT md5 FROM c WHERE md5 IS NOT NULL GROUP BY md5 HAVING count(*) > 1)
                    ORDER BY path, source, id
                    """, arguments: bound)
            var parent: [String: String] = [:]
            func find(_ key: String) -> String {
                var root = key
                while let next = parent[root], next != root { root = next }
                var node = key
                while let next = parent[node], next != root {
                    parent[node] = root
                    node = next
                }
                return root
            }
            func union(_ a: String, _ b: String) {
                let (ra, rb) = (find(a), find(b))
                if ra != rb { parent[max(ra, rb)] = min(ra, rb) }
            }
            let copies = rows.map(copy)
            for (c, _, _) in copies {
                let keys = [c.xxh64.map { "xxh64:\($0)" }, c.md5.map { "md5:\($0)" }].compactMap { $0 }
                for key in keys where parent[key] == nil { parent[key] = key }
                if keys.count == 2 { union(keys[0], keys[1]) }
            }
            var members: [String: [(DuplicateGroup.Copy, Int64)]] = [:]
            for (c, size, _) in copies {
                guard let key = c.xxh64.map({ "xxh64:\($0)" }) ?? c.md5.map({ "md5:\($0)" }) else { continue }
                members[find(key), default: []].append((c, size))
            }
            var proven: [DuplicateGroup] = []
            for list in members.values {
                let xxh = Set(list.compactMap(\.0.xxh64)).sorted()
                let md5 = Set(list.compactMap(\.0.md5)).sorted()
                let kind = [xxh.isEmpty ? nil : "xxh64", md5.isEmpty ? nil : "md5"].compactMap { $0 }.joined(separator: "+")
                let group = DuplicateGroup(
                    number: 0, probable: false, digestKind: kind, digest: (xxh + md5).joined(separator: "+"),
                    size: list.map(\.1).min() ?? 0, copies: list.map(\.0))
                if group.places > 1 { proven.append(group) }
            }
            var probable: [DuplicateGroup] = []
            if filter.probable {
                let rows = try Row.fetchAll(
                    db,
                    sql: """
                        WITH c AS (\(candidates) AND i.xxh64 IS NULL AND i.md5 IS NULL AND i.size IS NOT NULL)
                        SELECT c.* FROM c JOIN (SELECT size, name FROM c GROUP BY size, name HAVING count(*) > 1) k
                          ON k.size = c.size AND k.name = c.name
                        ORDER BY path, source, id
                        """, arguments: bound)
                var byKey: [String: [(DuplicateGroup.Copy, Int64)]] = [:]
                for (c, size, name) in rows.map(copy) { byKey["\(size):\(name)", default: []].append((c, size)) }
                for (key, list) in byKey {
                    let group = DuplicateGroup(
                        number: 0, probable: true, digestKind: "size+name", digest: key, size: list[0].1, copies: list.map(\.0))
                    if group.places > 1 { probable.append(group) }
                }
            }
            let order: (DuplicateGroup, DuplicateGroup) -> Bool = {
                $0.wastedBytes != $1.wastedBytes ? $0.wastedBytes > $1.wastedBytes : $0.digest < $1.digest
            }
            var all = proven.sorted(by: order) + probable.sorted(by: order)
            for i in all.indices { all[i].number = i + 1 }
            return all
        }
    }
}

import CatalogCore
import CatalogStore
import DashClient
import Foundation
import HTTPSupport

/// The Dash delta refresh (docs/architecture.md, "Delta refresh"): only what changed since the
/// last complete crawl, with fields and options re-checked cheaply and deletions found by
/// comparing counts.
extension DashCrawler {
    /// Runs a delta refresh from `since` (milliseconds) and commits it.
    func runDelta(since: Int64, session: CrawlSession, started: Date) async throws -> CrawlReport {
        var walk = Walk(crawler: self, session: session, started: started)
        do {
            let schema = try await walk.recheckSchema()
            let seen = try await walk.readAssets(mapper: schema.mapper, modifiedFrom: since)
            // Assets filed under renamed or moved options change path without changing date.
            try await walk.remap(affectedBy: schema.changedOptionIDs, skipping: seen, mapper: schema.mapper)
            let deleted = try await walk.findDeletions(seen: seen, mapper: schema.mapper)
            let catalogued = try database.itemCount(source: .dash)
            try DeltaRefusal.check(source: .dash, gone: deleted.count, catalogued: catalogued, force: options.force)
            try await walk.recorder.flush()
            try await database.stageDeletions(Array(deleted), in: session)
            let storeStart = Date()
            let merge = try await database.complete(session, stats: walk.recorder.stats(), fields: schema.fields, options: schema.options)
            walk.recorder.storeSeconds += Date().timeIntervalSince(storeStart)
            return walk.recorder.report(merge: merge, minimumRequests: walk.minimumRequests)
        } catch {
            try? await database.fail(session, error: "\(error)", stats: walk.recorder.stats())
            throw error
        }
    }
}

extension DashCrawler.Walk {
    struct Schema {
        var mapper: DashItemMapper
        var fields: [CatalogField]
        var options: [CatalogFieldOption]
        /// Options whose path changed or that are gone.
        var changedOptionIDs: Set<String>
    }

    /// Fields and options without walking the trees: one flat search per fixed-options field,
    /// parents taken from the catalog, and `GET /field-options/{id}` only for options not seen before.
    mutating func recheckSchema() async throws -> Schema {
        let fields = try await client.fields()
        let foldersFieldID = try await client.foldersFieldID()
        let known = Dictionary(
            try crawler.database.fieldOptions(source: .dash).map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var found: [(option: DashFieldOption, fieldID: String, parentID: String?)] = []
        for field in fields where field.hasFixedOptions {
            var options: [DashFieldOption] = []
            var seen = Set<String>()
            while true {
                let page = try await client.searchOptions(
                    criterion: DashCriterion.optionField("FIELD_ID", equals: field.id),
                    sorts: [DashCriterion.sort(optionField: "ID")], from: options.count, what: "options of field \(field.name)")
                minimumRequests += 1
                for option in page.elements where seen.insert(option.id).inserted { options.append(option) }
                if page.elements.isEmpty || options.count >= page.totalResults || options.count >= DashClient.pagingCap { break }
            }
            for option in options {
                var parentID = option.parentID
                if parentID == nil, field.hierarchical {
                    if let catalogued = known[option.id] {
                        parentID = catalogued.parentID
                    } else {
                        parentID = try await client.fieldOption(id: option.id).parentID
                        minimumRequests += 1
                    }
                }
                found.append((option, field.id, parentID))
            }
        }
        let mapper = DashItemMapper(fields: fields, foldersFieldID: foldersFieldID, options: found.map { ($0.option, $0.parentID) })
        let options = found.map { mapper.catalogOption($0.option, fieldID: $0.fieldID, parentID: $0.parentID) }
        let now = Dictionary(options.map { ($0.id, $0.path) }, uniquingKeysWith: { a, _ in a })
        let changed = Set(known.values.filter { now[$0.id] != $0.path }.map(\.id))
        return Schema(mapper: mapper, fields: mapper.catalogFields(), options: options, changedOptionIDs: changed)
    }

    /// Re-maps, from their stored records, catalogued assets that use a changed option.
    mutating func remap(affectedBy optionIDs: Set<String>, skipping seen: Set<String>, mapper: DashItemMapper) async throws {
        guard !optionIDs.isEmpty else { return }
        var affected: [CatalogItem] = []
        try crawler.database.forEachItem(source: .dash) { item in
            guard !seen.contains(item.id), let json = try? JSONParser.parse(item.record),
                let values = json["metadata"]?["values"]?.objectMembers,
                values.contains(where: { $0.value.arrayValue?.contains { $0.stringValue.map(optionIDs.contains) ?? false } ?? false }),
                let asset = try? DashAsset(json: json, what: "catalogued asset \(item.id)")
            else { return }
            affected.append(mapper.item(for: asset))
        }
        for item in affected { try await emit(item) }
    }

    /// Assets the service no longer has: the total is compared with what the catalog will hold;
    /// when they differ, windows of modification time are halved where the counts disagree, and
    /// only small disagreeing windows are listed id by id.
    mutating func findDeletions(seen: Set<String>, mapper: DashItemMapper) async throws -> Set<String> {
        let total = try await count(DashCriterion.matchAll, what: "all assets")
        minimumRequests += 1
        // What the catalog will hold after this delta: id → second of last modification.
        var local: [String: Int64] = [:]
        try crawler.database.forEachItem(source: .dash) { item in
            local[item.id] = item.updatedAt.map { Int64($0.timeIntervalSince1970) } ?? 0
        }
        for (id, second) in touched { local[id] = second }
        guard local.count != total else { return [] }
        let entries = local.map { (second: $0.value, id: $0.key) }.sorted { $0.second < $1.second }
        var candidates = Set<String>()
        try await bisect(entries[...], low: entries.first?.second ?? 0, high: entries.last?.second ?? 0, serviceCount: total, into: &candidates)
        // An asset missing from its window may only have moved in time (a file replaced by an
        // older one): ask for it by id before calling it deleted.
        var deleted = Set<String>()
        for id in candidates.sorted() {
            minimumRequests += 1
            if let asset = try await client.asset(id: id) {
                try await emit(mapper.item(for: asset))
            } else {
                deleted.insert(id)
            }
        }
        return deleted
    }

    /// `entries` are the catalog's assets modified in seconds `low…high`; the service has `serviceCount` there.
    mutating func bisect(
        _ entries: ArraySlice<(second: Int64, id: String)>, low: Int64, high: Int64, serviceCount: Int, into deleted: inout Set<String>
    ) async throws {
        guard entries.count > serviceCount else { return }
        if entries.count <= client.pageSize * 2 || low >= high {
            let window = DashCrawler.Window(from: low * 1000, to: high * 1000 + 999, count: serviceCount)
            var present = Set<String>()
            var from = 0
            while true {
                let page = try await client.searchAssets(
                    criterion: window.criterion, sorts: [DashCriterion.sort(fixed: "ADDED_ORDER", ascending: true)], from: from,
                    what: "ids of \(window.label)")
                for asset in page.elements { present.insert(asset.id) }
                from += page.elements.count
                if page.elements.isEmpty || from >= page.totalResults || from >= DashClient.pagingCap { break }
            }
            for entry in entries where !present.contains(entry.id) { deleted.insert(entry.id) }
            return
        }
        let middle = low + (high - low) / 2
        let split = entries.partitioningIndex { $0.second > middle }
        let left = DashCrawler.Window(from: low * 1000, to: middle * 1000 + 999, count: 0)
        let leftCount = try await count(left.criterion, what: left.label)
        try await bisect(entries[..<split], low: low, high: middle, serviceCount: leftCount, into: &deleted)
        try await bisect(entries[split...], low: middle + 1, high: high, serviceCount: serviceCount - leftCount, into: &deleted)
    }
}

extension Collection {
    /// The index of the first element for which `belongs` holds (elements must be partitioned).
    func partitioningIndex(where belongs: (Element) -> Bool) -> Index {
        var low = startIndex
        var count = distance(from: startIndex, to: endIndex)
        while count > 0 {
            let half = count / 2
            let middle = index(low, offsetBy: half)
            if belongs(self[middle]) {
                count = half
            } else {
                low = index(after: middle)
                count -= half + 1
            }
        }
        return low
    }
}

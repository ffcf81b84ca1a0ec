import CatalogCore
import CatalogStore
import DashClient
import Foundation
import HTTPSupport
import Logging

/// The Dash delta refresh (docs/crawling.md, "Delta refresh"): only what changed since the
/// last complete crawl, with fields and options re-checked cheaply and deletions found by
/// comparing counts.
extension DashCrawler.Walk {
    /// Reads what changed from `since` (milliseconds): the schema re-checked, assets modified
    /// since, assets re-filed under changed options, and the deletions.
    mutating func refresh(since: Int64) async throws -> WalkOutcome {
        let schema = try await recheckSchema()
        let seen = try await readAssets(mapper: schema.mapper, modifiedFrom: since)
        let catalogued = try await readCatalogue(remapping: schema.changedOptionIDs, skipping: seen, mapper: schema.mapper)
        let deleted = try await findDeletions(catalogued: catalogued, mapper: schema.mapper)
        return WalkOutcome(deletions: deleted, fields: schema.fields, fieldOptions: schema.options)
    }

    struct Schema {
        var mapper: DashItemMapper
        var fields: [CatalogField]
        var options: [CatalogFieldOption]
        /// Options whose path changed or that are gone.
        var changedOptionIDs: Set<String>
    }

    /// Fields and options without walking the trees: one flat search over every fixed-options
    /// field, parents taken from the catalog, and `GET /field-options/{id}` only for options of
    /// a tree not seen before. A service that refuses the flat search, leaves out the field of an
    /// option, or holds more options than one search can page through gets the full walk instead.
    mutating func recheckSchema() async throws -> Schema {
        let fields = try await client.fields()
        let foldersFieldID = try await client.foldersFieldID()
        let known = Dictionary(
            try crawler.database.fieldOptions(source: .dash).map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let (mapper, catalogFields, options): (DashItemMapper, [CatalogField], [CatalogFieldOption])
        if let listed = try await flatOptions(of: fields.filter(\.hasFixedOptions)) {
            let hierarchical = Set(fields.filter(\.hierarchical).map(\.id))
            var found: [(option: DashFieldOption, fieldID: String, parentID: String?)] = []
            for (option, fieldID) in listed {
                var parentID = option.parentID
                if parentID == nil, hierarchical.contains(fieldID) {
                    if let catalogued = known[option.id] {
                        parentID = catalogued.parentID
                    } else {
                        parentID = try await client.fieldOption(id: option.id).parentID
                        minimumRequests += 1
                    }
                }
                found.append((option, fieldID, parentID))
            }
            mapper = DashItemMapper(fields: fields, foldersFieldID: foldersFieldID, options: found.map { ($0.option, $0.parentID) })
            catalogFields = mapper.catalogFields()
            options = found.map { mapper.catalogOption($0.option, fieldID: $0.fieldID, parentID: $0.parentID) }
        } else {
            (mapper, catalogFields, options) = try await walkOptions(fields: fields, foldersFieldID: foldersFieldID)
        }
        let now = Dictionary(options.map { ($0.id, $0.path) }, uniquingKeysWith: { a, _ in a })
        let changed = Set(known.values.filter { now[$0.id] != $0.path }.map(\.id))
        return Schema(mapper: mapper, fields: catalogFields, options: options, changedOptionIDs: changed)
    }

    /// Every option of `fields` with its field, from one flat search (`FIELD_IN` on `FIELD_ID`,
    /// sorted by field and id, its pages tallied), or nil when that search cannot serve: the
    /// service refuses it, an option comes without its field, or there are more options than
    /// one search can page through.
    mutating func flatOptions(of fields: [DashField]) async throws -> [(option: DashFieldOption, fieldID: String)]? {
        guard !fields.isEmpty else { return [] }
        let ids = fields.map(\.id)
        let criterion = ids.count == 1 ? DashCriterion.optionField("FIELD_ID", equals: ids[0]) : DashCriterion.optionField("FIELD_ID", in: ids)
        let sorts = [DashCriterion.sort(optionField: "FIELD_ID"), DashCriterion.sort(optionField: "ID")]
        let what = "options of \(fields.count == 1 ? "field \(fields[0].name)" : "\(fields.count) fields")"
        let wanted = Set(ids)
        let listed: [DashFieldOption]?
        do {
            let read = try await DashCrawler.Walk.optionList(client, criterion: criterion, sorts: sorts, what: what)
            minimumRequests += read.requests
            listed = read.options
        } catch APIError.rejected(_, _, let status, let message) where status == 400 || status == 422 {
            crawler.logger.info("flat option search refused; walking the option trees", metadata: ["message": "\(message)"])
            return nil
        }
        guard let listed else { return nil }
        var options: [(option: DashFieldOption, fieldID: String)] = []
        for option in listed {
            guard let fieldID = option.fieldID, wanted.contains(fieldID) else { return nil }
            options.append((option, fieldID))
        }
        return options
    }

    /// One pass over the catalogued assets: each one's second of last modification and, when
    /// options changed, the re-mapping (from its stored record) of each asset filed under one of
    /// them that this delta did not read: it changes path without changing date.
    mutating func readCatalogue(remapping optionIDs: Set<String>, skipping seen: Set<String>, mapper: DashItemMapper) async throws
        -> [String: Int64]
    {
        var seconds: [String: Int64] = [:]
        var affected: [CatalogItem] = []
        try crawler.database.forEachItem(source: .dash, records: !optionIDs.isEmpty) { item in
            seconds[item.id] = DashCrawler.second(item.updatedAt)
            guard !optionIDs.isEmpty, !seen.contains(item.id), let asset = DashAsset(storedRecord: item.record),
                asset.isFiled(underAnyOf: optionIDs)
            else { return }
            affected.append(mapper.item(for: asset))
        }
        for item in affected { try await emit(item) }
        return seconds
    }

    /// Assets the service no longer has. The total is compared with what the catalog will hold;
    /// when they differ, the catalog's assets (ordered by modification second) are split in
    /// halves, each half's window counted on the service, and only halves holding fewer assets
    /// there than in the catalog are followed, down to windows one page lists (docs/crawling.md, "Dash delta").
    /// A mass disappearance is refused (see ``DeltaRefusal``) from the shortfall, before any
    /// request is spent finding it, and again from the deletions found.
    mutating func findDeletions(catalogued: [String: Int64], mapper: DashItemMapper) async throws -> Set<String> {
        let total = try await count(DashCriterion.matchAll, what: "all assets")
        minimumRequests += 1
        func refuse(_ gone: Int) throws {
            try DeltaRefusal.check(source: .dash, gone: gone, catalogued: catalogued.count, force: crawler.options.force)
        }
        var deleted = Set<String>()
        for pass in 0..<ListTally.maxReadings {
            // What the catalog will hold after this delta: id → second of last modification.
            var local = catalogued
            for (id, second) in touched { local[id] = second }
            for id in deleted { local[id] = nil }
            if pass == 0 { try refuse(local.count - total) }
            if local.count < total {
                crawler.logger.warning(
                    """
                    Dash holds more assets than this refresh found (\(total) against \(local.count)): some were probably added with a date in \
                    the past. Run `catalog crawl dash --verify` to read every asset.
                    """
                )
            }
            guard local.count > total else { break }
            let entries = local.map { (second: $0.value, id: $0.key) }.sorted { ($0.second, $0.id) < ($1.second, $1.id) }
            var found = Reconciliation(local: local)
            try await locate(entries[...], in: Span(low: nil, high: nil), serviceCount: total, listed: nil, into: &found)
            // Assets a listing showed at another time than the catalog holds moved in time (a
            // file replaced by an older one); one missing from its window may have done the same,
            // so it is asked for by id before it is called deleted.
            let client = self.client
            let unlisted = found.missing.subtracting(found.moved.keys).sorted()
            let answers = try await mapConcurrently(unlisted, limit: crawler.options.concurrency) { id in
                (id, try await client.asset(id: id))
            }
            minimumRequests += answers.count
            var moved = found.moved
            for (id, asset) in answers {
                if let asset { moved[id] = asset } else { deleted.insert(id) }
            }
            for asset in moved.values.sorted(by: { $0.id < $1.id }) { try await emit(mapper.item(for: asset)) }
            // An asset that moved into a window with a deletion hid it from the counts: with the
            // asset at its new time, look again.
            guard !moved.isEmpty else { break }
        }
        try refuse(deleted.count)
        return deleted
    }

    /// Seconds of last modification, both ends inclusive (nil: open).
    struct Span {
        var low: Int64?
        var high: Int64?
        func window(count: Int) -> DashCrawler.Window {
            DashCrawler.Window(from: low.map { $0 * 1000 }, to: high.map { $0 * 1000 + 999 }, count: count)
        }
    }

    /// What locating deletions found.
    struct Reconciliation {
        /// What the catalog will hold: id → second of last modification.
        let local: [String: Int64]
        /// Catalogued assets a window did not list.
        var missing = Set<String>()
        /// Assets a window listed at a time the catalog does not hold them at.
        var moved: [String: DashAsset] = [:]

        /// Compares a window's complete listing with the catalog's `entries` in it.
        mutating func compare(_ entries: ArraySlice<(second: Int64, id: String)>, listed: [DashAsset]) {
            var present = Set<String>()
            for asset in listed {
                present.insert(asset.id)
                if local[asset.id] != DashCrawler.second(asset.dateLastModified.flatMap(DashItemMapper.date)) { moved[asset.id] = asset }
            }
            for entry in entries where !present.contains(entry.id) { missing.insert(entry.id) }
        }
    }

    /// Finds which of `entries` (the catalog's assets in `span`) the service does not hold
    /// there; it holds `serviceCount` assets in `span`, and `listed` are all of them when one
    /// page already listed them.
    mutating func locate(
        _ entries: ArraySlice<(second: Int64, id: String)>, in span: Span, serviceCount: Int, listed: [DashAsset]?,
        into found: inout Reconciliation
    ) async throws {
        let missing = entries.count - serviceCount
        guard missing > 0 else { return }
        if let listed { return found.compare(entries, listed: listed) }
        let pageSize = servedPageSize ?? client.pageSize
        let pages = (max(entries.count, serviceCount) + pageSize - 1) / pageSize
        // Split at the median second, keeping both halves' spans non-empty.
        let median = entries[entries.startIndex + (entries.count - 1) / 2].second
        let middle = span.high.map { min(median, $0 - 1) } ?? median
        let splittable = span.low.map { middle >= $0 } ?? true
        // One page lists it, or listing costs no more than finding each missing asset would.
        if !splittable || pages <= 1 || (pages <= missing && serviceCount < DashClient.pagingCap) {
            return found.compare(entries, listed: try await list(span.window(count: serviceCount)))
        }
        let split = entries.partitioningIndex { $0.second > middle }
        let left = Span(low: span.low, high: middle)
        let right = Span(low: middle + 1, high: span.high)
        // A half one page can list is asked for as that page: its count and its assets in one request.
        let leftEntries = entries[..<split]
        let window = left.window(count: 0)
        let probeSize = leftEntries.count <= pageSize ? pageSize : 0
        let page = try await client.searchAssets(
            criterion: window.criterion, sorts: DashCrawler.addedOrder, from: 0, pageSize: probeSize,
            what: probeSize == 0 ? "the number of \(window.label)" : window.label)
        learnPageSize(asked: probeSize, from: 0, page)
        let leftCount = page.totalResults
        let leftListed = probeSize > 0 && page.elements.count >= leftCount ? page.elements : nil
        try await locate(leftEntries, in: left, serviceCount: leftCount, listed: leftListed, into: &found)
        try await locate(entries[split...], in: right, serviceCount: serviceCount - leftCount, listed: nil, into: &found)
    }

    /// Every asset in `window`, page by page.
    mutating func list(_ window: DashCrawler.Window) async throws -> [DashAsset] {
        var assets: [DashAsset] = []
        var seen = Set<String>()
        while true {
            let asked = servedPageSize ?? client.pageSize
            let page = try await client.searchAssets(
                criterion: window.criterion, sorts: DashCrawler.addedOrder, from: seen.count,
                pageSize: asked, what: window.label)
            learnPageSize(asked: asked, from: seen.count, page)
            for asset in page.elements where seen.insert(asset.id).inserted { assets.append(asset) }
            if page.elements.isEmpty || seen.count >= page.totalResults || seen.count >= DashClient.pagingCap { break }
        }
        return assets
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

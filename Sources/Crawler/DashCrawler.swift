import CatalogCore
import CatalogStore
import DashClient
import Foundation
import HTTPSupport
import Logging

/// Crawls a Dash tenant into the catalog: fields, every fixed-options field's option tree (level
/// by level, since a flat search may not give parents), and every asset.
///
/// Asset searches page only to 10 000 results, so the assets are read in windows of
/// `DATE_LAST_MODIFIED`: a window whose count (a `pageSize: 0` search) reaches the cap is split in
/// equal slices (2 to 64, enough for each to hold about 70% of the cap) of its own earliest to latest
/// time, until every window fits; a window whose pages do not add up is read again (up to three times). Windows
/// are sorted by `ADDED_ORDER`, results de-duplicated by id, and the number of distinct assets
/// read is checked against the tenant's total before anything is committed.
public struct DashCrawler: ServiceCrawler {
    let client: DashClient
    let setup: CrawlSetup

    static let source = Source.dash
    static let api = ServiceAPI.v2
    var requests: RequestStats { client.requester.stats }
    func signedInUser() async throws -> String { try await client.currentUser().id }

    /// Runs a crawl and commits it; throws (leaving the catalog as it was) if any page cannot be read.
    public func run() async throws -> CrawlReport { try await runCrawl() }

    /// Why a Dash crawl could not be completed.
    public enum Failure: CatalogFailure, Sendable {
        public var failureClass: FailureClass { .service }

        /// More assets share one modification time than one search can page through.
        case windowTooDense(time: String, count: Int)
        /// The distinct assets read do not add up to the tenant's total.
        case countMismatch(read: Int, expected: Int)

        public var description: String {
            switch self {
            case .windowTooDense(let time, let count):
                return
                    """
                    Dash reports \(count) assets last modified at the same instant (\(time)), more than one search can page through \
                    (\(DashClient.pagingCap)); the catalog is unchanged. Report this: it needs a finer partition.
                    """
            case .countMismatch(let read, let expected):
                return
                    """
                    Dash returned \(read) distinct assets but reports \(expected); the tenant probably changed during the crawl. Nothing was \
                    committed: the catalog is unchanged; run the crawl again.
                    """
            }
        }
    }

}

extension DashCrawler {
    /// Asset pages are read in the order assets were added, so paging is stable.
    static let addedOrder = [DashCriterion.sort(fixed: "ADDED_ORDER", ascending: true)]

    /// The second an item was last modified at, as a delta compares catalog and service (0: unknown).
    static func second(_ date: Date?) -> Int64 { date.map { Int64($0.timeIntervalSince1970) } ?? 0 }

    /// A window of modification times, both ends inclusive (nil: open).
    struct Window: Sendable {
        var from: Int64?
        var to: Int64?
        var count: Int
        var criterion: JSONValue { DashCriterion.lastModified(from: from, to: to) }
        var label: String { "assets modified \(from.map(DashTime.format) ?? "*") … \(to.map(DashTime.format) ?? "*")" }
    }

    struct Walk: ServiceWalk {
        let crawler: DashCrawler
        let session: CrawlSession
        var recorder: CrawlRecorder
        /// In a delta: the items staged and their modification second.
        var touched: [String: Int64] = [:]
        var minimumRequests = 3  // current user, fields, folder settings
        var expectedTotal: Int?
        /// How many results a search page really holds, once a page has shown it.
        var servedPageSize: Int?

        init(crawler: DashCrawler, session: CrawlSession, recorder: CrawlRecorder) {
            self.crawler = crawler
            self.session = session
            self.recorder = recorder
        }

        /// When the crawl began.
        var started: Date { recorder.started }

        var client: DashClient { crawler.client }

        mutating func walk(since: Date?) async throws -> WalkOutcome {
            guard let since else {
                recorder.phase = .readingFields
                let (mapper, fields, options) = try await readSchema()
                recorder.phase = .listing
                try await readAssets(mapper: mapper)
                return WalkOutcome(fields: fields, fieldOptions: options)
            }
            return try await refresh(since: Int64(since.timeIntervalSince1970 * 1000))
        }

        /// Fields, the folders field, and every option tree.
        mutating func readSchema() async throws -> (DashItemMapper, [CatalogField], [CatalogFieldOption]) {
            let fields = try await client.fields()
            let foldersFieldID = try await client.foldersFieldID()
            return try await walkOptions(fields: fields, foldersFieldID: foldersFieldID)
        }

        /// Every option tree of `fields`, level by level (each level's lists read concurrently).
        mutating func walkOptions(fields: [DashField], foldersFieldID: String) async throws -> (
            DashItemMapper, [CatalogField], [CatalogFieldOption]
        ) {
            var found: [(option: DashFieldOption, fieldID: String, parentID: String?)] = []
            // Each level of every tree: (field, parent or nil for the roots).
            var level: [(fieldID: String, parentID: String?)] = fields.filter(\.hasFixedOptions).map { ($0.id, nil) }
            let client = self.client
            let concurrency = crawler.options.concurrency
            while !level.isEmpty {
                var next: [(String, String?)] = []
                let results = try await mapConcurrently(level, limit: concurrency) { node in
                    try await Self.allOptions(client, fieldID: node.fieldID, parentID: node.parentID)
                }
                for (node, (options, requests)) in zip(level, results) {
                    minimumRequests += requests
                    for option in options {
                        found.append((option, node.fieldID, node.parentID))
                        let field = fields.first { $0.id == node.fieldID }
                        if field?.hierarchical == true, option.mayHaveChildren { next.append((node.fieldID, option.id)) }
                    }
                }
                level = next
                report(total: nil)
            }
            let mapper = DashItemMapper(fields: fields, foldersFieldID: foldersFieldID, options: found.map { ($0.option, $0.parentID) })
            let options = found.map { mapper.catalogOption($0.option, fieldID: $0.fieldID, parentID: $0.parentID) }
            return (mapper, mapper.catalogFields(), options)
        }

        /// Every page of the options under one parent (or the roots of a field), in position order.
        static func allOptions(_ client: DashClient, fieldID: String, parentID: String?) async throws -> ([DashFieldOption], Int) {
            let criterion = DashCriterion.and([
                DashCriterion.optionField("FIELD_ID", equals: fieldID),
                parentID.map { DashCriterion.optionField("PARENT_ID", equals: $0) } ?? DashCriterion.optionFieldIsEmpty("PARENT_ID"),
            ])
            let what = parentID.map { "options under \($0) of field \(fieldID)" } ?? "root options of field \(fieldID)"
            let (options, requests) = try await optionList(
                client, criterion: criterion, sorts: [DashCriterion.sort(optionField: "POSITION")], what: what)
            guard let options else {
                throw APIError.malformedResponse(
                    service: "Dash", what: what, detail: "more than \(DashClient.pagingCap) options under one parent cannot be paged")
            }
            return (options, requests)
        }

        /// Every page of one option list, tallied and read again until its pages add up (see
        /// ``ListTally``), with the requests it took; nil options when the list holds more than
        /// one search can page through.
        static func optionList(_ client: DashClient, criterion: JSONValue, sorts: [JSONValue], what: String) async throws -> (
            options: [DashFieldOption]?, requests: Int
        ) {
            var requests = 0
            var paging = Offsets<DashFieldOption>(cap: DashClient.pagingCap)
            do {
                let options = try await ListReader.read(what, paging: &paging) { from in
                    requests += 1
                    return try await client.searchOptions(criterion: criterion, sorts: sorts, from: from, what: what)
                }
                return (options, requests)
            } catch is Offsets<DashFieldOption>.TooLong {
                return (nil, requests)
            }
        }

        /// Every asset, through windows of modification time that each fit under the paging cap.
        @discardableResult
        mutating func readAssets(mapper: DashItemMapper, modifiedFrom: Int64? = nil) async throws -> Set<String> {
            let client = self.client
            let sorts = DashCrawler.addedOrder
            var base = Window(from: modifiedFrom, to: nil, count: 0)
            // The first page of everything also counts it: when that fits under the paging cap
            // it is the first page of the only window.
            let opening = try await client.searchAssets(criterion: base.criterion, sorts: sorts, from: 0, what: base.label)
            learnPageSize(asked: client.pageSize, from: 0, opening)
            let total = opening.totalResults
            base.count = total
            expectedTotal = total
            var windows: [Window] = []
            try await partition(base, into: &windows)
            var seen = Set<String>()
            seen.reserveCapacity(total)
            let nonEmpty = windows.filter { $0.count > 0 }
            guard let firstWindow = nonEmpty.first else {
                try await verify(seen: 0, total: total, criterion: base.criterion)
                return seen
            }
            let first: DashPage<DashAsset>
            if windows.count == 1 {
                first = opening
            } else {
                first = try await client.searchAssets(criterion: firstWindow.criterion, sorts: sorts, from: 0, what: firstWindow.label)
                learnPageSize(asked: client.pageSize, from: 0, first)
                minimumRequests += 1  // the opening page served as a count
            }
            let pageSize = servedPageSize ?? client.pageSize
            minimumRequests += max(1, (total + pageSize - 1) / pageSize)
            for asset in first.elements where seen.insert(asset.id).inserted { try await emit(mapper.item(for: asset)) }
            // Each window's pages are tallied: a window whose distinct assets fall short of its
            // count lost some to a page that shifted, repeated an asset or came back empty while
            // it was read, and is read again (up to three readings; the final count check decides).
            var tallies = nonEmpty.map { _ in WindowTally() }
            tallies[0].ids = Set(first.elements.map(\.id))
            var pages: [(window: Int, from: Int)] = []
            func queueWindow(_ index: Int, from start: Int) {
                var from = start
                while from < nonEmpty[index].count {
                    pages.append((index, from))
                    tallies[index].outstanding += 1
                    from += pageSize
                }
            }
            for index in nonEmpty.indices.reversed() { queueWindow(index, from: index == 0 ? first.elements.count : 0) }
            // Popped from the end: oldest windows first.
            let concurrency = crawler.options.concurrency
            try await withBoundedTaskGroup(limit: concurrency) {
                pages.popLast()
            } work: { (index, from) in
                let window = nonEmpty[index]
                let page = try await client.searchAssets(
                    criterion: window.criterion, sorts: sorts, from: from, pageSize: pageSize, what: window.label)
                return (index, from, page.elements)
            } each: { (index: Int, from: Int, assets: [DashAsset]) in
                let window = nonEmpty[index]
                tallies[index].outstanding -= 1
                // A short page inside the window: ask for the rest rather than lose it.
                let end = from + assets.count
                if !assets.isEmpty, assets.count < pageSize, end < window.count, end < DashClient.pagingCap {
                    pages.append((index, end))
                    tallies[index].outstanding += 1
                }
                for asset in assets {
                    tallies[index].ids.insert(asset.id)
                    if seen.insert(asset.id).inserted { try await emit(mapper.item(for: asset)) }
                }
                if tallies[index].outstanding == 0 {
                    if tallies[index].ids.count < window.count && tallies[index].readings < ListTally.maxReadings {
                        tallies[index].readings += 1
                        tallies[index].ids = []
                        let before = pages.count
                        queueWindow(index, from: 0)
                        pages[before...].reverse()
                    } else {
                        tallies[index].ids = []
                    }
                }
                report(total: total)
            }
            try await verify(seen: seen.count, total: total, criterion: base.criterion)
            return seen
        }

        /// The pages of one window still to come and the distinct assets they held.
        struct WindowTally {
            var outstanding = 0
            var ids = Set<String>()
            var readings = 1
        }

        /// Accepts the assets read only if their number agrees with the tenant's total (recounted
        /// once, in case the tenant changed while it was read).
        func verify(seen: Int, total: Int, criterion: JSONValue) async throws {
            if seen != total {
                let now = try await count(criterion, what: "assets (recount)")
                guard now == seen else { throw Failure.countMismatch(read: seen, expected: now) }
            }
        }

        /// Splits `window` until every part holds fewer assets than the paging cap: into as many
        /// equal time slices as its count suggests (with room for uneven spread), each counted,
        /// and any slice still too full split again.
        mutating func partition(_ window: Window, into windows: inout [Window]) async throws {
            guard window.count >= DashClient.pagingCap else {
                windows.append(window)
                return
            }
            guard let first = try await boundary(window, ascending: true), let last = try await boundary(window, ascending: false) else {
                windows.append(window)
                return
            }
            guard first < last else { throw Failure.windowTooDense(time: DashTime.format(first), count: window.count) }
            let slices = Int64(min(64, max(2, (window.count * 10 + DashClient.pagingCap * 7 - 1) / (DashClient.pagingCap * 7))))
            let width = max(1, (last - first + 1 + slices - 1) / slices)
            var from = first
            while from <= last {
                let to = min(last, from + width - 1)
                var part = Window(from: from, to: to, count: 0)
                part.count = try await count(part.criterion, what: part.label)
                try await partition(part, into: &windows)
                from = to + 1
            }
        }

        /// The earliest (or latest) modification time in a window.
        func boundary(_ window: Window, ascending: Bool) async throws -> Int64? {
            let page = try await client.searchAssets(
                criterion: window.criterion, sorts: [DashCriterion.sort(fixed: "DATE_LAST_MODIFIED", ascending: ascending)], from: 0,
                pageSize: 1, what: "\(ascending ? "earliest" : "latest") of \(window.label)")
            guard let asset = page.elements.first else { return nil }
            guard let text = asset.dateLastModified, let time = DashTime.parse(text) else {
                throw APIError.malformedResponse(
                    service: "Dash", what: window.label,
                    detail: "asset \(asset.id) has no usable dateLastModified (\(asset.dateLastModified ?? "missing"))")
            }
            return time
        }

        /// Notes the page size the service really serves when a page came back shorter than
        /// asked although more results follow (the service caps page sizes).
        mutating func learnPageSize<Element>(asked: Int, from: Int, _ page: DashPage<Element>) {
            let served = page.elements.count
            if served > 0, served < asked, from + served < min(page.totalResults, DashClient.pagingCap) {
                servedPageSize = min(servedPageSize ?? served, served)
            }
        }

        func count(_ criterion: JSONValue, what: String) async throws -> Int {
            try await client.searchAssets(criterion: criterion, sorts: [], from: 0, pageSize: 0, what: "the number of \(what)").totalResults
        }

        mutating func emit(_ item: CatalogItem) async throws {
            if session.mode == .delta { touched[item.id] = DashCrawler.second(item.updatedAt) }
            try await recorder.emit(item)
        }

        func report(total: Int?) { recorder.report(estimatedTotal: total) }
    }
}

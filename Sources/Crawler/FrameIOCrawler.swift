import CatalogCore
import CatalogStore
import Foundation
import FrameIOClient
import HTTPSupport
import Logging

/// Crawls a whole Frame.io v2 tree into the catalog: accounts, teams, team and shared projects
/// (archived included, de-duplicated by id), and every folder, file, version stack and version.
///
/// Pages are fetched with bounded concurrency; as soon as a list's first page tells how many
/// pages it has, the rest are queued. Items are staged in batches and merged into the catalog
/// in one transaction at the end, so an interrupted or failed crawl leaves the previous catalog
/// as it was.
public struct FrameIOCrawler: ServiceCrawler {
    let client: FrameIOClient
    let setup: CrawlSetup
    let mapper = FrameIOItemMapper()

    static let source = Source.frameio
    static let api = ServiceAPI.v2
    var requests: RequestStats { client.requester.stats }
    func signedInUser() async throws -> String { try await client.me().id }

    /// Runs a crawl and commits it; throws (leaving the catalog as it was) if any page cannot be read.
    public func run() async throws -> CrawlReport { try await runCrawl() }
}

/// A project as listed, with what a delta needs to know of it.
struct ListedProject: Sendable {
    var project: FrameIOProject
    var item: CatalogItem
    var root: Container
    /// The account to search it in.
    var accountID: String?
}

/// Where a container's children go in the catalog.
struct Container: Sendable {
    /// The asset whose children are listed (a project's root asset, a folder, a version stack).
    var assetID: String
    /// The catalog item that is the children's parent (the project for a root asset).
    var parentItemID: String
    /// The parent's path.
    var path: String
    /// The project.
    var projectID: String
    /// Folders above it in its project (0 for the root).
    var depth = 0
}

extension FrameIOCrawler {
    /// The state of one crawl: the queue of pages, the staged batch, counters.
    struct Walk: ServiceWalk {
        let crawler: FrameIOCrawler
        let session: CrawlSession
        var recorder: CrawlRecorder
        var minimumRequests = 1  // /me
        var estimatedTotal: Int?
        var seenContainers = Set<String>()
        /// For each container: the highest page queued so far.
        var queuedPages: [String: Int] = [:]
        /// For each container: elements counted and the page size honoured, for the minimum.
        var listSizes: [String: (count: Int, perPage: Int)] = [:]
        /// Every project listed, with its item, its root and the account it belongs to.
        var projects: [String: ListedProject] = [:]
        /// In a delta: the ids staged so far.
        var emitted: Set<String>?
        /// Project roots the service refused to list, and what it answered.
        var refusedRoots: [(container: Container, answer: String)] = []
        /// For each container walked: the path it was walked at.
        var containerPaths: [String: String] = [:]
        /// Containers met again at a smaller path than the one walked: walked again there, so an
        /// id listed at two places keeps the same path, its descendants too, on every crawl.
        var smallerPaths: [String: Container] = [:]

        init(crawler: FrameIOCrawler, session: CrawlSession, recorder: CrawlRecorder) {
            self.crawler = crawler
            self.session = session
            self.recorder = recorder
        }

        /// When the crawl began.
        var started: Date { recorder.started }

        var client: FrameIOClient { crawler.client }

        mutating func walk(since: Date?) async throws -> WalkOutcome {
            guard let since else {
                let roots = try await walkHierarchy()
                try await walkAll(roots)
                minimumRequests += minimumListRequests
                return WalkOutcome()
            }
            emitted = []
            var delta = try FrameIODelta(database: crawler.database)
            _ = try await walkHierarchy()
            let deleted = try await refresh(&delta, since: since)
            minimumRequests += minimumListRequests
            return WalkOutcome(deletions: deleted)
        }

        /// The fewest requests the lists read so far could have taken at the page sizes honoured.
        var minimumListRequests: Int {
            listSizes.values.reduce(0) { $0 + Swift.max(1, ($1.count + $1.perPage - 1) / Swift.max(1, $1.perPage)) }
        }

        /// Accounts, teams and projects (team and shared), de-duplicated; returns the project roots.
        mutating func walkHierarchy() async throws -> [Container] {
            let client = self.client
            let accounts = try await listAll("accounts", what: "accounts") { try await client.accounts(page: $0) }
            var accountPaths: [String: String] = [:]
            for account in accounts {
                let item = crawler.mapper.item(for: account)
                accountPaths[account.id] = item.path
                try await emit(item)
            }
            var teamPaths: [String: String] = [:]
            var teamAccounts: [String: String] = [:]
            for account in accounts {
                let teams = try await listAll("teams:\(account.id)", what: "teams of account \(account.id)") {
                    try await client.teams(accountID: account.id, page: $0)
                }
                for team in teams where teamPaths[team.id] == nil {
                    var team = team
                    if team.accountID == nil { team.accountID = account.id }
                    let item = crawler.mapper.item(for: team, accountPath: accountPaths[account.id] ?? account.displayName)
                    teamPaths[team.id] = item.path
                    teamAccounts[team.id] = account.id
                    try await emit(item)
                }
            }
            // Team projects, fetched concurrently per team.
            let teamIDs = Array(teamPaths.keys).sorted()
            var projectsByTeam: [String: [FrameIOProject]] = [:]
            try await forEachConcurrently(teamIDs, limit: crawler.options.concurrency) { teamID in
                try await FrameIOCrawler.readList("projects of team \(teamID)", pageSize: client.pageSize) {
                    try await client.projects(teamID: teamID, page: $0)
                }
            } each: { teamID, read in
                projectsByTeam[teamID] = read.elements
                listSizes["projects:\(teamID)"] = (read.elements.count, read.perPage)
            }
            let shared =
                try await listAll("shared", what: "shared projects") { try await client.sharedProjects(archived: false, page: $0) }
                + listAll("shared-archived", what: "archived shared projects") { try await client.sharedProjects(archived: true, page: $0) }

            var roots: [Container] = []
            var seenProjects = Set<String>()
            var estimate = recorder.itemsRead
            func addProject(_ project: FrameIOProject, teamPath: String, parentID: String?) async throws {
                guard seenProjects.insert(project.id).inserted else { return }
                let item = crawler.mapper.item(for: project, teamPath: teamPath, parentID: parentID)
                try await emit(item)
                let root = Container(assetID: project.rootAssetID, parentItemID: project.id, path: item.path, projectID: project.id)
                let accountID = project.teamID.flatMap { teamAccounts[$0] } ?? project.accountID
                projects[project.id] = ListedProject(project: project, item: item, root: root, accountID: accountID)
                estimate += 1 + Int(project.fileCount ?? 0) + Int(project.folderCount ?? 0)
                roots.append(root)
            }
            for teamID in teamIDs {
                for project in projectsByTeam[teamID] ?? [] {
                    try await addProject(project, teamPath: teamPaths[teamID] ?? Self.sharedRoot, parentID: teamID)
                }
            }
            for project in shared {
                // A shared project of a team we crawled sits under that team; others under "Shared with me".
                if let teamID = project.teamID, let teamPath = teamPaths[teamID] {
                    try await addProject(project, teamPath: teamPath, parentID: teamID)
                } else {
                    try await addProject(project, teamPath: Self.sharedRoot, parentID: project.teamID)
                }
            }
            estimatedTotal = estimate
            return roots
        }

        /// The path prefix of shared projects whose team is not one of the user's.
        static let sharedRoot = "Shared with me"

        /// Every page of a short list, in order, checked to add up (``FrameIOCrawler/readList(_:pageSize:_:)``).
        mutating func listAll<Element: Listed>(
            _ key: String, what: String, _ fetch: (Int) async throws -> FrameIOPage<Element>
        ) async throws -> [Element] {
            let (elements, perPage) = try await FrameIOCrawler.readList(what, pageSize: client.pageSize, fetch)
            listSizes[key] = (elements.count, perPage)
            return elements
        }

        struct PageResult: Sendable {
            var container: Container
            /// The page, or nil when the container is a project root the service refused to list.
            var page: FrameIOPage<FrameIOAsset>?
            /// Why the root could not be listed.
            var refusal: APIError?
        }

        /// Whether `error`, on the first page of `container`, makes it an unreadable project root:
        /// the project is listed but its root asset answers 403, 404 or 410. Such a project is
        /// carried past with a warning (its contents kept as the catalog had them) rather than
        /// failing every crawl of the account.
        static func isUnreadableRoot(_ error: any Error, container: Container, page: Int) -> APIError? {
            guard page == 1, container.parentItemID == container.projectID, let error = error as? APIError,
                case .rejected(_, _, let status, _) = error, [403, 404, 410].contains(status)
            else { return nil }
            return error
        }

        /// One list of children being read: its tally and the pages of this reading.
        struct Reading {
            var container: Container
            var tally: ListTally
            /// The next page to ask for.
            var nextPage = 1
            /// The last page worth asking for: 1 until the first page has told; nil while the list
            /// goes on as long as its pages are full (no total declared).
            var lastPage: Int? = 1
            /// The highest page asked for in an open-ended list that came back full.
            var fullThrough = 0
            /// Pages asked for and not yet in.
            var outstanding = 0

            /// Whether another page of this reading may be asked for now.
            var hasPageToAsk: Bool {
                if let lastPage { return nextPage <= lastPage }
                return nextPage <= fullThrough + 1
            }
        }

        /// Walks every asset under `roots`, then again under any container met at a smaller path
        /// than the one it was walked at (each pass only for strictly smaller paths, so it ends,
        /// parent cycles included), then keeps the items of projects whose root was refused.
        mutating func walkAll(_ roots: [Container]) async throws {
            try await walkAssets(roots)
            while !smallerPaths.isEmpty {
                let again = smallerPaths.values.sorted { $0.assetID < $1.assetID }
                smallerPaths = [:]
                seenContainers = []
                try await walkAssets(again)
            }
            try await keepRefusedProjects()
        }

        /// Stages, unchanged, the catalogued items of every project whose root could not be listed
        /// (only ids this crawl did not stage: the walk is over, so nothing it read is
        /// overwritten), and warns, naming each.
        mutating func keepRefusedProjects() async throws {
            let kept = try await recorder.keepRefusedProjects(
                refusedRoots.map {
                    .init(path: $0.container.path, projectID: $0.container.projectID, root: "root asset \($0.container.assetID)", answer: $0.answer)
                })
            emitted?.formUnion(kept)
            refusedRoots = []
        }

        /// Folders nested deeper than this fail the crawl: a server answering every folder with a
        /// new subfolder would otherwise never end.
        static let maxDepth = 256

        /// Walks every asset under the project roots with bounded concurrency.
        ///
        /// Pages are asked for lazily: a list's later pages become askable once its first page
        /// has said how many there are (bounded by ``ListTally/lastPage(from:what:)``), so the
        /// queue holds lists, never page numbers, whatever a server declares. A page that comes
        /// back empty ends its list; a list past its plan or repeating a page is read again and
        /// then fails.
        mutating func walkAssets(_ roots: [Container]) async throws {
            var readings: [String: Reading] = [:]
            /// Lists with a page that may be asked for now (depth first: the newest list first).
            var askable: [String] = []
            func start(_ container: Container) {
                containerPaths[container.assetID] = container.path
                readings[container.assetID] = Reading(
                    container: container, tally: ListTally(what: "children of asset \(container.assetID)"))
                askable.append(container.assetID)
            }
            for root in roots where seenContainers.insert(root.assetID).inserted { start(root) }
            let client = self.client
            let concurrency = crawler.options.concurrency
            var running = 0
            /// The next page to ask for: of the newest list with one (depth first).
            func next() -> (Container, page: Int)? {
                while let id = askable.last {
                    guard var reading = readings[id], reading.hasPageToAsk else {
                        askable.removeLast()
                        continue
                    }
                    let page = reading.nextPage
                    reading.nextPage += 1
                    reading.outstanding += 1
                    if !reading.hasPageToAsk { askable.removeLast() }
                    readings[id] = reading
                    running += 1
                    return (reading.container, page)
                }
                return nil
            }
            try await withBoundedTaskGroup(limit: concurrency, next: next) { (container, page) in
                do {
                    return PageResult(container: container, page: try await client.children(of: container.assetID, page: page))
                } catch {
                    guard let refusal = Walk.isUnreadableRoot(error, container: container, page: page) else { throw error }
                    return PageResult(container: container, page: nil, refusal: refusal)
                }
            } each: { (result: PageResult) -> [CatalogItem] in
                running -= 1
                let container = result.container
                guard let page = result.page else {
                    readings[container.assetID] = nil
                    refusedRoots.append((container, result.refusal.map { "\($0)" } ?? "an error"))
                    return []
                }
                guard var reading = readings[container.assetID] else { return [] }
                let couldAsk = reading.hasPageToAsk
                reading.outstanding -= 1
                if page.pageNumber == 1 {
                    reading.lastPage = try ListTally.lastPage(from: page, what: reading.tally.what)
                }
                if page.elements.isEmpty {
                    // An empty page ends the list: ask for nothing past it.
                    let end = page.pageNumber - 1
                    reading.lastPage = Swift.max(0, Swift.min(reading.lastPage ?? end, end))
                } else if reading.lastPage == nil, page.hasNextPage {
                    reading.fullThrough = Swift.max(reading.fullThrough, page.pageNumber)
                }
                reading.tally.add(page)
                try reading.tally.checkBounds(fullPages: reading.fullThrough)
                if reading.tally.isBroken { reading.lastPage = Swift.min(reading.lastPage ?? 0, reading.nextPage - 1) }
                var size = listSizes[container.assetID] ?? (0, page.perPage ?? page.requestedPageSize)
                size.count += page.elements.count
                listSizes[container.assetID] = size
                if !couldAsk && reading.hasPageToAsk { askable.append(container.assetID) }
                if reading.outstanding == 0 && !reading.hasPageToAsk {
                    if try reading.tally.finish() == .readAgain {
                        // The list changed while it was read: read it again from page 1 (items
                        // already staged stay; any it had missed are staged on this reading).
                        reading = Reading(container: container, tally: reading.tally)
                        listSizes[container.assetID] = nil
                        askable.append(container.assetID)
                        readings[container.assetID] = reading
                    } else {
                        readings[container.assetID] = nil
                    }
                } else {
                    readings[container.assetID] = reading
                }
                var items: [CatalogItem] = []
                items.reserveCapacity(page.elements.count)
                for asset in page.elements {
                    if case .other(let type) = asset.type { recorder.keptUnknownType(type) }
                    let item = crawler.mapper.item(
                        for: asset, parentID: container.parentItemID, parentPath: container.path, projectID: container.projectID)
                    if asset.isContainer {
                        let child = Container(
                            assetID: asset.id, parentItemID: asset.id, path: item.path, projectID: container.projectID,
                            depth: container.depth + 1)
                        guard child.depth <= Self.maxDepth else {
                            throw UnboundedListing(
                                what: "children of asset \(container.assetID)", detail: "folders are nested deeper than \(Self.maxDepth) levels")
                        }
                        if seenContainers.insert(asset.id).inserted {
                            start(child)
                        } else if let walked = containerPaths[asset.id], item.path < walked {
                            containerPaths[asset.id] = item.path
                            smallerPaths[asset.id] = child
                        }
                    }
                    items.append(item)
                }
                return items
            } then: { items in
                // Written once the freed place asks for its next page.
                for item in items { try await emit(item) }
                report(pending: askable.count + running)
            }
        }

        mutating func emit(_ item: CatalogItem) async throws {
            emitted?.insert(item.id)
            try await recorder.emit(item)
        }

        func report(pending: Int) { recorder.report(estimatedTotal: estimatedTotal, pendingPages: pending) }
    }
}

extension FrameIOCrawler {
    /// Every page of a short list, in order, read again while its pages do not add up; also
    /// returns the page size the service honoured.
    static func readList<Element: Listed>(
        _ what: String, pageSize: Int, _ fetch: (Int) async throws -> FrameIOPage<Element>
    ) async throws -> (elements: [Element], perPage: Int) {
        var paging = PageNumbers<Element>(pageSize: pageSize)
        let elements = try await ListReader.read(what, paging: &paging, fetch)
        return (elements, paging.perPage)
    }
}

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
public struct FrameIOCrawler: Sendable {
    let client: FrameIOClient
    let database: CatalogDatabase
    let options: CrawlOptions
    let mapper = FrameIOItemMapper()
    let logger: Logger

    /// Creates a crawler.
    public init(
        client: FrameIOClient, database: CatalogDatabase, options: CrawlOptions = CrawlOptions(),
        logger: Logger = Logger(label: "catalog.crawl.frameio")
    ) {
        self.client = client
        self.database = database
        self.options = options
        self.logger = logger
    }

    /// Runs a full crawl and commits it. Throws (leaving the catalog as it was) if any page cannot be read.
    public func run() async throws -> CrawlReport {
        let started = Date()
        // Check the token before touching the catalog.
        let user = try await client.me()
        logger.info("crawling Frame.io", metadata: ["user": "\(user.id)"])
        if let since = try options.deltaStart(of: .frameio, in: database) {
            let session = try database.beginCrawl(source: .frameio, mode: .delta, since: since)
            return try await runDelta(since: since, session: session, started: started)
        }
        let session = try database.beginCrawl(source: .frameio)
        var walk = Walk(crawler: self, session: session, started: started)
        do {
            try await walk.run()
            try await walk.recorder.flush()
            let storeStart = Date()
            let merge = try await database.complete(session, stats: walk.recorder.stats())
            walk.recorder.storeSeconds += Date().timeIntervalSince(storeStart)
            return walk.recorder.report(merge: merge, minimumRequests: walk.minimumRequests)
        } catch {
            let message = "\(error)"
            try? await database.fail(session, error: message, stats: walk.recorder.stats())
            throw error
        }
    }
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
}

extension FrameIOCrawler {
    /// The state of one crawl: the queue of pages, the staged batch, counters.
    struct Walk {
        let crawler: FrameIOCrawler
        let session: CrawlSession
        let started: Date
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

        init(crawler: FrameIOCrawler, session: CrawlSession, started: Date) {
            self.crawler = crawler
            self.session = session
            self.started = started
            recorder = CrawlRecorder(
                source: .frameio, database: crawler.database, session: session, options: crawler.options,
                requester: crawler.client.requester, started: started)
        }

        var client: FrameIOClient { crawler.client }

        mutating func run() async throws {
            let roots = try await walkHierarchy()
            try await walkAssets(roots)
            minimumRequests += listSizes.values.reduce(0) { $0 + Swift.max(1, ($1.count + $1.perPage - 1) / $1.perPage) }
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
            var sizes: [(String, Int, Int)] = []
            try await withThrowingTaskGroup(of: (String, [FrameIOProject], [(String, Int, Int)]).self) { group in
                var next = 0
                func add(_ group: inout ThrowingTaskGroup<(String, [FrameIOProject], [(String, Int, Int)]), any Error>) {
                    guard next < teamIDs.count else { return }
                    let teamID = teamIDs[next]
                    next += 1
                    group.addTask {
                        let (projects, perPage) = try await FrameIOCrawler.readList("projects of team \(teamID)", pageSize: client.pageSize) {
                            try await client.projects(teamID: teamID, page: $0)
                        }
                        return (teamID, projects, [("projects:\(teamID)", projects.count, perPage)])
                    }
                }
                for _ in 0..<crawler.options.concurrency { add(&group) }
                while let (teamID, projects, pageSizes) = try await group.next() {
                    projectsByTeam[teamID] = projects
                    sizes += pageSizes
                    add(&group)
                }
            }
            for (key, count, perPage) in sizes { listSizes[key] = (count, perPage) }
            let shared = try await listAll("shared", what: "shared projects") { try await client.sharedProjects(page: $0) }

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
                    try await addProject(project, teamPath: teamPaths[teamID]!, parentID: teamID)
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
        mutating func listAll<Element: FrameIOListed>(
            _ key: String, what: String, _ fetch: (Int) async throws -> FrameIOPage<Element>
        ) async throws -> [Element] {
            let (elements, perPage) = try await FrameIOCrawler.readList(what, pageSize: client.pageSize, fetch)
            listSizes[key] = (elements.count, perPage)
            return elements
        }

        struct PageResult: Sendable {
            var container: Container
            var page: FrameIOPage<FrameIOAsset>
        }

        /// Walks every asset under the project roots with bounded concurrency.
        mutating func walkAssets(_ roots: [Container]) async throws {
            var queue: [(Container, Int)] = []
            for root in roots where seenContainers.insert(root.assetID).inserted {
                queue.append((root, 1))
                queuedPages[root.assetID] = 1
            }
            let client = self.client
            let concurrency = crawler.options.concurrency
            // Each list being read: its tally and the pages of this reading still to come.
            var tallies: [String: (tally: ListTally, outstanding: Int)] = [:]
            try await withThrowingTaskGroup(of: PageResult.self) { group in
                var running = 0
                func fill(_ group: inout ThrowingTaskGroup<PageResult, any Error>) {
                    while running < concurrency, let (container, page) = queue.popLast() {
                        running += 1
                        group.addTask {
                            PageResult(container: container, page: try await client.children(of: container.assetID, page: page))
                        }
                    }
                }
                fill(&group)
                while let result = try await group.next() {
                    running -= 1
                    let container = result.container
                    let page = result.page
                    var entry = tallies[container.assetID] ?? (ListTally(what: "children of asset \(container.assetID)"), 1)
                    // Queue the rest of this list as soon as its size is known.
                    let queued = queuedPages[container.assetID] ?? 1
                    let last = page.totalPages ?? (page.hasNextPage ? page.pageNumber + 1 : page.pageNumber)
                    if last > queued {
                        for next in (queued + 1)...last { queue.append((container, next)) }
                        queuedPages[container.assetID] = last
                        entry.outstanding += last - queued
                    }
                    entry.tally.add(page)
                    entry.outstanding -= 1
                    if entry.outstanding == 0, try entry.tally.finish() == .readAgain {
                        // The list changed while it was read: read it again from page 1 (items
                        // already staged stay; any it had missed are staged on this reading).
                        queue.append((container, 1))
                        queuedPages[container.assetID] = 1
                        listSizes[container.assetID] = nil
                        entry.outstanding = 1
                        tallies[container.assetID] = entry
                    } else {
                        tallies[container.assetID] = entry.outstanding == 0 ? nil : entry
                        var size = listSizes[container.assetID] ?? (0, page.perPage ?? client.pageSize)
                        size.count += page.elements.count
                        listSizes[container.assetID] = size
                    }
                    var items: [CatalogItem] = []
                    items.reserveCapacity(page.elements.count)
                    for asset in page.elements {
                        let item = crawler.mapper.item(
                            for: asset, parentID: container.parentItemID, parentPath: container.path, projectID: container.projectID)
                        if asset.isContainer, seenContainers.insert(asset.id).inserted {
                            let child = Container(assetID: asset.id, parentItemID: asset.id, path: item.path, projectID: container.projectID)
                            queue.append((child, 1))
                            queuedPages[asset.id] = 1
                        }
                        items.append(item)
                    }
                    fill(&group)
                    for item in items { try await emit(item) }
                    report(pending: queue.count + running)
                }
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
    static func readList<Element: FrameIOListed>(
        _ what: String, pageSize: Int, _ fetch: (Int) async throws -> FrameIOPage<Element>
    ) async throws -> (elements: [Element], perPage: Int) {
        var tally = ListTally(what: what)
        while true {
            var elements: [Element] = []
            var seen = Set<String>()
            var page = 1
            var perPage = pageSize
            while true {
                let result = try await fetch(page)
                tally.add(result)
                perPage = result.perPage ?? perPage
                for element in result.elements where seen.insert(element.id).inserted { elements.append(element) }
                guard result.hasNextPage else { break }
                page += 1
            }
            if try tally.finish() == .complete { return (elements, perPage) }
        }
    }
}

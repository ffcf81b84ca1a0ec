import CatalogCore
import CatalogStore
import Foundation
import FrameIOV4Client
import HTTPSupport
import Logging

/// Crawls a whole Frame.io V4 account tree into the catalog: accounts, their workspaces and
/// projects (invited projects included, each once), every folder, file and version stack, each
/// version of every stack, and the accounts' custom metadata fields with each file's values.
///
/// Folders are listed with `/folders/{id}/children` (100 calls a minute), version stacks with
/// `/version_stacks/{id}/children` (100 a minute, a bucket of its own). `children` holds every
/// type, so an asset of a type the service adds is still seen, and it is always the first
/// choice. Once the crawl's own calls have half emptied its bucket and `children` has no room
/// for one more call (its calls in flight, or its pacer would make it wait), a folder is
/// listed through the three typed lists instead (`/files`, `/folders`, `/version_stacks`, 5
/// calls a second each, side by side): a large first crawl then goes at what all the buckets
/// allow together, not at `children`'s pace. Those three lists hold only their three types:
/// an asset of another type in a folder read that way is not seen (the crawl logs how many
/// folders were read so). Without rate limits (or with a bucket far larger than the crawl
/// uses), or while more version stacks wait for their versions than folders for a list (the
/// versions' bucket then decides when the crawl ends), every folder goes through `children`. Each bucket has
/// its own queue and its own share of the concurrency, so a bucket that is waiting never holds
/// up the others. Every list is read to its end by cursor and checked to add up against its
/// `total_count`; one that does not is read again.
public struct FrameIOV4Crawler: ServiceCrawler {
    let client: FrameIOV4Client
    let setup: CrawlSetup

    static let source = Source.frameio
    static let api = ServiceAPI.v4
    var requests: RequestStats { client.requester.stats }
    func signedInUser() async throws -> String { try await client.me().id }

    /// Runs a crawl, full or (after a complete V4 crawl) a delta refresh, and commits it.
    public func run() async throws -> CrawlReport { try await runCrawl() }
}

extension FrameIOV4Crawler {
    /// The typed lists a folder is read through when `children` has no room (see the type).
    static let typedLists: [FrameIOV4Client.ChildList] = [.files, .folders, .versionStacks]

    /// A container whose children are listed, and where they go.
    struct Container: Sendable {
        var accountID: String
        /// The folder or version stack whose children are listed (a project's root folder).
        var assetID: String
        /// The catalog item that is the children's parent (the project for a root folder).
        var parentItemID: String
        var path: String
        var projectID: String
        var depth: Int
        var isStack: Bool
    }

    /// One list being read: which, its cursor, its tally.
    struct Reading: Sendable {
        var container: Container
        var list: FrameIOV4Client.ChildList?
        var tally: ListTally
        var cursor: String?
        var count = 0
        var pages = 0

        var bucket: String { list?.rawValue ?? "versions" }
    }

    struct PageResult: Sendable {
        var reading: Reading
        /// The page, or nil when the list is a project's root folder the service refused.
        var page: V4Page<V4Asset>?
        /// Why the root folder could not be listed.
        var refusal: String? = nil
    }

    struct Walk: ServiceWalk {
        let crawler: FrameIOV4Crawler
        let session: CrawlSession
        var recorder: CrawlRecorder
        var minimumRequests = 1  // /me
        var estimatedTotal: Int?
        var mapper = FrameIOV4ItemMapper()
        var seenContainers = Set<String>()
        var definitions: [V4FieldDefinition] = []
        /// Every project listed: its item, its account and its root.
        var listedProjects: [String: (item: CatalogItem, root: Container)] = [:]
        /// The accounts listed.
        var accountIDs: [String] = []
        /// The accounts' users, each once: the people user fields name.
        var people: [CatalogPerson] = []
        /// In a delta: the ids staged so far.
        var emitted: Set<String>?
        /// In a delta's reads: the assets listed or read, by id, kept to be placed once all are
        /// read (``walkAssets(_:)`` collects here instead of staging while it is set).
        var collected: [String: V4Asset]?
        /// With `--comments`: the reader of files' comments, and whether every file the walk
        /// lists goes to it (a full pass) or only those the audit log names (a delta).
        var comments: CommentReader?
        var commentsFollowWalk = false
        /// A comments delta: the comment events from here on (the last complete pass's start),
        /// and those the audit log holds, with their account.
        var commentsSince: Date?
        var commentEvents: [(accountID: String, event: V4AuditEvent)] = []
        /// With comments, a delta's files as staged: their project and media type (the frame rate
        /// of their comments' timecodes).
        var stagedFiles: [String: (projectID: String?, mime: String?)] = [:]

        init(crawler: FrameIOV4Crawler, session: CrawlSession, recorder: CrawlRecorder) {
            self.crawler = crawler
            self.session = session
            self.recorder = recorder
        }

        var client: FrameIOV4Client { crawler.client }

        mutating func walk(since: Date?) async throws -> WalkOutcome {
            do {
                var outcome = try await walkTree(since: since)
                if let comments {
                    let (counts, warnings) = try await comments.finish()
                    for warning in warnings { recorder.warn(warning) }
                    // One list a file at least (a file of more than a page of comments takes more).
                    minimumRequests += counts.filesRead + counts.filesFailed
                    outcome.comments = (comments.pass, counts)
                }
                return outcome
            } catch {
                if let comments {
                    await comments.cancel()
                    try? await crawler.database.failCommentPass(comments.pass)
                }
                throw error
            }
        }

        mutating func walkTree(since: Date?) async throws -> WalkOutcome {
            guard let since else {
                if crawler.options.comments {
                    // Every file the walk lists goes to the reader as it is listed.
                    try await startComments(mode: .full, since: nil)
                    commentsFollowWalk = true
                }
                let roots = try await walkHierarchy()
                try await walkAssets(roots)
                let (fields, options) = mapper.fields(definitions)
                return WalkOutcome(fields: fields, fieldOptions: options, people: people)
            }
            emitted = []
            // A comments delta reads the audit log from the last complete comments pass; without
            // one (or after an interrupted full pass), every file's comments are read.
            var fullComments = false
            if crawler.options.comments {
                commentsSince = try crawler.database.commentWatermark(source: .frameio)?.addingTimeInterval(-CrawlOptions.deltaOverlap)
                fullComments = commentsSince == nil
                try await startComments(mode: fullComments ? .full : .delta, since: commentsSince)
            }
            _ = try await walkHierarchy()
            let deletions = try await refresh(since: since)
            if fullComments {
                try await readEveryFilesComments(except: deletions)
            } else {
                try await readChangedComments(gone: deletions)
            }
            let (fields, options) = mapper.fields(definitions)
            return WalkOutcome(deletions: deletions, fields: fields, fieldOptions: options, people: people)
        }

        /// Begins (or resumes) a comments pass and its reader; says what it will cost.
        mutating func startComments(mode: CommentPass.Mode, since: Date?) async throws {
            let pass = try await crawler.database.beginCommentPass(source: .frameio, mode: mode, since: since)
            let reader = CommentReader(
                client: client, database: crawler.database, pass: pass, concurrency: Swift.max(1, crawler.options.concurrency / 2))
            comments = reader
            recorder.comments = reader.progress
            if mode == .full {
                // The catalog's files (a first crawl knows none yet: the cost per file is said).
                let files = try crawler.database.fileCount(source: .frameio)
                crawler.options.notice(
                    CommentCost.describe(files: Swift.max(0, files - pass.alreadyRead.count), resumed: pass.alreadyRead.count, callsPerMinute: 100))
            }
        }

        /// A full comments pass during a delta: every catalogued file still there, and the files
        /// the delta staged.
        mutating func readEveryFilesComments(except gone: Set<String>) async throws {
            guard let comments else { return }
            let accounts = Dictionary(listedProjects.map { ($0.key, $0.value.root.accountID) }, uniquingKeysWith: { a, _ in a })
            for (id, file) in stagedFiles.sorted(by: { $0.key < $1.key }) {
                guard let account = file.projectID.flatMap({ accounts[$0] }) else { continue }
                comments.enqueue(CommentedFile(accountID: account, fileID: id, mime: file.mime))
            }
            try crawler.database.forEachItem(source: .frameio, records: false) { item in
                guard item.kind == .file, !gone.contains(item.id), let account = item.projectID.flatMap({ accounts[$0] }) else { return }
                comments.enqueue(CommentedFile(accountID: account, fileID: item.id, mime: item.mime))
            }
        }

        /// The fewest requests a cursor list of `count` elements takes.
        func minimum(_ count: Int) -> Int { Swift.max(1, (count + client.pageSize - 1) / client.pageSize) }

        /// Every element of a short list, read to its end and checked to add up.
        mutating func readList<Element: Listed>(_ what: String, _ fetch: (String?) async throws -> V4Page<Element>) async throws -> [Element] {
            var paging = Cursors<Element>()
            let elements = try await ListReader.read(what, paging: &paging, fetch)
            minimumRequests += minimum(elements.count)
            return elements
        }

        /// Accounts, their users and fields, workspaces, projects (workspace and invited, each
        /// once); returns the project roots.
        mutating func walkHierarchy() async throws -> [Container] {
            let client = self.client
            let accounts = try await readList("accounts") { try await client.accounts(after: $0) }
            var roots: [Container] = []
            var seenProjects = Set<String>()
            for account in accounts {
                accountIDs.append(account.id)
                let accountItem = mapper.item(for: account)
                try await emit(accountItem)
                let users = try await readList("users of account \(account.id)") { try await client.users(accountID: account.id, after: $0) }
                for user in users where mapper.userNames[user.id] == nil {
                    let name = user.name ?? user.email ?? user.id
                    mapper.userNames[user.id] = name
                    people.append(CatalogPerson(source: .frameio, id: user.id, name: name, email: user.email))
                }
                definitions += try await readList("metadata fields of account \(account.id)") {
                    try await client.fieldDefinitions(accountID: account.id, after: $0)
                }
                let workspaces = try await readList("workspaces of account \(account.id)") {
                    try await client.workspaces(accountID: account.id, after: $0)
                }
                var projects: [(V4Project, parentID: String, parentPath: String)] = []
                for workspace in workspaces {
                    let workspaceItem = mapper.item(for: workspace, account: accountItem)
                    try await emit(workspaceItem)
                    let listed = try await readList("projects of workspace \(workspace.id)") {
                        try await client.projects(accountID: account.id, workspaceID: workspace.id, after: $0)
                    }
                    projects += listed.map { ($0, workspaceItem.id, workspaceItem.path) }
                }
                let invited = try await readList("invited projects of account \(account.id)") {
                    try await client.invitedProjects(accountID: account.id, after: $0)
                }
                projects += invited.map { ($0, accountItem.id, ItemPath.join(accountItem.path, FrameIOV4ItemMapper.invitedRoot)) }
                for (project, parentID, parentPath) in projects where seenProjects.insert(project.id).inserted {
                    let item = mapper.item(for: project, parentID: parentID, parentPath: parentPath)
                    try await emit(item)
                    let root = Container(
                        accountID: account.id, assetID: project.rootFolderID, parentItemID: project.id, path: item.path, projectID: project.id,
                        depth: 0, isStack: false)
                    listedProjects[project.id] = (item, root)
                    roots.append(root)
                }
            }
            return roots
        }

        /// Folders nested deeper than this fail the crawl (a server answering every folder with a
        /// new subfolder would otherwise never end).
        static let maxDepth = 256

        /// Lists every folder and version stack under `roots`: each list kind has its own queue
        /// and at most its share of the concurrency in flight. A folder waits until a route has
        /// room for it: `children` while its bucket has room (or the typed lists are busy), the
        /// three typed lists, side by side, when it has none (see the type's documentation).
        mutating func walkAssets(_ roots: [Container]) async throws {
            var queues: [String: [Reading]] = [:]
            var running: [String: Int] = [:]
            let typed = crawler.options.typedLists ? FrameIOV4Crawler.typedLists.map(\.rawValue) : []
            let children = FrameIOV4Client.ChildList.all.rawValue
            let buckets = [children] + typed + ["versions"]
            // `--concurrency` shared out: half each to `children` and the versions (without rate
            // limits they are all there is), and half to each typed list besides, which run only
            // while `children`'s calls wait for its bucket (off the wire): at 5 calls a second a
            // list needs several in flight to keep its pace when answers are slow (at a quarter
            // the benchmark's typed lists used 88% of their buckets, docs/benchmarks.md).
            let concurrency = crawler.options.concurrency
            var shares: [String: Int] = [:]
            for bucket in buckets { shares[bucket] = Swift.max(1, concurrency / 2) }
            let childrenPacer = await client.requester.pacers.pacer(for: "v4:\(children)")
            var folders: [Container] = []
            var foldersByType = 0
            func start(_ container: Container) {
                guard seenContainers.insert(container.assetID).inserted else { return }
                if container.isStack {
                    queues["versions", default: []].append(
                        Reading(container: container, list: nil, tally: ListTally(what: "versions of \(container.assetID)")))
                } else {
                    folders.append(container)
                }
            }
            func read(_ container: Container, through list: FrameIOV4Client.ChildList) {
                let what = "\(list.rawValue.replacingOccurrences(of: "_", with: " ")) in folder \(container.assetID)"
                queues[list.rawValue, default: []].append(Reading(container: container, list: list, tally: ListTally(what: what)))
            }
            /// Hands the waiting folders to the routes that have room.
            func route() async {
                let childrenShare = shares[children, default: 1]
                func childrenFree() -> Bool { running[children, default: 0] + queues[children, default: []].count < childrenShare }
                while let folder = folders.last {
                    // While more stacks wait for their versions than folders for a list, the
                    // versions' bucket (as slow as `children`) decides when the crawl ends, and
                    // the typed lists would only add calls.
                    let versionsDecide = queues["versions", default: []].count >= folders.count
                    // How full `children`'s bucket would be with one more call: past full, the
                    // call would wait; half full, the crawl is what empties it (a bucket the
                    // service keeps far larger, or no limit at all, never gets there, and a
                    // 429 alone does not count). A project's root always goes to `children`
                    // (one list to refuse it, not three).
                    let pending = running[children, default: 0] + queues[children, default: []].count
                    let load = typed.isEmpty || versionsDecide || folder.depth == 0 ? 0 : await childrenPacer.load(pending: pending)
                    let typedAllowed = load >= 0.5
                    let paused = typedAllowed ? await childrenPacer.isPaused : false
                    let childrenWaits = typedAllowed && (load > 1 || paused)
                    // A typed list may hold one folder queued behind those in flight, so the
                    // next call is ready when one ends (they go at 5 a second each).
                    if childrenFree(), !childrenWaits {
                        read(folder, through: .all)
                    } else if typedAllowed, typed.allSatisfy({ queues[$0, default: []].isEmpty }) {
                        for list in FrameIOV4Crawler.typedLists { read(folder, through: list) }
                        foldersByType += 1
                    } else {
                        break
                    }
                    folders.removeLast()
                }
            }
            for root in roots { start(root) }
            await route()
            let client = self.client
            // A project whose root folder answers 403, 404 or 410 is carried past (its items kept
            // as the last crawl had them), as v2 does, rather than failing the account's crawl;
            // not in a delta's reads, which place what they read afterwards.
            let carriesRefusals = collected == nil
            var refusedRoots: [(container: Container, answer: String)] = []
            // Every bucket's queue, its share of the concurrency at most in flight.
            func next() -> Reading? {
                for bucket in buckets where running[bucket, default: 0] < shares[bucket, default: 1] {
                    guard let reading = queues[bucket]?.popLast() else { continue }
                    running[bucket, default: 0] += 1
                    return reading
                }
                return nil
            }
            try await withBoundedTaskGroup(limit: shares.values.reduce(0, +), next: next) { reading in
                let container = reading.container
                do {
                    let page =
                        if let list = reading.list {
                            try await client.folderChildren(list, accountID: container.accountID, folderID: container.assetID, after: reading.cursor)
                        } else {
                            try await client.versions(accountID: container.accountID, stackID: container.assetID, after: reading.cursor)
                        }
                    return PageResult(reading: reading, page: page)
                } catch let error as APIError {
                    guard carriesRefusals, reading.pages == 0, container.parentItemID == container.projectID,
                        case .rejected(_, _, let status, _) = error, [403, 404, 410].contains(status)
                    else { throw error }
                    return PageResult(reading: reading, page: nil, refusal: "\(error)")
                }
            } each: { (result: PageResult) -> [CatalogItem] in
                var reading = result.reading
                running[reading.bucket, default: 0] -= 1
                guard let page = result.page else {
                    refusedRoots.append((reading.container, result.refusal ?? "an error"))
                    await route()
                    return []
                }
                reading.pages += 1
                reading.count += page.elements.count
                try reading.tally.add(page, readFrom: reading.cursor, pages: reading.pages)
                reading.cursor = page.nextCursor
                if reading.cursor == nil || reading.tally.isBroken {
                    if try reading.tally.finish() == .readAgain {
                        reading = Reading(container: reading.container, list: reading.list, tally: reading.tally)
                        queues[reading.bucket, default: []].append(reading)
                    } else {
                        minimumRequests += minimum(reading.count)
                    }
                } else {
                    queues[reading.bucket, default: []].append(reading)
                }
                var items: [CatalogItem] = []
                items.reserveCapacity(page.elements.count)
                let container = reading.container
                for var asset in page.elements {
                    var item: CatalogItem?
                    if collected != nil {
                        if asset.parentID == nil { asset.parentID = container.assetID }
                        collected?[asset.id] = asset
                    } else {
                        if case .other(let type) = asset.type { recorder.keptUnknownType(type) }
                        item = mapper.item(
                            for: asset, parentID: container.parentItemID, parentPath: container.path, projectID: container.projectID)
                        if commentsFollowWalk, asset.type == .file, let item {
                            comments?.enqueue(CommentedFile(accountID: container.accountID, asset: asset, mime: item.mime))
                        }
                    }
                    if asset.isContainer {
                        let child = Container(
                            accountID: container.accountID, assetID: asset.id, parentItemID: asset.id, path: item?.path ?? "",
                            projectID: container.projectID, depth: container.depth + 1, isStack: asset.type == .versionStack)
                        guard child.depth <= Self.maxDepth else {
                            throw UnboundedListing(
                                what: "children of folder \(container.assetID)", detail: "folders are nested deeper than \(Self.maxDepth) levels")
                        }
                        start(child)
                    }
                    if let item { items.append(item) }
                }
                await route()
                return items
            } then: { items in
                // Written once the freed places ask for their next pages.
                for item in items { try await emit(item) }
                recorder.report(estimatedTotal: estimatedTotal, pendingPages: queues.values.reduce(0) { $0 + $1.count })
            }
            if foldersByType > 0 {
                crawler.logger.info(
                    """
                    folders listed through the typed lists while the children list had no room (an asset of a type catalog does not know is \
                    not seen in them)
                    """,
                    metadata: ["folders": "\(foldersByType)", "of": "\(seenContainers.count)"])
            }
            let kept = try await recorder.keepRefusedProjects(
                refusedRoots.map {
                    .init(path: $0.container.path, projectID: $0.container.projectID, root: "root folder \($0.container.assetID)", answer: $0.answer)
                })
            emitted?.formUnion(kept)
        }

        mutating func emit(_ item: CatalogItem) async throws {
            emitted?.insert(item.id)
            if emitted != nil, comments != nil, item.kind == .file { stagedFiles[item.id] = (item.projectID, item.mime) }
            try await recorder.emit(item)
        }
    }
}

import CatalogCore
import CatalogStore
import Foundation
import HTTPSupport
import LocalFiles

/// What every crawl keeps while it walks a service: the batch of items staged into the store,
/// counters, and progress reports built from the requests' statistics (none for a local scan).
struct CrawlRecorder {
    let source: Source
    let database: any CrawlStore
    let session: CrawlSession
    let options: CrawlOptions
    /// The crawl's HTTP requests (a local scan makes none).
    let requests: RequestStats
    let started: Date
    private var batch: [CatalogItem] = []
    /// The batch being written while the walk goes on (at most one at a time), returning the
    /// seconds it took.
    private var writing: Task<Double, any Error>?
    /// Items read so far.
    private(set) var itemsRead = 0
    /// What the crawl is doing, for progress reports.
    var phase = CrawlProgress.Phase.listing
    /// A local crawl's hashing, for progress reports.
    var hashing: HashProgress?
    /// The comments read beside the walk (`--comments`), when they are.
    var comments: CommentProgress?
    /// Seconds spent writing to the store.
    var storeSeconds = 0.0
    /// What the crawl carried past instead of failing on.
    private(set) var warnings = CrawlStats()
    /// Items of a type the service named that catalog does not know, by that type.
    private var unknownTypes: [String: Int] = [:]
    /// The thumbnails being fetched for the last batch (at most one batch at a time, beside the
    /// walk and the store), and what the batches before it did.
    private var thumbnailing: Task<ThumbnailCounts, Never>?
    private(set) var thumbnails = ThumbnailCounts()

    init(source: Source, database: any CrawlStore, session: CrawlSession, options: CrawlOptions, requests: RequestStats, started: Date) {
        self.source = source
        self.database = database
        self.session = session
        self.options = options
        self.requests = requests
        self.started = started
    }

    /// Adds an item; a full batch is written behind the walk (the previous one must be done
    /// first), so requests keep going out while the store works.
    mutating func emit(_ item: CatalogItem) async throws {
        batch.append(item)
        itemsRead += 1
        if batch.count >= options.batchSize { try await writeBehind() }
    }

    /// Starts writing the batch once the previous write is done.
    private mutating func writeBehind() async throws {
        try await finishWriting()
        guard !batch.isEmpty else { return }
        let items = batch
        batch.removeAll(keepingCapacity: true)
        let database = self.database
        let session = self.session
        writing = Task {
            let start = Date()
            try await database.stage(items, in: session)
            return Date().timeIntervalSince(start)
        }
        if let fetcher = options.thumbnails {
            await finishThumbnails()
            thumbnailing = Task { await fetcher.fetch(items) }
        }
    }

    /// Waits for the thumbnails in progress, if any.
    private mutating func finishThumbnails() async {
        guard let thumbnailing else { return }
        self.thumbnailing = nil
        thumbnails.add(await thumbnailing.value)
    }

    /// Waits for the write in progress, if any.
    private mutating func finishWriting() async throws {
        guard let writing else { return }
        self.writing = nil
        storeSeconds += try await writing.value
    }

    /// Counts an item of a type catalog does not know, kept as kind `other` (one warning per type).
    mutating func keptUnknownType(_ type: String) {
        unknownTypes[type, default: 0] += 1
    }

    /// Records something carried past instead of failing the crawl (see ``CrawlStats/warn(_:)``).
    mutating func warn(_ message: String) {
        // Stored with the crawl and shown by `status`: no secret goes with it.
        warnings.warn(Secrets.redact(message))
    }

    /// A project whose root the service refused to list (403, 404 or 410): where it is, which
    /// root, and the service's answer.
    struct RefusedProject {
        var path: String
        var projectID: String
        /// What the root is and its id: `root asset A1` (v2), `root folder F1` (V4).
        var root: String
        var answer: String
    }

    /// Stages, unchanged, the catalogued items of every refused project (only ids this crawl did
    /// not stage: the walk is over, so nothing it read is overwritten) and warns, naming each;
    /// returns the ids kept. One path for v2 and V4: a refused project is carried past, not a
    /// failed crawl.
    mutating func keepRefusedProjects(_ projects: [RefusedProject]) async throws -> Set<String> {
        guard !projects.isEmpty else { return [] }
        try await flush()
        var kept = Set<String>()
        for project in projects {
            let ids = try await database.stageKept(projectID: project.projectID, in: session)
            kept.formUnion(ids)
            warn(
                """
                project \(project.path) (\(project.projectID)) could not be listed: its \(project.root) answered \(project.answer); its \
                \(ids.count) items were kept as the last crawl had them
                """
            )
        }
        return kept
    }

    /// Warns about ids staged at two paths (an asset listed in two projects, a folder listed under
    /// its own descendant): the catalog keeps the smaller path of each, the same on every crawl.
    mutating func warnAboutConflicts() throws {
        let conflicts = try database.stagedConflicts()
        guard conflicts.count > 0 else { return }
        let shown = conflicts.examples.map { "\($0.id) at \($0.paths.joined(separator: " and "))" }.joined(separator: "; ")
        warn(
            """
            \(conflicts.count) item\(conflicts.count == 1 ? " was" : "s were") listed at two places (in two projects, or a folder inside \
            itself), kept at the first path in sort order: \(shown)\(conflicts.count > conflicts.examples.count ? "; …" : "")
            """
        )
    }

    /// Waits for a write in progress without starting another (a failed crawl, before it is marked failed).
    mutating func settle() async {
        _ = try? await writing?.value
        writing = nil
        await finishThumbnails()
    }

    /// Stages everything emitted so far, and waits until it is written.
    mutating func flush() async throws {
        try await writeBehind()
        try await finishWriting()
        await finishThumbnails()
    }

    /// The counts so far.
    func stats() -> CrawlStats {
        let snapshot = requests.snapshot
        var stats = CrawlStats()
        stats.items = itemsRead
        stats.http = snapshot
        stats.warningCount = warnings.warningCount
        stats.warnings = warnings.warnings
        for (type, count) in unknownTypes.sorted(by: { $0.key < $1.key }) {
            stats.warn(
                "\(count) item\(count == 1 ? "" : "s") of type \"\(type)\", which catalog does not know, kept as kind other (search kind:other)")
        }
        if snapshot.repairedText > 0 {
            stats.warn(
                """
                \(snapshot.repairedText) string\(snapshot.repairedText == 1 ? " was" : "s were") not valid Unicode (invalid UTF-8 or an \
                unpaired surrogate) and \(snapshot.repairedText == 1 ? "was" : "were") kept with U+FFFD in place of the bad characters
                """
            )
        }
        return stats
    }

    /// Reports progress to the crawl's observer.
    func report(estimatedTotal: Int?, pendingPages: Int = 0) {
        let snapshot = requests.snapshot
        var progress = CrawlProgress(source: source.rawValue)
        progress.phase = phase
        progress.live = requests
        progress.items = itemsRead
        progress.estimatedTotal = estimatedTotal
        progress.http = snapshot
        progress.pendingPages = pendingPages
        progress.hashing = hashing
        progress.comments = comments
        progress.elapsed = Date().timeIntervalSince(started)
        options.progress(progress)
    }

    /// The report of the committed crawl.
    func report(merge: ItemChanges, minimumRequests: Int) -> CrawlReport {
        var stats = stats()
        stats.changes = merge
        stats.items = merge.items
        var report = CrawlReport(
            crawlID: session.id, source: source.rawValue, stats: stats, elapsed: Date().timeIntervalSince(started),
            storeSeconds: storeSeconds, transportSeconds: stats.http.transportSeconds, minimumRequests: minimumRequests)
        report.mode = session.mode.rawValue
        if options.thumbnails != nil { report.thumbnails = thumbnails }
        return report
    }
}

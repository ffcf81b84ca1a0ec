import CatalogCore
import CatalogStore
import Foundation
import HTTPSupport

/// What a source's walk hands back to the shared crawl path once it has read the service.
struct WalkOutcome: Sendable {
    /// Ids the service no longer has (a delta; a full crawl deletes whatever it did not stage).
    var deletions: Set<String> = []
    /// The source's fields and options, when it has them: replaced in the same transaction.
    var fields: [CatalogField]?
    var fieldOptions: [CatalogFieldOption]?
    /// The people its user fields can name, when it has them: replaced with the fields.
    var people: [CatalogPerson]?
    /// What a local crawl found and hashed.
    var local: LocalScanCounts?
    /// With `--comments`: the comments pass, completed once the crawl is committed.
    var comments: (pass: CommentPass, counts: CommentCounts)?
}

/// One crawl of one source, full or delta: reads the service and stages what it reads through
/// its ``CrawlRecorder``. ``CrawlRun`` drives every source through the same begin → walk →
/// flush → complete or fail path.
protocol SourceWalk {
    /// Stages items and keeps the counters.
    var recorder: CrawlRecorder { get set }
    /// The fewest requests the walk could have taken (reported beside those it took).
    var minimumRequests: Int { get }
    /// Reads the service: everything when `since` is nil, else what changed from `since`.
    mutating func walk(since: Date?) async throws -> WalkOutcome
}

/// The one path every crawl takes: begin a session (delta after a complete crawl unless the
/// options say full; a scan of part of the source for local volumes), walk, flush the last batch, refuse a mass disappearance, and commit in
/// one transaction; on any error, mark the crawl failed and leave the catalog as it was.
///
/// A source whose catalogued items came through another API than this crawl's (a Frame.io
/// account moved from v2 to V4) gets a full crawl that replaces them (``CrawlMode/replace``):
/// no mass-disappearance refusal, no change-log row per replaced item, one warning saying how
/// many were replaced.
enum CrawlRun {
    static func run<Walk: SourceWalk>(
        source: Source, api: ServiceAPI = .v2, scan: Bool = false, database: any CrawlStore, options: CrawlOptions,
        requests: RequestStats = RequestStats(), started: Date, makeWalk: (CrawlSession, CrawlRecorder) -> Walk
    ) async throws -> CrawlReport {
        let previousAPI = try database.lastCompleteCrawl(source: source)?.api
        let catalogued = try database.itemCount(source: source)
        let replacing = previousAPI != nil && previousAPI != api && catalogued > 0
        let since = replacing || scan ? nil : try options.deltaStart(of: source, in: database)
        let mode: CrawlMode = scan ? .scan : replacing ? .replace : since != nil ? .delta : .full
        let session = try database.beginCrawl(source: source, mode: mode, since: since, api: api)
        var walk = makeWalk(
            session, CrawlRecorder(source: source, database: database, session: session, options: options, requests: requests, started: started))
        do {
            walk.recorder.phase = since == nil ? .listing : .readingChanges
            walk.recorder.report(estimatedTotal: nil)
            let outcome = try await walk.walk(since: since)
            try await walk.recorder.flush()
            try walk.recorder.warnAboutConflicts()
            switch mode {
            case .delta:
                // The catalog is as it was when the crawl began: the count taken then still holds.
                try DeltaRefusal.check(source: source, gone: outcome.deletions.count, catalogued: catalogued, force: options.force)
                try await database.stageDeletions(outcome.deletions.sorted(), in: session)
            case .scan:
                // What a scan did not see under the folders it read whole is gone from them: a
                // card wiped or a file deleted (an unreadable folder's items are kept).
                try await database.stageDeletions(outcome.deletions.sorted(), in: session)
            case .full:
                try DeltaRefusal.checkFull(session, database: database, force: options.force)
            case .replace:
                let replaced = try database.unstagedCount(in: session)
                walk.recorder.warn(
                    """
                    the catalog's \(source.displayName) items came from the \(previousAPI?.description ?? "other") API and this crawl read \
                    \(api): \(replaced) item\(replaced == 1 ? "" : "s") no longer listed were replaced, not reported one by one (catalog \
                    changes lists no row for them)
                    """
                )
            }
            walk.recorder.phase = .saving(items: walk.recorder.itemsRead)
            walk.recorder.report(estimatedTotal: nil)
            let storeStart = Date()
            let merge = try await database.complete(
                session, stats: walk.recorder.stats(), fields: outcome.fields, options: outcome.fieldOptions, people: outcome.people)
            walk.recorder.storeSeconds += Date().timeIntervalSince(storeStart)
            var report = walk.recorder.report(merge: merge, minimumRequests: walk.minimumRequests)
            report.local = outcome.local
            if let (pass, counts) = outcome.comments {
                // Comments of files the committed catalog no longer holds go with them.
                var counts = counts
                counts.changes.deleted += try await database.completeCommentPass(pass)
                report.comments = counts
            }
            if let cache = options.thumbnails?.cache, var counts = report.thumbnails {
                // The cache is kept under its size after the commit (a deleted item's picture goes too).
                counts.evicted = (try? await cache.evict()) ?? 0
                (counts.files, counts.bytes) = (try? cache.usage()) ?? (0, 0)
                report.thumbnails = counts
            }
            return report
        } catch {
            await walk.recorder.settle()
            try? await database.fail(session, error: Secrets.redact("\(error)"), stats: walk.recorder.stats())
            throw error
        }
    }
}

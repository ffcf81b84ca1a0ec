import CatalogCore
import Foundation

// The catalog as each kind of caller sees it. `CatalogDatabase` is one file with one writer, but
// a crawler, a card check and a reader of the catalog need different parts of it: each module
// holds the surface it needs (docs/architecture.md, "The store's surfaces"), so a fourth source's
// crawler sees what a crawl may do and nothing else.

/// What a crawl does with the catalog: begin a session, stage what it read, complete or fail it;
/// read back what the last crawl left (a delta's moves and deletions, a rescan's digests); and the
/// review comments pass beside it. Every crawler (Frame.io v2 and V4, Dash, local drives) sees
/// the catalog through this.
public protocol CrawlStore: Sendable {
    // A session.
    func beginCrawl(source: Source, mode: CrawlMode, since: Date?, api: ServiceAPI) throws(StoreError) -> CrawlSession
    func stage(_ items: [CatalogItem], in session: CrawlSession) async throws(StoreError)
    func stageDeletions(_ ids: [String], in session: CrawlSession) async throws(StoreError)
    func stageKept(projectID: String, in session: CrawlSession) async throws(StoreError) -> [String]
    func stagedConflicts(limit: Int) throws(StoreError) -> (count: Int, examples: [(id: String, paths: [String])])
    func unstagedCount(in session: CrawlSession) throws(StoreError) -> Int
    func complete(
        _ session: CrawlSession, stats: CrawlStats, fields: [CatalogField]?, options: [CatalogFieldOption]?, people: [CatalogPerson]?
    ) async throws(StoreError) -> ItemChanges
    func fail(_ session: CrawlSession, error: String, stats: CrawlStats) async throws(StoreError)
    func markScanned(volumes ids: [String], at date: Date) async throws(StoreError)

    // What the catalog holds now.
    func lastCompleteCrawl(source: Source) throws(StoreError) -> CrawlRecord?
    func itemCount(source: Source?) throws(StoreError) -> Int
    func fileCount(source: Source) throws(StoreError) -> Int
    func items(source: Source, ids: [String]) throws(StoreError) -> [String: CatalogItem]
    func items(source: Source, kind: ItemKind) throws(StoreError) -> [CatalogItem]
    func items(source: Source, projectID: String) throws(StoreError) -> [CatalogItem]
    func itemIDs(source: Source, projectID: String) throws(StoreError) -> [String]
    func children(source: Source, of parentIDs: [String]) throws(StoreError) -> [CatalogItem]
    func childCounts(source: Source, of parentIDs: [String]) throws(StoreError) -> [String: Int]
    func forEachItem(source: Source?, records: Bool, _ body: (CatalogItem) throws -> Void) throws
    func fieldOptions(source: Source, fieldID: String?) throws(StoreError) -> [CatalogFieldOption]

    // Review comments (Frame.io V4), read beside the crawl.
    func beginCommentPass(source: Source, mode: CommentPass.Mode, since: Date?, at now: Date) async throws(StoreError) -> CommentPass
    func commentWatermark(source: Source) throws(StoreError) -> Date?
    func commentFiles(source: Source, ids: [String]) throws(StoreError) -> [String: String]
    func replaceComments(
        _ comments: [CatalogComment], source: Source, fileID: String, pass: CommentPass, at now: Date
    ) async throws(StoreError) -> CommentChanges
    func recordCommentFailure(source: Source, fileID: String, pass: Int64, error: String, at now: Date) async throws(StoreError)
    func completeCommentPass(_ pass: CommentPass, at now: Date) async throws(StoreError) -> Int
    func failCommentPass(_ pass: CommentPass, at now: Date) async throws(StoreError)
}

/// What `catalog where` and `catalog verify` read: the copies the catalog knows of a file, and
/// what the last scan of a drive recorded.
public protocol CopyReader: Sendable {
    func copies(of probe: ContentProbe, frameIOAPI: ServiceAPI?) throws(StoreError) -> [CloudCopy]
    func lastCompleteCrawl(source: Source) throws(StoreError) -> CrawlRecord?
    func lastCrawl(source: Source) throws(StoreError) -> CrawlRecord?
    func items(source: Source, kind: ItemKind) throws(StoreError) -> [CatalogItem]
    func items(source: Source, projectID: String) throws(StoreError) -> [CatalogItem]
    func forEachItem(source: Source, projectID: String, _ body: (CatalogItem) throws -> Void) throws
}

/// What reading the catalog takes (`catalog serve`'s API and pages): a query parsed against the
/// catalog's fields, its results, count and facets; an item with its details; a folder's
/// listing; the reports (status, duplicates, changes); all inside one ``reading(_:)`` block per
/// request.
public protocol CatalogReader: Sendable {
    func reading<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T
    func parseQuery(_ text: String) throws -> SearchQuery
    func search(_ query: SearchQuery, order: SearchOrder, reverse: Bool, limit: Int, offset: Int) throws(StoreError) -> [CatalogItem]
    func count(_ query: SearchQuery, cap: Int, budget: Duration) throws(StoreError) -> MatchCount
    func facets(
        _ query: SearchQuery, cap: Int, limit: Int, fieldLimit: Int, budget: Duration, probeBudget: Duration
    ) throws(StoreError) -> SearchFacetCounts
    func projectNames(of items: [CatalogItem]) throws(StoreError) -> [String: String]
    func items(id: String, source: Source?) throws(StoreError) -> [CatalogItem]
    func items(path: String, source: Source?) throws(StoreError) -> [CatalogItem]
    func details(of item: CatalogItem) throws -> ItemDetails
    func list(_ path: String, source: Source?, limit: Int) throws(StoreError) -> [ListingEntry]
    func status() throws(StoreError) -> [SourceStatus]
    func duplicateGroups(_ filter: DuplicateFilter) throws(StoreError) -> [DuplicateGroup]
    func forEachChange(_ filter: CatalogDatabase.ChangeFilter, limit: Int?, _ body: (CatalogChange) throws -> Void) throws
    func lastCompleteCrawl(source: Source) throws(StoreError) -> CrawlRecord?
}

extension CatalogDatabase: CrawlStore, CopyReader, CatalogReader {}

// The short forms readers use, with `CatalogDatabase`'s defaults.
extension CatalogReader {
    public func search(_ query: SearchQuery, limit: Int) throws(StoreError) -> [CatalogItem] {
        try search(query, order: .relevance, reverse: false, limit: limit, offset: 0)
    }
    public func count(_ query: SearchQuery, cap: Int) throws(StoreError) -> MatchCount { try count(query, cap: cap, budget: MatchCount.budget) }
    public func facets(_ query: SearchQuery) throws(StoreError) -> SearchFacetCounts {
        typealias Bounds = CatalogDatabase.FacetBounds
        return try facets(
            query, cap: Bounds.cap, limit: Bounds.limit, fieldLimit: Bounds.fieldLimit, budget: Bounds.budget, probeBudget: Bounds.probeBudget)
    }
    public func items(path: String) throws(StoreError) -> [CatalogItem] { try items(path: path, source: nil) }
}

// The short forms callers use, as `CatalogDatabase` spells them with its defaults.
extension CrawlStore {
    public func beginCrawl(source: Source, mode: CrawlMode = .full, since: Date? = nil) throws(StoreError) -> CrawlSession {
        try beginCrawl(source: source, mode: mode, since: since, api: .v2)
    }
    public func stagedConflicts() throws(StoreError) -> (count: Int, examples: [(id: String, paths: [String])]) {
        try stagedConflicts(limit: 5)
    }
    public func complete(
        _ session: CrawlSession, stats: CrawlStats, fields: [CatalogField]? = nil, options: [CatalogFieldOption]? = nil
    ) async throws(StoreError) -> ItemChanges {
        try await complete(session, stats: stats, fields: fields, options: options, people: nil)
    }
    public func itemCount() throws(StoreError) -> Int { try itemCount(source: nil) }
    public func forEachItem(source: Source? = nil, _ body: (CatalogItem) throws -> Void) throws {
        try forEachItem(source: source, records: true, body)
    }
    public func fieldOptions(source: Source) throws(StoreError) -> [CatalogFieldOption] { try fieldOptions(source: source, fieldID: nil) }
    public func beginCommentPass(source: Source, mode: CommentPass.Mode, since: Date?) async throws(StoreError) -> CommentPass {
        try await beginCommentPass(source: source, mode: mode, since: since, at: Date())
    }
    public func replaceComments(
        _ comments: [CatalogComment], source: Source, fileID: String, pass: CommentPass
    ) async throws(StoreError) -> CommentChanges {
        try await replaceComments(comments, source: source, fileID: fileID, pass: pass, at: Date())
    }
    public func recordCommentFailure(source: Source, fileID: String, pass: Int64, error: String) async throws(StoreError) {
        try await recordCommentFailure(source: source, fileID: fileID, pass: pass, error: error, at: Date())
    }
    public func completeCommentPass(_ pass: CommentPass) async throws(StoreError) -> Int { try await completeCommentPass(pass, at: Date()) }
    public func failCommentPass(_ pass: CommentPass) async throws(StoreError) { try await failCommentPass(pass, at: Date()) }
}

import CatalogCore
import CatalogStore
import Foundation

/// Why a delta refresh was not applied.
public enum DeltaRefusal: CatalogFailure, Sendable {
    /// Too many items vanished at once to trust it.
    case massDisappearance(source: Source, gone: Int, of: Int)

    /// Refuses `gone` disappearances out of `catalogued` items when more than 10% (and more than 5) vanish, unless forced.
    static func check(source: Source, gone: Int, catalogued: Int, force: Bool) throws {
        if gone > 5, gone * 10 > catalogued, !force { throw massDisappearance(source: source, gone: gone, of: catalogued) }
    }

    /// The same guard for a full crawl (`--full`, Dash `--verify`, or a first crawl after a failed
    /// one): what it staged is compared with what the catalog holds before anything is deleted.
    static func checkFull(_ session: CrawlSession, database: any CrawlStore, force: Bool) throws {
        guard !force else { return }
        let catalogued = try database.itemCount(source: session.source)
        guard catalogued > 0 else { return }
        try check(source: session.source, gone: try database.unstagedCount(in: session), catalogued: catalogued, force: force)
    }

    public var description: String {
        switch self {
        case .massDisappearance(let source, let gone, let total):
            let name = source == .dash ? "Dash" : "Frame.io"
            return
                """
                \(name) no longer shows \(gone) of the \(total) catalogued items. A sudden mass disappearance usually means lost permissions \
                or a partial answer, not deletion, so the catalog was not changed. Check the token's access.
                """
        }
    }

    public var failureClass: FailureClass { .service }

    /// If the items really were deleted: the same crawl again, forced.
    public var remedy: Remedy? {
        switch self {
        case .massDisappearance(let source, _, _): .force(source)
        }
    }
}

extension CrawlOptions {
    /// Where a delta of `source` starts (the last complete crawl's start minus the overlap, or
    /// `--since`), or nil when this crawl must be full.
    func deltaStart(of source: Source, in database: any CrawlStore) throws -> Date? {
        guard mode == .automatic, let last = try database.lastCompleteCrawl(source: source), let lastStart = Timestamp.parse(last.startedAt)
        else { return nil }
        return since ?? lastStart.addingTimeInterval(-Self.deltaOverlap)
    }
}

import CatalogCore
import HTTPSupport
import LocalFiles
import Synchronization

/// A crawl's progress, reported after every page.
public struct CrawlProgress: Sendable {
    /// The source being crawled.
    public var source: String
    /// What the crawl is doing.
    public var phase = Phase.listing
    /// The crawl's live request counters, for a display that redraws between reports (its
    /// clock, a request waiting to be retried).
    public var live: RequestStats?
    /// Items read so far.
    public var items = 0
    /// The expected total, when the service says (Frame.io projects' file and folder counts).
    public var estimatedTotal: Int?
    /// The requests so far.
    public var http = RequestCounts()
    /// Pages queued or in flight.
    public var pendingPages = 0
    /// Seconds since the crawl started.
    public var elapsed = 0.0
    /// A local crawl's hashing, live: bytes to read and read so far.
    public var hashing: HashProgress?
    /// A Frame.io V4 crawl's comments (`--comments`), live: files handed to the reader and read.
    public var comments: CommentProgress?

    /// Progress of `source` (a source's name, or what is being done, such as `where`).
    public init(source: String) { self.source = source }

    /// What a crawl is doing.
    public enum Phase: Sendable, Equatable, CustomStringConvertible {
        /// Reading the whole tree.
        case listing
        /// A delta: reading what changed.
        case readingChanges
        /// Dash: reading fields and their options.
        case readingFields
        /// A local crawl: reading new and changed files to hash them.
        case hashing
        /// Committing this many items to the catalog.
        case saving(items: Int)

        public var description: String {
            switch self {
            case .listing: "listing"
            case .readingChanges: "reading changes"
            case .readingFields: "reading fields"
            case .hashing: "hashing"
            case .saving(let items): "saving \(Count.of(items, "item"))"
            }
        }
    }
}

/// The comments a crawl reads beside its walk, live: the files handed over so far and those
/// whose comments were read (or skipped); what the progress line shows as `comments 312/1 873`.
public final class CommentProgress: Sendable {
    private let counts = Mutex((handed: 0, done: 0))

    public init() {}

    /// (files handed over, files done).
    public var snapshot: (handed: Int, done: Int) { counts.withLock { $0 } }

    func handed() { counts.withLock { $0.handed += 1 } }
    func done() { counts.withLock { $0.done += 1 } }
}

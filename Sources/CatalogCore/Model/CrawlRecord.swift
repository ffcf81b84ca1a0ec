/// How a crawl's items replace the catalog's.
public enum CrawlMode: String, Sendable {
    /// Everything of the source was read: items not seen are deleted.
    case full
    /// A full crawl through another API than the catalogued items came from (an account moved
    /// from Frame.io v2 to V4): items not seen are deleted, as for a full crawl, but the change
    /// log gets no row per item; the crawl's counts say how many were replaced.
    case replace
    /// Only changes were read: staged items are added or updated, and only items staged as
    /// deleted are removed.
    case delta
    /// Part of the source was read whole (the volumes or folders a local crawl scanned):
    /// staged items are added or updated, and only items staged as deleted (those under the
    /// scanned folders that were not seen) are removed; the rest of the source stays.
    case scan

    /// Whether only the items staged as deleted are removed (a delta, a scan), rather than every
    /// item of the source the crawl did not stage.
    public var deletesOnlyNamed: Bool { self == .delta || self == .scan }
}

/// One source's state in the catalog, for `catalog status`.
public struct SourceStatus: Sendable, Equatable {
    /// The source.
    public var source: Source
    /// Items of the source in the catalog, by kind.
    public var counts: [ItemKind: Int]
    /// The bytes of its files (the sizes the service gives).
    public var bytes: Int64 = 0
    /// The last complete crawl, if any.
    public var lastComplete: CrawlRecord?
    /// The most recent crawl of any status, if any.
    public var lastAttempt: CrawlRecord?

    public init(source: Source, counts: [ItemKind: Int], bytes: Int64 = 0, lastComplete: CrawlRecord? = nil, lastAttempt: CrawlRecord? = nil) {
        self.source = source
        self.counts = counts
        self.bytes = bytes
        self.lastComplete = lastComplete
        self.lastAttempt = lastAttempt
    }
}

/// Where a crawl stands.
public enum CrawlStatus: String, Sendable {
    /// Under way (or its process was killed: then read as ``interrupted``).
    case running
    /// Merged into the catalog.
    case complete
    /// Ended without changing the catalog.
    case failed
    /// Left `running` by a process that no longer holds the crawl lock.
    case interrupted
}

/// A row of the `crawl` table.
public struct CrawlRecord: Sendable, Equatable {
    /// Its id.
    public var id: Int64
    /// The source crawled.
    public var source: Source
    /// How its items replaced the catalog's.
    public var mode: CrawlMode
    /// When it started (UTC, ISO 8601).
    public var startedAt: String
    /// When it ended, if it did.
    public var finishedAt: String?
    /// Where it stands.
    public var status: CrawlStatus
    /// Items seen.
    public var itemCount: Int
    /// Items added.
    public var added: Int
    /// Items changed.
    public var changed: Int
    /// Items deleted.
    public var deleted: Int
    /// Requests sent.
    public var requests: Int
    /// Retries.
    public var retries: Int
    /// Why it failed, if it did.
    public var error: String?
    /// Items moved (counted among the changed).
    public var moved: Int
    /// For a delta: the time it asked for changes from.
    public var since: String?
    /// The API the crawl read through (`v2` for crawls made before V4 was known).
    public var api: ServiceAPI
    /// What it carried past instead of failing on (an unknown type, repaired text, …).
    public var warningCount: Int
    /// The first of those warnings, one per line.
    public var warnings: [String]

    public init(
        id: Int64, source: Source, mode: CrawlMode, startedAt: String, finishedAt: String? = nil, status: CrawlStatus, itemCount: Int, added: Int,
        changed: Int, deleted: Int, requests: Int, retries: Int, error: String? = nil, moved: Int, since: String? = nil, api: ServiceAPI,
        warningCount: Int, warnings: [String]
    ) {
        self.id = id
        self.source = source
        self.mode = mode
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.status = status
        self.itemCount = itemCount
        self.added = added
        self.changed = changed
        self.deleted = deleted
        self.requests = requests
        self.retries = retries
        self.error = error
        self.moved = moved
        self.since = since
        self.api = api
        self.warningCount = warningCount
        self.warnings = warnings
    }
}

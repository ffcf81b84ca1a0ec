import Foundation

/// What a crawl did: request accounting from the clients and item accounting from the store.
public struct CrawlStats: Sendable, Equatable {
    /// Items read from the service (after de-duplication).
    public var items = 0
    /// HTTP requests sent, retries included.
    public var requests = 0
    /// Requests sent again after a 429, 5xx, timeout or connection error.
    public var retries = 0
    /// Times a request waited for the rate limit (pacing or 429).
    public var rateLimitWaits = 0
    /// Responses with status 429.
    public var throttled = 0
    /// Items new since the previous complete crawl.
    public var added = 0
    /// Items whose record, path or searchable text changed.
    public var changed = 0
    /// Items gone from the service, removed from the catalog.
    public var deleted = 0
    /// Items identical to the previous complete crawl.
    public var unchanged = 0
    /// Items whose path or parent changed (counted among the changed).
    public var moved = 0

    /// What the crawl carried past instead of failing on: an asset of an unknown type, text that
    /// was not valid Unicode (repaired), a project whose root could not be read, an item listed
    /// in two places.
    public var warningCount = 0
    /// The first ``maxKeptWarnings`` warnings, for the summary and `catalog status`.
    public var warnings: [String] = []
    /// How many warnings are kept word for word.
    public static let maxKeptWarnings = 20

    /// Records a warning: counted, and kept while fewer than ``maxKeptWarnings`` are.
    public mutating func warn(_ message: String) {
        warningCount += 1
        if warnings.count < Self.maxKeptWarnings { warnings.append(message.replacingOccurrences(of: "\n", with: " ")) }
    }

    /// The kept warnings, one per line, or nil when there are none.
    public var warningsText: String? { warnings.isEmpty ? nil : warnings.joined(separator: "\n") }

    /// Creates empty stats.
    public init() {}
}

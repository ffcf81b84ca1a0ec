import Foundation

/// What a crawl did: its requests (from the clients), its items and what the commit changed
/// (from the store), and what it warned of.
public struct CrawlStats: Sendable, Equatable {
    /// Items read from the service (after de-duplication); after the commit, the source's items.
    public var items = 0
    /// The crawl's requests.
    public var http = RequestCounts()
    /// What the commit did to the catalog's items (zero until it has run).
    public var changes = ItemChanges()

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

/// What a crawl's requests came to: kept live by the HTTP layer's `RequestStats`, carried in
/// progress reports and in a crawl's ``CrawlStats``.
public struct RequestCounts: Sendable, Equatable {
    /// Requests sent, retries included.
    public var requests = 0
    /// Requests sent again after a 429, 5xx, timeout or connection error.
    public var retries = 0
    /// 429 responses.
    public var throttled = 0
    /// Times a request waited for the rate limit (pacing or 429).
    public var rateLimitWaits = 0
    /// Seconds spent waiting for the rate limit.
    public var rateLimitWaitSeconds = 0.0
    /// Seconds spent in the transport (summed over concurrent requests).
    public var transportSeconds = 0.0
    /// Response bytes received.
    public var bytes = 0
    /// HTTP answers received, whatever their status.
    public var responses = 0
    /// Strings in answers that were not valid Unicode and were repaired (U+FFFD) rather than refused.
    public var repairedText = 0

    /// Creates zeroed counts.
    public init() {}
}

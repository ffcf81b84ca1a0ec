import Synchronization

/// Counters shared by every request of a crawl (thread-safe).
public final class RequestStats: Sendable {
    /// A snapshot of the counters.
    public struct Snapshot: Sendable, Equatable {
        /// Requests sent, retries included.
        public var requests = 0
        /// Requests sent again after a retryable failure.
        public var retries = 0
        /// 429 responses.
        public var throttled = 0
        /// Times a request waited for the rate limit.
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
    }

    private let state = Mutex(Snapshot())

    /// Creates zeroed counters.
    public init() {}

    /// The current values.
    public var snapshot: Snapshot { state.withLock { $0 } }

    /// Applies `change` under the lock.
    public func update(_ change: (inout Snapshot) -> Void) {
        state.withLock { change(&$0) }
    }
}

import CatalogCore
import Synchronization

/// Counters shared by every request of a crawl (thread-safe).
public final class RequestStats: Sendable {
    private let state = Mutex(RequestCounts())

    /// Creates zeroed counters.
    public init() {}

    /// The current values.
    public var snapshot: RequestCounts { state.withLock { $0 } }

    /// Applies `change` under the lock.
    public func update(_ change: (inout RequestCounts) -> Void) {
        state.withLock { change(&$0) }
    }

    private let waiting = Mutex<RetryNotice?>(nil)

    /// The latest request waiting to be tried again, until a request succeeds: what a
    /// progress line shows instead of a clock that seems frozen.
    public var retrying: RetryNotice? { waiting.withLock { $0 } }

    /// Records that a request will be tried again (nil: one succeeded).
    public func noteRetry(_ notice: RetryNotice?) {
        waiting.withLock { $0 = notice }
    }
}

/// A request waiting to be tried again.
public struct RetryNotice: Sendable, Equatable {
    /// The attempt it will make next.
    public var attempt: Int
    /// The most attempts it makes.
    public var maxAttempts: Int
    /// Why: what the last attempt met (`connection refused`, `HTTP 503`, `429 Too Many Requests`).
    public var reason: String

    public init(attempt: Int, maxAttempts: Int, reason: String) {
        self.attempt = attempt
        self.maxAttempts = maxAttempts
        self.reason = reason
    }
}

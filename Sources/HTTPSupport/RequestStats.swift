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
}

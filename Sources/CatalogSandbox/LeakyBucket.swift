import Foundation
import Synchronization

/// Frame.io's rate limit as documented: a leaky bucket per user holding `limit` requests that
/// drains over `window`. Thread-safe.
final class LeakyBucket: Sendable {
    struct Verdict {
        var allowed: Bool
        var remaining: Int
        var retryAfterSeconds: Double
    }

    private struct State {
        var level: Double = 0
        var updatedAt: Double
    }

    let limit: Int
    let window: Double
    /// The window as the `x-ratelimit-window` header gives it.
    let windowMilliseconds: Int
    private let states = Mutex<[String: State]>([:])

    init(limit: Int, windowMilliseconds: Int) {
        self.limit = limit
        self.window = Double(windowMilliseconds) / 1000
        self.windowMilliseconds = windowMilliseconds
    }

    /// Counts one request for `key` if the bucket has room.
    func take(_ key: String, now: Double = ProcessInfo.processInfo.systemUptime) -> Verdict {
        states.withLock { states in
            var state = states[key] ?? State(updatedAt: now)
            state.level = max(0, state.level - (now - state.updatedAt) * Double(limit) / window)
            state.updatedAt = now
            defer { states[key] = state }
            if state.level + 1 <= Double(limit) {
                state.level += 1
                return Verdict(allowed: true, remaining: Int((Double(limit) - state.level).rounded(.down)), retryAfterSeconds: 0)
            }
            let wait = (state.level + 1 - Double(limit)) * window / Double(limit)
            return Verdict(allowed: false, remaining: 0, retryAfterSeconds: wait)
        }
    }
}

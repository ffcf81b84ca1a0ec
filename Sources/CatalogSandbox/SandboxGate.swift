import Foundation
import Synchronization

/// What every sandbox API does before answering: added latency, the bearer-token check, the
/// per-token leaky bucket with its `x-ratelimit-*` headers and 429s, and injected 5xx failures.
final class SandboxGate: Sendable {
    /// The outcome for one request.
    enum Verdict {
        /// Answer it, adding these headers.
        case admit(headers: [(name: String, value: String)])
        /// Refuse it with this status, reason and headers.
        case refuse(status: Int, reason: String, headers: [(name: String, value: String)])
    }

    let configuration: SandboxConfiguration
    private let bucket: LeakyBucket?
    private let counters = Mutex(SandboxCounters())
    private let random: Mutex<SeededGenerator>

    init(configuration: SandboxConfiguration) {
        self.configuration = configuration
        bucket = configuration.rateLimit.map { LeakyBucket(limit: $0, windowMilliseconds: configuration.rateWindowMilliseconds) }
        random = Mutex(SeededGenerator(seed: configuration.faultSeed))
    }

    var counts: SandboxCounters { counters.withLock { $0 } }

    /// Checks one request; `accepts` says whether a bearer token is valid.
    func check(authorization: String?, accepts: (String) -> Bool) async -> Verdict {
        counters.withLock { $0.requests += 1 }
        if configuration.latencyMilliseconds > 0 {
            try? await Task.sleep(for: .milliseconds(configuration.latencyMilliseconds))
        }
        guard let authorization, authorization.hasPrefix("Bearer "), authorization.count > 7 else {
            return .refuse(status: 401, reason: "Missing bearer token", headers: [])
        }
        let token = String(authorization.dropFirst(7))
        guard accepts(token) else { return .refuse(status: 401, reason: "Invalid or expired token", headers: []) }
        var headers: [(name: String, value: String)]
        if let bucket {
            let verdict = bucket.take(token)
            headers = [
                ("x-ratelimit-limit", String(bucket.limit)), ("x-ratelimit-remaining", String(verdict.remaining)),
                ("x-ratelimit-window", String(configuration.rateWindowMilliseconds)),
            ]
            if !verdict.allowed {
                counters.withLock { $0.throttled += 1 }
                if configuration.sendRetryAfter { headers.append(("Retry-After", String(Int(verdict.retryAfterSeconds.rounded(.up))))) }
                return .refuse(status: 429, reason: "Rate limit exceeded", headers: headers)
            }
        } else {
            headers = [("x-ratelimit-limit", "100000"), ("x-ratelimit-remaining", "100000"), ("x-ratelimit-window", "60000")]
        }
        if configuration.failRate > 0 {
            let roll = random.withLock { Double($0.next() % 1_000_000) / 1_000_000 }
            if roll < configuration.failRate {
                counters.withLock { $0.failures += 1 }
                return .refuse(status: [500, 502, 503][Int(roll * 1_000_000) % 3], reason: "Injected failure", headers: headers)
            }
        }
        return .admit(headers: headers)
    }
}

/// Requests a sandbox API answered, by outcome.
public struct SandboxCounters: Sendable, Equatable {
    /// All requests.
    public var requests = 0
    /// 429s sent.
    public var throttled = 0
    /// Injected 5xx sent.
    public var failures = 0
}

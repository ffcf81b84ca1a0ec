/// Paces requests to a leaky-bucket rate limit learnt from `x-ratelimit-*` headers, so that the
/// bucket is not emptied and 429s stay rare; and holds every request back after a 429.
///
/// It keeps an estimate of the bucket's level: each request adds one, the bucket drains at
/// `limit / window`; responses correct the estimate upwards with `limit - remaining` (other
/// clients of the same user share the bucket). A request that would push the level past
/// `limit - headroom` waits until enough has drained.
public actor RateLimitPacer {
    private let clock: ElapsedTime
    private var limit: Double?
    private var window: Double = 1
    private var level: Double = 0
    private var updatedAt: Double
    private var pausedUntil: Double = 0
    /// Whether a claim out of range was reported already (it is reported once).
    private var reportedClaim = false
    /// Fraction of the bucket kept free for in-flight requests and clock skew.
    public let headroom: Double

    /// Creates a pacer that knows no limit until a response tells it one.
    public init(clock: any Clock<Duration> = ContinuousClock(), headroom: Double = 0.1) {
        self.clock = ElapsedTime(clock)
        self.headroom = headroom
        updatedAt = self.clock.now()
    }

    /// Waits until a request may be sent; returns the seconds waited.
    @discardableResult
    public func acquire() async throws -> Double {
        var waited = 0.0
        while true {
            let now = clock.now()
            drain(now)
            if pausedUntil > now {
                let delay = pausedUntil - now
                waited += delay
                try await clock.sleep(seconds: delay)
                continue
            }
            guard let limit else { return waited }
            let ceiling = ceiling(limit)
            // A small tolerance: after waiting exactly the computed drain time, rounding must not
            // leave the level a hair above the ceiling (which would spin on ever tinier waits).
            if level + 1 <= ceiling + 1e-6 {
                level += 1
                return waited
            }
            let delay = max(0.001, (level + 1 - ceiling) * window / limit)
            waited += delay
            try await clock.sleep(seconds: delay)
        }
    }

    /// How full the bucket would be with a request sent now after `pending` others already on
    /// their way (some may be counted in the level already: the answer errs towards full), as
    /// a share of what it is let hold: above 1 that request would wait. 0 while no limit is
    /// known. What a crawl asks before it sends work this bucket's way rather than another's.
    public func load(pending: Int = 0) -> Double {
        drain(clock.now())
        guard let limit else { return 0 }
        return (level + Double(pending) + 1) / ceiling(limit)
    }

    /// Whether a 429 holds every request back now.
    public var isPaused: Bool { pausedUntil > clock.now() }

    /// The highest level requests may bring the bucket to: `limit` less the headroom.
    private func ceiling(_ limit: Double) -> Double {
        max(1, limit - max(1, (limit * headroom).rounded(.down)))
    }

    /// Learns from a response's `x-ratelimit-limit`, `-remaining` and `-window` (milliseconds).
    /// Returns what the service claimed when it was far outside any documented limit and was
    /// clamped (the caller warns, once), nil otherwise.
    @discardableResult
    public func observe(limit: Int?, remaining: Int?, windowMilliseconds: Int?) -> String? {
        let now = clock.now()
        drain(now)
        // Values no service means (a window of years, a limit of billions) are ignored: believed,
        // they would make the pacer wait for ever.
        if let limit, (1...Self.maxLimit).contains(limit) { self.limit = Double(limit) }
        if let windowMilliseconds, (1...Self.maxWindowMilliseconds).contains(windowMilliseconds) {
            window = Double(windowMilliseconds) / 1000
        }
        if let limit = self.limit, let remaining {
            level = max(level, limit - Double(max(0, remaining)))
        }
        // A rate far below any the services document (the slowest: 40 calls a minute) is paced
        // at the floor instead: "1 request per 3 600 000 ms" stalled a crawl for an hour a call.
        // If the service means it, its 429s and Retry-After still hold the crawl back.
        guard let limit = self.limit, limit / window < Self.minRatePerSecond else { return nil }
        let claimed = "\(Int(limit)) per \(Int((window * 1000).rounded())) ms"
        window = limit / Self.minRatePerSecond
        defer { reportedClaim = true }
        return reportedClaim ? nil : claimed
    }

    /// The slowest rate believed: 10 requests a minute, a quarter of the slowest documented.
    public static let minRatePerSecond = 10.0 / 60

    /// The largest `x-ratelimit-limit` believed.
    public static let maxLimit = 1_000_000
    /// The longest `x-ratelimit-window` believed: one hour.
    public static let maxWindowMilliseconds = 3_600_000

    /// Holds all requests for `seconds` after a 429, and marks the bucket full unless the 429 said
    /// how much of it is left (`remaining`, already learnt by ``observe(limit:remaining:windowMilliseconds:)``):
    /// a 429 from elsewhere than this bucket (a burst guard, a gateway) does not empty it, and
    /// believing it did would hold every request until a whole window drained.
    public func throttled(for seconds: Double, remaining: Int? = nil) {
        let now = clock.now()
        drain(now)
        pausedUntil = max(pausedUntil, now + seconds)
        if let limit, remaining == nil { level = limit }
    }

    /// The current estimate of the bucket's level (for tests and progress).
    public var estimatedLevel: Double {
        drain(clock.now())
        return level
    }

    private func drain(_ now: Double) {
        if let limit, now > updatedAt {
            level = max(0, level - (now - updatedAt) * limit / window)
        }
        updatedAt = now
    }
}

/// The pacers of one service, one per rate-limit group, made on first use.
public actor RateLimitPacers {
    private let clock: any Clock<Duration>
    private var pacers: [String: RateLimitPacer] = [:]

    /// Creates an empty set whose pacers use `clock`.
    public init(clock: any Clock<Duration>) { self.clock = clock }

    /// The pacer of `group` (the empty group for requests that name none).
    public func pacer(for group: String) -> RateLimitPacer {
        if let pacer = pacers[group] { return pacer }
        let pacer = RateLimitPacer(clock: clock)
        pacers[group] = pacer
        return pacer
    }
}

/// How often and how long to retry a request that failed in a way worth retrying.
public struct RetryPolicy: Sendable {
    /// Attempts in all, the first included.
    public var maxAttempts: Int
    /// First wait after a 5xx, timeout or connection error, in seconds.
    public var baseDelay: Double
    /// First wait after a 429 without `Retry-After`, in seconds (Frame.io advises ~1 s).
    public var throttleDelay: Double
    /// The longest single wait, in seconds.
    public var maxDelay: Double
    /// The timeout of one attempt.
    public var timeout: Duration
    /// Times in all an answer that cannot be decoded is asked for.
    public var malformedAttempts = 4
    /// The most time one request may take in all, its attempts and the waits between them
    /// included: by default ten times ``timeout``. A wait that would go past it (a `Retry-After`
    /// of a billion seconds, a 503 answered forever) fails the request at once, in the service's
    /// own words.
    public var budget: Duration

    /// Creates a policy.
    public init(
        maxAttempts: Int = 6, baseDelay: Double = 0.5, throttleDelay: Double = 1, maxDelay: Double = 30, timeout: Duration = .seconds(60),
        budget: Duration? = nil
    ) {
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.throttleDelay = throttleDelay
        self.maxDelay = maxDelay
        self.timeout = timeout
        self.budget = budget ?? timeout * 10
    }

    /// ``timeout`` in seconds.
    public var timeoutSeconds: Double {
        Double(timeout.components.seconds) + Double(timeout.components.attoseconds) * 1e-18
    }

    /// ``budget`` in seconds.
    public var budgetSeconds: Double {
        Double(budget.components.seconds) + Double(budget.components.attoseconds) * 1e-18
    }

    /// The wait before attempt `attempt + 1` (`attempt` ≥ 1 failed ones so far): exponential,
    /// capped, with "equal jitter" (half fixed, half random) so concurrent clients spread out.
    public func delay(afterAttempt attempt: Int, throttled: Bool, jitter: Double = Double.random(in: 0...1)) -> Double {
        let base = throttled ? throttleDelay : baseDelay
        let exponential = min(maxDelay, base * Double(1 << min(attempt - 1, 20)))
        return exponential / 2 + exponential / 2 * jitter
    }
}

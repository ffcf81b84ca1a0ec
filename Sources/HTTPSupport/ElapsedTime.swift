/// Time as the pacer and the retry logic read it from any `Clock<Duration>` (the continuous
/// clock in use, a manual clock in tests): seconds since it was made, and sleeps on that clock.
struct ElapsedTime: Sendable {
    private let elapsed: @Sendable () -> Duration
    private let sleeper: @Sendable (Duration) async throws -> Void

    /// Reads `clock`, with zero at now.
    init(_ clock: some Clock<Duration>) {
        let origin = clock.now
        elapsed = { origin.duration(to: clock.now) }
        sleeper = { try await clock.sleep(for: $0) }
    }

    /// Seconds since this was made.
    func now() -> Double {
        let elapsed = elapsed()
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    }

    /// Sleeps `seconds` on the clock (throws on cancellation).
    func sleep(seconds: Double) async throws {
        guard seconds > 0 else { return }
        try await sleeper(.nanoseconds(Int64(min(seconds, 1e9) * 1e9)))
    }
}

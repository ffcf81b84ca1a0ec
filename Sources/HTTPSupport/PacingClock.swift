import Foundation

/// Time as the pacer and retry logic see it: injected so tests control it.
public protocol PacingClock: Sendable {
    /// Seconds on a monotonic scale.
    func now() -> Double
    /// Suspends for `seconds` (throws on cancellation).
    func sleep(seconds: Double) async throws
}

/// The real monotonic clock.
public struct SystemPacingClock: PacingClock {
    private let clock = ContinuousClock()
    private let origin: ContinuousClock.Instant

    /// Creates a clock whose zero is now.
    public init() { origin = clock.now }

    /// Seconds since the clock was made.
    public func now() -> Double {
        let elapsed = origin.duration(to: clock.now)
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    }

    /// Sleeps on the continuous clock.
    public func sleep(seconds: Double) async throws {
        guard seconds > 0 else { return }
        try await clock.sleep(for: .nanoseconds(Int64(seconds * 1e9)))
    }
}

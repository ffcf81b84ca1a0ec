import Dispatch

/// Runs blocking work (walking folders, reading files, the catalog's synchronous reads) on
/// Dispatch's threads, off Swift's cooperative pool, whose few threads (as many as cores) must
/// never wait on a disk: eight requests to `catalog serve` then read the catalog side by side
/// instead of two at a time while the rest wait.
public enum BlockingIO {
    /// The value `body` returns, computed on a Dispatch thread.
    public static func run<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async { continuation.resume(returning: body()) }
        }
    }

    /// The value `body` returns or the error it throws, computed on a Dispatch thread.
    public static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async { continuation.resume(with: Result(catching: body)) }
        }
    }
}

import Dispatch

/// Runs blocking file work (walking folders, reading files) on Dispatch's threads, off Swift's
/// cooperative pool, whose few threads must never wait on a disk.
public enum BlockingIO {
    /// The value `body` returns, computed on a Dispatch thread.
    public static func run<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async { continuation.resume(returning: body()) }
        }
    }
}

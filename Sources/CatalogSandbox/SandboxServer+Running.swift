import Logging
import ServiceLifecycle

extension SandboxServer {
    /// Starts the server, runs `body` with its URLs, then shuts the server down gracefully:
    /// cancelling it instead can trap in SwiftNIO when a connection was accepted but not yet
    /// served (apple/swift-nio#3481).
    public func withRunning<T: Sendable>(_ body: @Sendable (_ urls: SandboxURLs) async throws -> T) async throws -> T {
        let (ready, continuation) = AsyncStream<SandboxURLs>.makeStream()
        var quiet = logger
        quiet.logLevel = .warning
        var configuration = ServiceGroupConfiguration(
            services: [application { urls in continuation.yield(urls) }], gracefulShutdownSignals: [], logger: quiet)
        configuration.maximumGracefulShutdownDuration = .seconds(10)
        let services = ServiceGroup(configuration: configuration)
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                try await services.run()
                continuation.finish()
                return nil
            }
            var iterator = ready.makeAsyncIterator()
            guard let urls = await iterator.next() else {
                try await group.waitForAll()
                throw CancellationError()
            }
            let result: Result<T, any Error>
            do { result = .success(try await body(urls)) } catch { result = .failure(error) }
            await services.triggerGracefulShutdown()
            while (try? await group.next()) != nil {}
            return try result.get()
        }
    }
}

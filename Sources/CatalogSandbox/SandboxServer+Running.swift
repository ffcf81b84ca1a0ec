extension SandboxServer {
    /// Starts the server, runs `body` with its Frame.io base URL, then stops the server.
    public func withRunning<T: Sendable>(_ body: @Sendable (_ urls: SandboxURLs) async throws -> T) async throws -> T {
        let (ready, continuation) = AsyncStream<SandboxURLs>.makeStream()
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                try await self.run { urls in continuation.yield(urls) }
                return nil
            }
            var iterator = ready.makeAsyncIterator()
            guard let url = await iterator.next() else { throw CancellationError() }
            let result: Result<T, any Error>
            do { result = .success(try await body(url)) } catch { result = .failure(error) }
            group.cancelAll()
            while (try? await group.next()) != nil {}
            return try result.get()
        }
    }
}

/// Runs `work` on what `next` hands out, at most `limit` at a time, and gives each result to
/// `each` on the caller's task, in the order they finish. `next` is asked for work whenever a
/// place is free: at the start and after every result, so `each` may queue more work (the
/// children of a folder just listed) that `next` then hands out. `then` runs after that refill,
/// with what `each` returned: the slow part of handling a result (writing what it held) goes
/// there, so the freed place is already working again. `next` answers nil when it has nothing for now; the group ends when
/// nothing runs and `next` has nothing. The first error thrown by `work`, `each` or `then`
/// cancels the rest and is rethrown.
///
/// The one bounded task group of the crawlers, the hashers and the thumbnail fetcher.
public func withBoundedTaskGroup<Input: Sendable, Output: Sendable, Handed>(
    limit: Int,
    next: () async throws -> Input?,
    work: @escaping @Sendable (Input) async throws -> Output,
    each: (Output) async throws -> Handed,
    then: (Handed) async throws -> Void = { _ in }
) async throws {
    let limit = max(1, limit)
    try await withThrowingTaskGroup(of: Output.self) { group in
        var running = 0
        while running < limit, let input = try await next() {
            running += 1
            group.addTask { try await work(input) }
        }
        while let output = try await group.next() {
            running -= 1
            let handed = try await each(output)
            while running < limit, let input = try await next() {
                running += 1
                group.addTask { try await work(input) }
            }
            try await then(handed)
        }
    }
}

/// Runs `work` on every element of `inputs`, at most `limit` at a time, giving each result to
/// `each` (with its input) in the order they finish, once the place it freed works again.
public func forEachConcurrently<Input: Sendable, Output: Sendable>(
    _ inputs: [Input], limit: Int,
    work: @escaping @Sendable (Input) async throws -> Output,
    each: (Input, Output) async throws -> Void
) async throws {
    var index = 0
    try await withBoundedTaskGroup(limit: limit) { () -> Int? in
        guard index < inputs.count else { return nil }
        defer { index += 1 }
        return index
    } work: { i in
        (i, try await work(inputs[i]))
    } each: { (i: Int, output: Output) in
        (i, output)
    } then: { i, output in
        try await each(inputs[i], output)
    }
}

/// `work` over every element of `inputs`, at most `limit` at a time; the results in the inputs'
/// order.
public func mapConcurrently<Input: Sendable, Output: Sendable>(
    _ inputs: [Input], limit: Int, _ work: @escaping @Sendable (Input) async throws -> Output
) async throws -> [Output] {
    var results: [Output?] = Array(repeating: nil, count: inputs.count)
    try await forEachConcurrently(Array(inputs.indices), limit: limit) {
        try await work(inputs[$0])
    } each: {
        results[$0] = $1
    }
    return results.compactMap { $0 }
}

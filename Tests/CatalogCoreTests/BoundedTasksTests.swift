import CatalogCore
import Synchronization
import Testing

@Suite struct BoundedTasksTests {
    /// Counts the tasks running at once and the most there ever were.
    final class Gauge: Sendable {
        private let state = Mutex((now: 0, most: 0))
        func enter() {
            state.withLock {
                $0.now += 1
                $0.most = max($0.most, $0.now)
            }
        }
        func leave() { state.withLock { $0.now -= 1 } }
        var most: Int { state.withLock { $0.most } }
    }

    @Test func neverRunsMoreThanTheLimitAndRunsWhatEachResultQueues() async throws {
        // A tree walked the way the crawlers walk folders: each result queues its children.
        let gauge = Gauge()
        var queue = [1]
        var seen: [Int] = []
        try await withBoundedTaskGroup(limit: 3) {
            queue.popLast()
        } work: { node in
            gauge.enter()
            defer { gauge.leave() }
            try await Task.sleep(for: .milliseconds(2))
            return node
        } each: { node in
            seen.append(node)
            if node < 64 { queue += [2 * node, 2 * node + 1] }
        }
        #expect(seen.sorted() == Array(1...127))
        #expect(gauge.most == 3)
    }

    @Test func theFirstErrorEndsTheGroupAndIsRethrown() async {
        struct Refused: Error, Equatable {}
        var handed = 0
        await #expect(throws: Refused.self) {
            try await forEachConcurrently(Array(0..<1000), limit: 4) { input in
                if input == 5 { throw Refused() }
                return input
            } each: { _, _ in
                handed += 1
            }
        }
        #expect(handed < 1000)
    }

    @Test func everyInputIsHandedBackWithItsOwnOutput() async throws {
        var outputs: [Int: String] = [:]
        try await forEachConcurrently(Array(0..<50), limit: 7) {
            "\($0 * $0)"
        } each: {
            outputs[$0] = $1
        }
        #expect(outputs.count == 50)
        #expect(outputs.allSatisfy { $0.value == "\($0.key * $0.key)" })
    }

    @Test func mappedResultsKeepTheInputsOrderWhateverOrderTheyFinishIn() async throws {
        // Earlier inputs sleep longer, so they finish last.
        let mapped = try await mapConcurrently(Array(0..<20), limit: 5) { input in
            try await Task.sleep(for: .milliseconds(20 - input))
            return input * 10
        }
        #expect(mapped == (0..<20).map { $0 * 10 })
    }

    @Test func aLimitBelowOneRunsOneAtATime() async throws {
        let gauge = Gauge()
        try await forEachConcurrently(Array(0..<10), limit: 0) { _ in
            gauge.enter()
            defer { gauge.leave() }
            try await Task.sleep(for: .milliseconds(1))
        } each: { _, _ in
        }
        #expect(gauge.most == 1)
    }
}

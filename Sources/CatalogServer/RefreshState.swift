import CatalogCore
import Foundation
import Synchronization

/// What the team host's own refreshes (`catalog serve --refresh`) did and will do, per source:
/// what `/api/status` (`refresh`) and the status page show.
public final class RefreshState: Sendable {
    public struct Entry: Sendable, Equatable {
        public var running = false
        public var lastStarted: Date?
        public var lastFinished: Date?
        /// `complete`, `failed` or `skipped` (another crawl was writing the catalog).
        public var result: String?
        /// The crawl's summary line, or the error.
        public var message: String?
        public var next: Date?
        /// Failures in a row (each doubles the wait, up to a limit).
        public var failures = 0

        public init() {}
    }

    /// Seconds between refreshes.
    public let interval: Double
    private let entries = Mutex<[Source: Entry]>([:])

    public init(interval: Double, sources: [Source], now: Date = Date()) {
        self.interval = interval
        var first: [Source: Entry] = [:]
        for source in sources {
            var entry = Entry()
            entry.next = now
            first[source] = entry
        }
        entries.withLock { $0 = first }
    }

    /// The sources refreshed, in order.
    public var sources: [Source] { entries.withLock { state in Source.allCases.filter { state[$0] != nil } } }

    public func entry(_ source: Source) -> Entry? { entries.withLock { $0[source] } }

    public func update(_ source: Source, _ change: (inout Entry) -> Void) {
        entries.withLock { state in
            guard var entry = state[source] else { return }
            change(&entry)
            state[source] = entry
        }
    }

    /// `{"interval_seconds", "sources": [{source, running, last_started, last_finished, result, message, next}]}`.
    public var json: JSONValue {
        func time(_ date: Date?) -> JSONValue { date.map { .string(Timestamp.format($0)) } ?? .null }
        let listed = entries.withLock { state in Source.allCases.compactMap { source in state[source].map { (source, $0) } } }
        return .object([
            ("interval_seconds", .number(String(Int(interval)))),
            (
                "sources",
                .array(
                    listed.map { source, entry in
                        .object([
                            ("source", .string(source.rawValue)), ("running", .bool(entry.running)), ("last_started", time(entry.lastStarted)),
                            ("last_finished", time(entry.lastFinished)), ("result", entry.result.map { .string($0) } ?? .null),
                            ("message", entry.message.map { .string($0) } ?? .null), ("next", time(entry.next)),
                        ])
                    })
            ),
        ])
    }
}

import CatalogCore
import Dispatch
import GRDB
import GRDBSQLite

/// How many items a query matches, as far as counting went.
public struct MatchCount: Sendable, Equatable {
    /// The matches counted.
    public var count: Int
    /// Whether that is all of them; otherwise there are at least ``count`` (counting reached its
    /// cap or its time budget).
    public var isExact: Bool

    public init(count: Int, isExact: Bool) {
        self.count = count
        self.isExact = isExact
    }

    /// The time a count may take after the results are shown: 25 ms, so that the page and its
    /// count together stay within 50 ms.
    public static let budget: Duration = .milliseconds(25)
}

extension CatalogDatabase {
    /// Runs `body` on `db` until it ends or `budget` runs out: SQLite's progress handler checks
    /// the clock every thousand virtual-machine steps and interrupts the statement past the
    /// deadline. Returns whether `body` ended before it (false: it was interrupted).
    static func within(_ budget: Duration, _ db: Database, _ body: () throws -> Void) throws -> Bool {
        guard let connection = db.sqliteConnection else {
            try body()
            return true
        }
        let (seconds, attoseconds) = budget.components
        let nanoseconds = UInt64(max(0, seconds)) * 1_000_000_000 + UInt64(max(0, attoseconds) / 1_000_000_000)
        let deadline = UnsafeMutablePointer<UInt64>.allocate(capacity: 1)
        deadline.initialize(to: DispatchTime.now().uptimeNanoseconds &+ nanoseconds)
        defer { deadline.deallocate() }
        sqlite3_progress_handler(
            connection, 1_000,
            { context in
                guard let context else { return 0 }
                return DispatchTime.now().uptimeNanoseconds >= context.load(as: UInt64.self) ? 1 : 0
            }, deadline)
        defer { sqlite3_progress_handler(connection, 0, nil, nil) }
        do {
            try body()
            return true
        } catch let error as DatabaseError where error.resultCode == .SQLITE_INTERRUPT {
            return false
        }
    }
}

import FrameIOClient

/// Checks that the pages of one list add up: every page reported the same `total`, and
/// the distinct elements read equal it. A list that does not add up changed while it was read
/// (an item added or removed in front of a later page, one item served on two pages, an empty
/// page) and may be missing items, so it is read again, up to ``maxReadings`` times. A list that
/// reads the same twice with more elements than its `total` is accepted; one that keeps changing
/// or keeps holding fewer elements than its `total` fails the crawl.
struct ListTally: Sendable {
    /// Readings of one list before the crawl gives up.
    static let maxReadings = 3

    /// What the list is, for messages.
    let what: String
    /// This reading (1-based).
    private(set) var reading = 1
    private var total: Int?
    private var totalChanged = false
    private var ids = Set<String>()
    private var previous: Set<String>?
    /// What each reading saw, for the failure message.
    private var history: [String] = []

    init(what: String) { self.what = what }

    /// Counts one page: the total it reported and its elements' ids.
    mutating func add(total pageTotal: Int?, ids pageIDs: some Sequence<String>) {
        if let pageTotal {
            if let total, total != pageTotal { totalChanged = true }
            total = total ?? pageTotal
        }
        ids.formUnion(pageIDs)
    }

    /// Counts one Frame.io page.
    mutating func add<Element: FrameIOListed>(_ page: FrameIOPage<Element>) {
        add(total: page.total, ids: page.elements.lazy.map(\.id))
    }

    /// What to do once every page of this reading is in.
    enum Verdict: Equatable {
        /// The pages add up (or the list read the same twice).
        case complete
        /// Read the list again.
        case readAgain
    }

    /// Decides after the last page of a reading; throws ``InconsistentListing`` when the list
    /// kept changing for ``maxReadings`` readings.
    mutating func finish() throws -> Verdict {
        if !totalChanged && (total == nil || total == ids.count) { return .complete }
        // Read the same twice, holding at least what the service counts: its total may count
        // something the list leaves out, but nothing is missing.
        if !totalChanged, let previous, previous == ids, ids.count >= total ?? 0 { return .complete }
        history.append(totalChanged ? "totals changed between pages, \(ids.count) distinct" : "total \(total ?? 0), \(ids.count) distinct")
        guard reading < Self.maxReadings else { throw InconsistentListing(what: what, readings: history) }
        previous = ids
        ids = []
        total = nil
        totalChanged = false
        reading += 1
        return .readAgain
    }
}

/// A list whose pages never added up: the service changed it on every reading.
public struct InconsistentListing: Error, Sendable, CustomStringConvertible {
    /// The list.
    public var what: String
    /// What each reading saw.
    public var readings: [String]

    public var description: String {
        "the pages of \(what) did not add up in \(readings.count) readings (\(readings.joined(separator: "; "))): the list kept changing while it was read. Nothing was committed: the catalog is unchanged; run the crawl again."
    }
}

import CatalogCore
import FrameIOClient

/// Checks that the pages of one list add up: every page reported the same `total`, and
/// the distinct elements read equal it. A list that does not add up changed while it was read
/// (an item added or removed in front of a later page, one item served on two pages, an empty
/// page) and may be missing items, so it is read again, up to ``maxReadings`` times. A list that
/// reads the same twice with more elements than its `total` is accepted; one that keeps changing
/// or keeps holding fewer elements than its `total` fails the crawl.
public struct ListTally: Sendable {
    /// Readings of one list before the crawl gives up.
    static let maxReadings = 3

    /// What the list is, for messages.
    let what: String
    /// This reading (1-based).
    private(set) var reading = 1
    private var total: Int?
    private var totalChanged = false
    private var ids = Set<String>()
    /// The cursors this reading has read from or been sent to: one coming round again is a cycle
    /// (a list that would never end).
    var cursors = Set<String>()
    private var previous: Set<String>?
    /// What each reading saw, for the failure message.
    private var history: [String] = []
    /// Why this reading cannot add up whatever its totals say, if it cannot.
    private var broken: String?
    /// A hash of each page's ids in this reading, to notice a page served again.
    private var pageSignatures = Set<Int>()

    init(what: String) { self.what = what }

    /// Counts one page: the total it reported and its elements' ids.
    mutating func add(total pageTotal: Int?, ids pageIDs: some Sequence<String>) {
        if let pageTotal {
            if let total, total != pageTotal { totalChanged = true }
            total = total ?? pageTotal
        }
        ids.formUnion(pageIDs)
    }

    /// Counts one Frame.io page. A page holding exactly the ids of an earlier page of this reading
    /// is a repeat (a server serving one page for every page number): the reading cannot add up.
    mutating func add<Element: Listed>(_ page: FrameIOPage<Element>) {
        if !page.elements.isEmpty, page.elements.count == (page.perPage ?? page.requestedPageSize),
            page.elements.allSatisfy({ ids.contains($0.id) })
        {
            // A full page that adds nothing new (one element repeated page after page, say).
            broken = broken ?? "page \(page.pageNumber) repeats elements already listed"
        }
        if page.elements.count > 1 {
            var hasher = Hasher()
            for element in page.elements { hasher.combine(element.id) }
            let signature = hasher.finalize()
            if !pageSignatures.insert(signature).inserted
                && page.elements.allSatisfy({ ids.contains($0.id) })
            {
                broken = broken ?? "page \(page.pageNumber) repeats an earlier page"
            }
        }
        add(total: page.total, ids: page.elements.lazy.map(\.id))
    }

    /// The most pages one list may have: at the 1 000 asked for, ten million children of one
    /// folder. A list that declares more, or keeps going past it with no total, fails the crawl.
    public static let maxPages = 10_000
    /// The most elements one list may hold: a million children of one folder. A list that
    /// declares more, or sends more, fails the crawl; so the ids a reading keeps stay bounded
    /// (about 100 MB at most).
    public static let maxElements = 1_000_000

    /// The last page of this reading worth asking for, from what its first page proves: the
    /// declared `total-pages`, but never more than the declared `total` divided by the elements the
    /// first page held (a server cannot mean more pages than that). Nil when the first page
    /// declares neither (the list goes on while its pages are full, up to ``maxPages``). Throws
    /// ``UnboundedListing`` when the plan passes ``maxPages``.
    static func lastPage<Element: Listed>(from first: FrameIOPage<Element>, what: String) throws -> Int? {
        let held = first.elements.count
        guard held > 0 else { return 1 }  // an empty first page ends the list; the tally checks its total
        var last = first.totalPages
        if let total = first.total, total > maxElements {
            throw UnboundedListing(what: what, detail: "its first page declares \(total) elements")
        }
        if let total = first.total {
            let proven = total / held + (total % held == 0 ? 0 : 1)
            last = Swift.min(last ?? proven, proven)
        }
        if last == nil, !first.hasNextPage { last = 1 }
        if let last, last > maxPages {
            throw UnboundedListing(
                what: what,
                detail:
                    """
                    its first page declares \(last) pages (total \(first.total.map(String.init) ?? "not sent"), total-pages \
                    \(first.totalPages.map(String.init) ?? "not sent"), \(held) on the first page)
                    """
            )
        }
        return last.map { Swift.max(1, $0) }
    }

    /// Whether this reading already cannot add up (a page repeated another): ask for no more of it.
    var isBroken: Bool { broken != nil }

    /// Throws ``UnboundedListing`` when this reading holds more than ``maxElements``, or an
    /// open-ended list (no total declared) has sent `fullPages` full pages reaching ``maxPages``.
    func checkBounds(fullPages: Int) throws {
        if ids.count > Self.maxElements {
            throw UnboundedListing(what: what, detail: "it sent more than \(Self.maxElements) elements")
        }
        if fullPages >= Self.maxPages {
            throw UnboundedListing(what: what, detail: "it sent \(Self.maxPages) full pages without declaring a total")
        }
    }

    /// Marks this reading as not adding up, whatever its totals say (a list that ran past its
    /// plan, or a page that repeats another).
    mutating func reject(_ reason: String) {
        broken = broken ?? reason
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
        if let broken {
            history.append("\(broken), \(ids.count) distinct")
            guard reading < Self.maxReadings else { throw InconsistentListing(what: what, readings: history) }
            startReading()
            return .readAgain
        }
        if !totalChanged && (total == nil || total == ids.count) { return .complete }
        // Read the same twice, holding at least what the service counts: its total may count
        // something the list leaves out, but nothing is missing.
        if !totalChanged, let previous, previous == ids, ids.count >= total ?? 0 { return .complete }
        history.append(totalChanged ? "totals changed between pages, \(ids.count) distinct" : "total \(total ?? 0), \(ids.count) distinct")
        guard reading < Self.maxReadings else { throw InconsistentListing(what: what, readings: history) }
        previous = ids
        startReading()
        return .readAgain
    }

    private mutating func startReading() {
        ids = []
        cursors = []
        total = nil
        totalChanged = false
        broken = nil
        pageSignatures = []
        reading += 1
    }
}

/// A list that declares, or runs to, more pages than any list may have: the service's paging
/// headers cannot be believed, and following them would never end.
public struct UnboundedListing: CatalogFailure, Sendable {
    public var failureClass: FailureClass { .service }
    /// The list.
    public var what: String
    /// What the service declared or did.
    public var detail: String

    public var description: String {
        """
        \(what) cannot be read: \(detail). A list may have at most \(ListTally.maxPages) pages and \(ListTally.maxElements) elements, so the \
        service's paging is not believable; nothing was committed: the catalog is unchanged.
        """
    }
}

/// A list whose pages never added up: the service changed it on every reading.
public struct InconsistentListing: CatalogFailure, Sendable {
    public var failureClass: FailureClass { .service }
    /// The list.
    public var what: String
    /// What each reading saw.
    public var readings: [String]

    public var description: String {
        """
        the pages of \(what) did not add up in \(readings.count) readings (\(readings.joined(separator: "; "))): the list kept changing while \
        it was read. Nothing was committed: the catalog is unchanged; run the crawl again.
        """
    }
}

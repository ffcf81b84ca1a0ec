import CatalogCore
import DashClient
import FrameIOClient
import FrameIOV4Client

/// How a list is paged: where a reading starts, and after each page, where the next one is.
/// Frame.io v2 pages by number (``PageNumbers``), V4 by cursor (``Cursors``), Dash's searches
/// by offset (``Offsets``).
protocol ListPaging {
    associatedtype Element: Listed
    associatedtype Page
    associatedtype Position

    /// Where every reading starts.
    var start: Position { get }
    /// The elements of `page`.
    func elements(of page: Page) -> [Element]
    /// Counts `page`, the `pages`-th of this reading, read from `position`, in `tally` (its
    /// bounds checked); where the next page is, nil when the list ended there.
    mutating func next(after page: Page, readFrom position: Position, pages: Int, tally: inout ListTally) throws -> Position?
}

/// Reads whole lists one page after another (the short lists: accounts, teams, workspaces,
/// projects, users, fields), reading a list again while its pages do not add up (``ListTally``)
/// and stopping one that passes the bounds on pages and elements. The walks read many lists
/// side by side with the same tally.
enum ListReader {
    /// Every element of the list called `what`, each once, in the order first listed.
    static func read<Paging: ListPaging>(
        _ what: String, paging: inout Paging, _ fetch: (Paging.Position) async throws -> Paging.Page
    ) async throws -> [Paging.Element] {
        var tally = ListTally(what: what)
        while true {
            var elements: [Paging.Element] = []
            var seen = Set<String>()
            var position: Paging.Position? = paging.start
            var pages = 0
            while let from = position {
                let page = try await fetch(from)
                pages += 1
                position = try paging.next(after: page, readFrom: from, pages: pages, tally: &tally)
                for element in paging.elements(of: page) where seen.insert(element.id).inserted { elements.append(element) }
                if tally.isBroken { break }
            }
            if try tally.finish() == .complete { return elements }
        }
    }
}

/// Frame.io v2's numbered pages: the plan the first page proves (``ListTally/lastPage(from:what:)``),
/// else on while pages are full; an empty page ends the list.
struct PageNumbers<Element: Listed>: ListPaging {
    /// The page size the service serves (`per_page`), learnt from its pages.
    private(set) var perPage: Int
    private var lastPage: Int?

    init(pageSize: Int) { perPage = pageSize }

    var start: Int { 1 }

    func elements(of page: FrameIOPage<Element>) -> [Element] { page.elements }

    mutating func next(after page: FrameIOPage<Element>, readFrom number: Int, pages: Int, tally: inout ListTally) throws -> Int? {
        if number == 1 { lastPage = try ListTally.lastPage(from: page, what: tally.what) }
        tally.add(page)
        try tally.checkBounds(fullPages: lastPage == nil ? number : 0)
        perPage = page.perPage ?? perPage
        guard !page.elements.isEmpty, number < lastPage ?? (page.hasNextPage ? number + 1 : number) else { return nil }
        return number + 1
    }
}

/// Frame.io V4's cursors (`links.next`): the list ends on a page without one; a cursor that
/// comes round again breaks the reading (``ListTally/add(_:readFrom:pages:)``).
struct Cursors<Element: Listed>: ListPaging {
    var start: String? { nil }

    func elements(of page: V4Page<Element>) -> [Element] { page.elements }

    func next(after page: V4Page<Element>, readFrom cursor: String?, pages: Int, tally: inout ListTally) throws -> String?? {
        try tally.add(page, readFrom: cursor, pages: pages)
        return page.nextCursor.map { .some($0) }
    }
}

/// Dash's searches, paged by offset (`from`): every page reports the search's count; the list
/// ends on an empty page or at that count. A search counting more than `cap` (what a search can
/// page through) throws ``TooLong``: it must be read in narrower windows.
struct Offsets<Element: Listed>: ListPaging {
    struct TooLong: Error {}
    let cap: Int

    var start: Int { 0 }

    func elements(of page: DashPage<Element>) -> [Element] { page.elements }

    func next(after page: DashPage<Element>, readFrom from: Int, pages: Int, tally: inout ListTally) throws -> Int? {
        guard page.totalResults <= cap else { throw TooLong() }
        tally.add(total: page.totalResults, ids: page.elements.lazy.map(\.id))
        try tally.checkBounds(fullPages: pages)
        let next = from + page.elements.count
        return page.elements.isEmpty || next >= page.totalResults ? nil : next
    }
}

extension ListTally {
    /// Adds the `pages`-th page of a cursor list, read from `cursor`: its ids and total are
    /// tallied, the list's bounds checked, and a next link to any cursor this reading already
    /// read from (its own page's, or one of a cycle of two or more: a list that would never end)
    /// breaks the reading at once, instead of at the 10 000-page cap (~100 minutes at V4's 100
    /// calls a minute).
    mutating func add<Element: Listed>(_ page: V4Page<Element>, readFrom cursor: String?, pages: Int) throws {
        add(total: page.totalCount, ids: page.elements.lazy.map(\.id))
        try checkBounds(fullPages: pages)
        if let cursor { cursors.insert(cursor) }
        if let next = page.nextCursor, next == cursor || cursors.contains(next) {
            reject(next == cursor ? "links.next repeats the cursor of the page it is on" : "links.next goes back to a cursor already read (a cycle)")
        }
    }
}

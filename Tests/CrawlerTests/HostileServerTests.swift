import CatalogCore
import CatalogStore
import Crawler
import Foundation
import HTTPSupport
import HTTPTypes
import Synchronization
import TestSupport
import Testing

/// A Frame.io v2 server that lies: each test scripts the answer to every path, and the crawl must
/// end cleanly (a committed catalog or a clean failure naming the list), in bounded time and
/// memory, whatever it says.
struct ScriptedFrameIO: HTTPTransport {
    /// Answers one request: path (without the base URL and query), the page asked for.
    var answer: @Sendable (_ path: String, _ page: Int) -> APIResponse
    /// Requests seen.
    let requests = Counter()

    final class Counter: Sendable {
        private let value = Atomic<Int>(0)
        func increment() { value.add(1, ordering: .relaxed) }
        var count: Int { value.load(ordering: .relaxed) }
    }

    func send(_ request: APIRequest, timeout: Duration) async throws -> APIResponse {
        requests.increment()
        let url = request.url.dropFirst("http://hostile/v2".count)
        let path = String(url.prefix { $0 != "?" })
        let page =
            url.split(separator: "&").compactMap { part -> Int? in
                let pair = part.split(separator: "=")
                return pair.count == 2 && pair[0].hasSuffix("page") && !pair[0].hasSuffix("_size") ? Int(pair[1]) : nil
            }.first ?? 1
        if path == "/me" { return .json(#"{"id":"me"}"#) }
        return answer(path, page)
    }
}

extension APIResponse {
    static func json(_ body: String, headers: [(String, String)] = []) -> APIResponse {
        APIResponse(status: 200, headers: headers, body: Array(body.utf8))
    }
}

/// One account, one team, one project whose root's children `children` answers.
func oneProject(children: @escaping @Sendable (Int) -> APIResponse) -> @Sendable (String, Int) -> APIResponse {
    { path, page in
        switch path {
        case "/accounts": return .json(#"[{"id":"A","display_name":"Acme"}]"#)
        case "/accounts/A/teams": return .json(#"[{"id":"T","name":"Team","account_id":"A"}]"#)
        case "/teams/T/projects": return .json(#"[{"id":"P","name":"Proj","root_asset_id":"R","team_id":"T"}]"#)
        case "/projects/shared": return .json("[]")
        case "/assets/R/children": return children(page)
        default: return APIResponse(status: 404, body: Array(#"{"message":"not found"}"#.utf8))
        }
    }
}

func hostileCrawl(_ transport: ScriptedFrameIO, database: CatalogDatabase, pageSize: Int = 100) async throws -> CrawlReport {
    try await CrawlerFactory.frameIO(
        token: "t", baseURL: "http://hostile/v2", database: database, options: CrawlOptions(concurrency: 8), pageSize: pageSize,
        transport: transport, retry: RetryPolicy(maxAttempts: 2, baseDelay: 0.001, throttleDelay: 0.001, maxDelay: 0.01), logger: testLogger()
    ).run()
}

func files(_ ids: some Sequence<Int>) -> String {
    "[" + ids.map { #"{"id":"f\#($0)","name":"f\#($0).mov","type":"file"}"# }.joined(separator: ",") + "]"
}

@Suite struct HostileServerTests {
    @Test func perPageZeroOnEveryListIsIgnoredNotDividedBy() async throws {
        let database = try CatalogDatabase.inMemory()
        let script = oneProject { _ in .json(files(0..<3), headers: [("per-page", "0"), ("total", "3"), ("total-pages", "1")]) }
        let transport = ScriptedFrameIO { path, page in
            var answer = script(path, page)
            answer.headerFields[.perPage] = "0"
            return answer
        }
        let report = try await hostileCrawl(transport, database: database)
        #expect(report.stats.items == 3 + 3)  // account, team, project and three files
    }

    @Test(arguments: [("4000000000", nil as String?), ("9223372036854775807", "9223372036854775807"), ("4000000000", "4000000000")])
    func aListDeclaringBillionsOfPagesFailsAtOnceNamingIt(totalPages: String, total: String?) async throws {
        let database = try CatalogDatabase.inMemory()
        let transport = ScriptedFrameIO(
            answer: oneProject { page in
                var headers = [("total-pages", totalPages), ("per-page", "1")]
                if let total { headers.append(("total", total)) }
                return .json(files([page]), headers: headers)
            })
        await #expect {
            try await hostileCrawl(transport, database: database)
        } throws: { error in
            error is UnboundedListing && "\(error)".contains("children of asset R") && "\(error)".contains("pages")
        }
        // Refused from the first page's headers: no page past it was asked for.
        #expect(transport.requests.count < 20)
    }

    @Test func aListThatNeverEndsWithoutATotalStopsAtTheCap() async throws {
        let database = try CatalogDatabase.inMemory()
        // Full pages of new ids, no paging headers at all: it goes on while pages are full.
        let transport = ScriptedFrameIO(answer: oneProject { page in .json(files([page * 2, page * 2 + 1])) })
        await #expect {
            try await hostileCrawl(transport, database: database, pageSize: 2)
        } throws: { error in
            error is UnboundedListing && "\(error)".contains("without declaring a total")
        }
        #expect(transport.requests.count <= ListTally.maxPages + 10)
    }

    @Test func theSamePageForeverIsAListThatDoesNotAddUp() async throws {
        let database = try CatalogDatabase.inMemory()
        let transport = ScriptedFrameIO(answer: oneProject { _ in .json(files(0..<2)) })
        await #expect {
            try await hostileCrawl(transport, database: database, pageSize: 2)
        } throws: { error in
            error is InconsistentListing && "\(error)".contains("page 2 repeats")
        }
        #expect(transport.requests.count < 20)
    }

    @Test func endlessAccountsFailCleanlyToo() async throws {
        let database = try CatalogDatabase.inMemory()
        let transport = ScriptedFrameIO { path, page in
            path == "/accounts" ? .json(#"[{"id":"A\#(page)"}]"#, headers: [("total-pages", "4000000000")]) : .json("[]")
        }
        await #expect {
            try await hostileCrawl(transport, database: database)
        } throws: { error in
            error is UnboundedListing && "\(error)".contains("accounts")
        }
    }

    @Test func aPageHoldingMoreThanAskedForIsRefused() async throws {
        let database = try CatalogDatabase.inMemory()
        let transport = ScriptedFrameIO(answer: oneProject { _ in .json(files(0..<500)) })
        await #expect {
            try await hostileCrawl(transport, database: database, pageSize: 100)
        } throws: { error in
            "\(error)".contains("500 elements on a page of at most 100")
        }
    }

    @Test func anEmptyPageEndsAList() async throws {
        let database = try CatalogDatabase.inMemory()
        // Declares 5 pages of 2 but runs dry after the second: asks for no page past the empty one
        // it sees, and the list that falls short of its total is read again, then fails.
        let transport = ScriptedFrameIO(
            answer: oneProject { page in
                .json(page <= 2 ? files([page * 2, page * 2 + 1]) : "[]", headers: [("total-pages", "5"), ("total", "10")])
            })
        await #expect(throws: InconsistentListing.self) { try await hostileCrawl(transport, database: database, pageSize: 2) }
        #expect(transport.requests.count <= 1 + 5 + 3 * 5)  // /me, the hierarchy (shared twice: live and archived), 3 readings of 5
    }
}

/// A switch a scripted server reads on every request.
final class Toggle: Sendable {
    private let value = Atomic<Int>(0)
    func set(_ n: Int) { value.store(n, ordering: .relaxed) }
    var state: Int { value.load(ordering: .relaxed) }
}

/// Two projects: P1 (root R1) and P2 (root R2), whose roots' children `children` answers.
func twoProjects(children: @escaping @Sendable (String, Int) -> APIResponse) -> @Sendable (String, Int) -> APIResponse {
    { path, page in
        switch path {
        case "/accounts": return .json(#"[{"id":"A","display_name":"Acme"}]"#)
        case "/accounts/A/teams": return .json(#"[{"id":"T","name":"Team","account_id":"A"}]"#)
        case "/teams/T/projects":
            return .json(
                #"[{"id":"P1","name":"One","root_asset_id":"R1","team_id":"T"},{"id":"P2","name":"Two","root_asset_id":"R2","team_id":"T"}]"#)
        case "/projects/shared": return .json("[]")
        default:
            let parts = path.split(separator: "/")
            guard parts.count == 3, parts[0] == "assets", parts[2] == "children" else { return .json("[]") }
            return children(String(parts[1]), page)
        }
    }
}

func crawlOptions(mode: CrawlOptions.ModeChoice = .automatic, force: Bool = false) -> CrawlOptions {
    var options = CrawlOptions(concurrency: 8)
    options.mode = mode
    options.force = force
    return options
}

func scriptedCrawl(_ transport: ScriptedFrameIO, database: CatalogDatabase, options: CrawlOptions) async throws -> CrawlReport {
    try await CrawlerFactory.frameIO(
        token: "t", baseURL: "http://hostile/v2", database: database, options: options, pageSize: 100, transport: transport,
        retry: RetryPolicy(maxAttempts: 2, baseDelay: 0.001, throttleDelay: 0.001, maxDelay: 0.01), logger: testLogger()
    ).run()
}

@Suite struct OneBadElementTests {
    /// Before: a project whose root answered 404 failed every crawl of the account with exit 4.
    @Test func aProjectWhoseRootCannotBeReadIsSkippedAndItsItemsKept() async throws {
        let database = try CatalogDatabase(path: try temporaryDatabasePath())
        let broken = Toggle()
        let transport = ScriptedFrameIO(
            answer: twoProjects { asset, _ in
                switch asset {
                case "R1": return .json(files(0..<3))
                case "R2" where broken.state == 1: return APIResponse(status: 404, body: Array(#"{"message":"Not Found"}"#.utf8))
                case "R2": return .json(files(10..<14))
                default: return .json("[]")
                }
            })
        let first = try await scriptedCrawl(transport, database: database, options: crawlOptions(mode: .full))
        #expect(first.stats.items == 1 + 1 + 2 + 3 + 4)  // account, team, two projects, their files
        broken.set(1)
        let second = try await scriptedCrawl(transport, database: database, options: crawlOptions(mode: .full))
        #expect(second.stats.changes.deleted == 0 && second.stats.items == first.stats.items)
        #expect(second.stats.warningCount == 1)
        #expect(second.stats.warnings.first?.contains("project Acme/Team/Two (P2) could not be listed") == true)
        #expect(second.stats.warnings.first?.contains("its 4 items were kept") == true)
        #expect(try database.lastCompleteCrawl(source: .frameio)?.warningCount == 1)
    }

    /// Before: an id in two projects was kept wherever its last page landed, and showed as
    /// "moved" between two identical crawls.
    @Test func anIdListedInTwoProjectsIsKeptAtOnePlaceAndReported() async throws {
        let database = try CatalogDatabase(path: try temporaryDatabasePath())
        let transport = ScriptedFrameIO(
            answer: twoProjects { asset, _ in
                asset == "R1" || asset == "R2" ? .json(#"[{"id":"X","name":"shared.mov","type":"file"}]"#) : .json("[]")
            })
        var paths: Set<String> = []
        for run in 0..<4 {
            let report = try await scriptedCrawl(transport, database: database, options: crawlOptions(mode: .full))
            #expect(report.stats.warningCount == 1)
            #expect(report.stats.warnings.first?.contains("X at Acme/Team/") == true)
            if run > 0 { #expect(report.stats.changes.moved == 0 && report.stats.changes.changed == 0) }
            let item = try database.items(source: .frameio, kind: .file)
            #expect(item.count == 1)
            paths.formUnion(item.map(\.path))
        }
        #expect(paths == ["Acme/Team/One/shared.mov"])
    }

    /// Before: an asset of an unknown type failed every crawl with exit 4.
    @Test func unknownTypesAreKeptCountedAndSearchable() async throws {
        let database = try CatalogDatabase(path: try temporaryDatabasePath())
        let transport = ScriptedFrameIO(
            answer: twoProjects { asset, _ in
                asset == "R1"
                    ? .json(
                        #"[{"id":"L1","name":"site","type":"link"},{"id":"L2","name":"wiki","type":"link"},{"id":"F","name":"a.mov","type":"file"}]"#)
                    : .json("[]")
            })
        let report = try await scriptedCrawl(transport, database: database, options: crawlOptions(mode: .full))
        #expect(report.stats.warnings == [#"2 items of type "link", which catalog does not know, kept as kind other (search kind:other)"#])
        #expect(try database.search(SearchQueryParser().parse("kind:other")).map(\.id).sorted() == ["L1", "L2"])
    }

    /// A folder listed in two projects: it and everything under it keep one path, crawl after crawl.
    @Test func aFolderListedInTwoProjectsKeepsItsSubtreeAtOnePlace() async throws {
        let database = try CatalogDatabase(path: try temporaryDatabasePath())
        let transport = ScriptedFrameIO(
            answer: twoProjects { asset, _ in
                switch asset {
                case "R1", "R2": return .json(#"[{"id":"X","name":"shared folder","type":"folder"}]"#)
                case "X": return .json(#"[{"id":"Y","name":"inner","type":"folder"},{"id":"c","name":"c.mov","type":"file"}]"#)
                case "Y": return .json(#"[{"id":"d","name":"d.mov","type":"file"}]"#)
                default: return .json("[]")
                }
            })
        for run in 0..<4 {
            let report = try await scriptedCrawl(transport, database: database, options: crawlOptions(mode: .full))
            if run > 0 { #expect(report.stats.changes.moved == 0 && report.stats.changes.changed == 0, "run \(run)") }
            let files = try database.items(source: .frameio, kind: .file)
            #expect(Set(files.map(\.path)) == ["Acme/Team/One/shared folder/c.mov", "Acme/Team/One/shared folder/inner/d.mov"], "run \(run)")
        }
    }

    /// Every folder answering with a new subfolder: fails cleanly instead of never ending.
    @Test func foldersNestedWithoutEndFailCleanly() async throws {
        let database = try CatalogDatabase(path: try temporaryDatabasePath())
        let transport = ScriptedFrameIO(
            answer: twoProjects { asset, _ in
                .json(#"[{"id":"\#(asset)-sub","name":"sub","type":"folder"}]"#)
            })
        await #expect {
            try await scriptedCrawl(transport, database: database, options: crawlOptions(mode: .full))
        } throws: { error in
            error is UnboundedListing && "\(error)".contains("nested deeper than 256 levels")
        }
    }

    /// A delta that must re-walk a shared project without its account, whose root is refused:
    /// the project's items are kept, not deleted (the review found the delta deleted them).
    @Test func aDeltaKeepsTheItemsOfAProjectWhoseRootIsRefused() async throws {
        let database = try CatalogDatabase(path: try temporaryDatabasePath())
        let broken = Toggle()
        let base = twoProjects { asset, _ in
            switch asset {
            case "R1": return .json(files(0..<3))
            case "R3": return broken.state == 1 ? APIResponse(status: 403, body: Array(#"{"message":"Forbidden"}"#.utf8)) : .json(files(20..<30))
            default: return .json("[]")
            }
        }
        let transport = ScriptedFrameIO { path, page in
            switch path {
            case "/projects/shared":
                // Shared from a team the user is not on, without team.account_id.
                return .json(#"[{"id":"P3","name":"Theirs","root_asset_id":"R3","team_id":"X"}]"#)
            case "/assets/R3" where broken.state == 1: return APIResponse(status: 403, body: Array(#"{"message":"Forbidden"}"#.utf8))
            case "/assets/R3": return .json(#"{"id":"R3","name":"root","type":"folder"}"#)
            default: return base(path, page)
            }
        }
        let first = try await scriptedCrawl(transport, database: database, options: crawlOptions())
        broken.set(1)
        let delta = try await scriptedCrawl(transport, database: database, options: crawlOptions())
        #expect(delta.mode == "delta")
        #expect(delta.stats.changes.deleted == 0 && delta.stats.items == first.stats.items)
        #expect(delta.stats.warnings.contains { $0.contains("project Shared with me/Theirs (P3) could not be listed") })
    }

    /// A folder listed inside itself: walked once, reported, never a loop.
    @Test func aParentCycleIsWalkedOnceAndReported() async throws {
        let database = try CatalogDatabase(path: try temporaryDatabasePath())
        let transport = ScriptedFrameIO(
            answer: twoProjects { asset, _ in
                switch asset {
                case "R1": return .json(#"[{"id":"F","name":"loop","type":"folder"}]"#)
                case "F": return .json(#"[{"id":"G","name":"inner","type":"folder"}]"#)
                case "G": return .json(#"[{"id":"F","name":"loop","type":"folder"}]"#)
                default: return .json("[]")
                }
            })
        let report = try await scriptedCrawl(transport, database: database, options: crawlOptions(mode: .full))
        #expect(report.stats.warningCount == 1)
        let folders = try database.items(source: .frameio, kind: .folder)
        #expect(Set(folders.map(\.path)) == ["Acme/Team/One/loop", "Acme/Team/One/loop/inner"])
    }

    /// Before: `crawl --full` that saw 3 of 45 items deleted 42 with exit 0.
    @Test func aFullCrawlThatLosesMostItemsIsNotAppliedWithoutForce() async throws {
        let database = try CatalogDatabase(path: try temporaryDatabasePath())
        let shrunk = Toggle()
        let transport = ScriptedFrameIO(
            answer: twoProjects { asset, _ in
                asset == "R1" ? .json(files(shrunk.state == 1 ? 0..<1 : 0..<40)) : .json("[]")
            })
        try await scriptedCrawl(transport, database: database, options: crawlOptions(mode: .full))
        let before = try database.itemCount(source: .frameio)
        shrunk.set(1)
        await #expect {
            try await scriptedCrawl(transport, database: database, options: crawlOptions(mode: .full))
        } throws: { error in
            "\(error)".contains("no longer shows 39 of the \(before) catalogued items") && (error as? DeltaRefusal)?.remedy == .force(.frameio)
        }
        #expect(try database.itemCount(source: .frameio) == before)
        let forced = try await scriptedCrawl(transport, database: database, options: crawlOptions(mode: .full, force: true))
        #expect(forced.stats.changes.deleted == 39)
    }
}

extension HTTPField.Name {
    static let perPage = HTTPField.Name("per-page")!
}

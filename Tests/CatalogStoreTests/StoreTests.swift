import CatalogCore
import CatalogStore
import Foundation
import GRDB
import TestSupport
import Testing

func makeItem(
    _ id: String, name: String, kind: ItemKind = .file, path: String? = nil, size: Int64? = nil, label: String? = nil, project: String = "p1",
    text: String = "", version: Int = 1
) -> CatalogItem {
    CatalogItem(
        source: .frameio, id: id, kind: kind, name: name, parentID: project, projectID: project, path: path ?? "Acct/Team/Proj/\(name)",
        size: size, mime: nil, createdAt: Timestamp.parse("2025-01-0\(min(9, version))"), updatedAt: Timestamp.parse("2025-03-01"),
        label: label, text: text, record: #"{"id":"\#(id)","name":"\#(name)","v":\#(version)}"#)
}

@Suite struct StoreTests {
    @Test(arguments: ["inf", "-inf", "nan", "2200000", "abc", "", "-1", "1e300"])
    func aBusyTimeoutThatIsNotASaneNumberOfSecondsIsRefused(value: String) {
        #expect {
            try CatalogDatabase.busyTimeout(environment: ["CATALOG_BUSY_TIMEOUT": value])
        } throws: { error in
            "\(error)".contains("CATALOG_BUSY_TIMEOUT") && "\(error)".contains("from 0 to 86400")
        }
    }

    @Test func aBusyTimeoutIsReadInSeconds() throws {
        #expect(try CatalogDatabase.busyTimeout(environment: [:]) == 10)
        #expect(try CatalogDatabase.busyTimeout(environment: ["CATALOG_BUSY_TIMEOUT": " 0.5 "]) == 0.5)
        #expect(try CatalogDatabase.busyTimeout(environment: ["CATALOG_BUSY_TIMEOUT": "86400"]) == 86400)
    }

    /// A NUL inside a name cut it short (`nul\0byte.mov` was stored as `nul`).
    @Test func aNameHoldingANulIsStoredWhole() async throws {
        let database = try CatalogDatabase.inMemory()
        let crawl = try database.beginCrawl(source: .frameio)
        var item = makeItem("1", name: "nul\u{0}byte.mov")
        item.record = #"{"id":"1","name":"nul\u0000byte.mov"}"#
        try await database.stage([item], in: crawl)
        try await database.complete(crawl, stats: CrawlStats())
        let stored = try database.search(SearchQueryParser().parse("byte"))
        #expect(stored.map(\.name) == ["nul\u{2400}byte.mov"])
        #expect(stored.first?.path == "Acct/Team/Proj/nul\u{2400}byte.mov")
        #expect(stored.first?.record.contains(#"nul\u0000byte.mov"#) == true)
        // A second crawl of the same item changes nothing.
        let again = try database.beginCrawl(source: .frameio)
        try await database.stage([item], in: again)
        #expect(try await database.complete(again, stats: CrawlStats()).unchanged == 1)
    }

    /// An unknown kind or source read back as `file` or `frameio`; now reading it fails, naming it.
    @Test func aValueThisVersionCannotReadIsAnErrorNotADefault() async throws {
        let path = try temporaryDatabasePath()
        let database = try CatalogDatabase(path: path)
        let crawl = try database.beginCrawl(source: .frameio)
        try await database.stage([makeItem("1", name: "a.mov")], in: crawl)
        try await database.complete(crawl, stats: CrawlStats())
        let queue = try DatabaseQueue(path: path)
        try await queue.write { db in try db.execute(sql: "UPDATE item SET kind = 'hologram' WHERE id = '1'") }
        try queue.close()
        #expect(throws: StoreError.self) { try database.items(source: .frameio, ids: ["1"]) }
        do {
            _ = try database.items(source: .frameio, ids: ["1"])
        } catch {
            #expect("\(error)".contains("hologram"))
        }
    }

    @Test func newCatalogFileIsPrivateAndWAL() throws {
        let path = try temporaryDatabasePath()
        let database = try CatalogDatabase(path: path)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as! Int
        #expect(mode & 0o077 == 0)
        #expect(try database.integrityCheck() == "ok")
    }

    @Test func completeCrawlReplacesItemsAndKeepsIndexInStep() async throws {
        let path = try temporaryDatabasePath()
        let database = try CatalogDatabase(path: path)
        let first = try database.beginCrawl(source: .frameio)
        try await database.stage(
            [makeItem("1", name: "interview.mov"), makeItem("2", name: "drone.mp4"), makeItem("3", name: "logo.png")], in: first)
        let r1 = try await database.complete(first, stats: CrawlStats())
        #expect(r1 == ItemChanges(added: 3, changed: 0, deleted: 0, unchanged: 0))

        let second = try database.beginCrawl(source: .frameio)
        try await database.stage(
            [makeItem("1", name: "interview.mov"), makeItem("2", name: "harbour.mp4", version: 2), makeItem("4", name: "new.wav")], in: second)
        let r2 = try await database.complete(second, stats: CrawlStats())
        #expect(r2 == ItemChanges(added: 1, changed: 1, deleted: 1, unchanged: 1))

        let parser = SearchQueryParser()
        #expect(try database.search(parser.parse("drone")).isEmpty)
        #expect(try database.search(parser.parse("harbour")).map(\.id) == ["2"])
        #expect(try database.search(parser.parse("logo")).isEmpty)
        #expect(try database.search(parser.parse("new")).map(\.id) == ["4"])
        #expect(try database.itemCount() == 3)
        #expect(try database.integrityCheck() == "ok")
        // Both full-text indexes hold exactly what `item` holds (FTS5 compares them; a mismatch throws).
        let queue = try DatabaseQueue(path: path)
        for index in ["item_fts", "item_name_fts"] {
            try await queue.write { try $0.execute(sql: "INSERT INTO \(index)(\(index), rank) VALUES ('integrity-check', 1)") }
        }
        try queue.close()
        #expect(try database.search(parser.parse("harbour")).map(\.name) == ["harbour.mp4"])
    }

    /// A crawl row this version cannot read (an API a newer `catalog` wrote) is an error naming
    /// it, not a guess (it used to be taken for v2); a crawl made before V4 was known (no API)
    /// read v2. (Statuses and modes are held to their values by the table's CHECK constraints.)
    @Test func crawlRowsAreReadStrictly() async throws {
        let path = try temporaryDatabasePath()
        let database = try CatalogDatabase(path: path)
        let session = try database.beginCrawl(source: .frameio)
        try await database.complete(session, stats: CrawlStats())
        let queue = try DatabaseQueue(path: path)
        try await queue.write { try $0.execute(sql: "UPDATE crawl SET api = NULL") }
        #expect(try database.crawls().map(\.api) == [.v2])
        try await queue.write { try $0.execute(sql: "UPDATE crawl SET api = 'v5'") }
        #expect {
            try database.crawls()
        } throws: { error in
            "\(error)".contains("api 'v5'")
        }
        try queue.close()
    }

    @Test func failedCrawlLeavesPreviousCatalog() async throws {
        let database = try CatalogDatabase(path: try temporaryDatabasePath())
        let first = try database.beginCrawl(source: .frameio)
        try await database.stage([makeItem("1", name: "keep.mov")], in: first)
        try await database.complete(first, stats: CrawlStats())

        let second = try database.beginCrawl(source: .frameio)
        try await database.stage([makeItem("9", name: "partial.mov")], in: second)
        try await database.fail(second, error: "page 3 unreadable", stats: CrawlStats())
        #expect(try database.search(SearchQueryParser().parse("keep")).map(\.id) == ["1"])
        #expect(try database.search(SearchQueryParser().parse("partial")).isEmpty)
        let status = try database.status().first { $0.source == .frameio }!
        #expect(status.lastComplete?.id == first.id)
        #expect(status.lastAttempt?.status == .failed)
    }

    @Test func interruptedCrawlIsCleanedUpByTheNext() async throws {
        let path = try temporaryDatabasePath()
        do {
            let database = try CatalogDatabase(path: path)
            let first = try database.beginCrawl(source: .frameio)
            try await database.stage([makeItem("1", name: "done.mov")], in: first)
            try await database.complete(first, stats: CrawlStats())
            let killed = try database.beginCrawl(source: .frameio)
            try await database.stage([makeItem("2", name: "halfway.mov")], in: killed)
            // Staged rows live in a private scratch file beside the catalog, not in it.
            let mode = try FileManager.default.attributesOfItem(atPath: path + ".staging")[.posixPermissions] as! Int
            #expect(mode & 0o077 == 0)
            // The process "dies" here: no complete, no fail.
        }
        #expect(FileManager.default.fileExists(atPath: path + ".staging"))
        let reopened = try CatalogDatabase(path: path)
        #expect(try reopened.search(SearchQueryParser().parse("done")).count == 1)
        #expect(try reopened.search(SearchQueryParser().parse("halfway")).isEmpty)
        let next = try reopened.beginCrawl(source: .frameio)
        try await reopened.stage([makeItem("1", name: "done.mov")], in: next)
        try await reopened.complete(next, stats: CrawlStats())
        #expect(!FileManager.default.fileExists(atPath: path + ".staging"))
        #expect(try reopened.crawls().map(\.status) == [.complete, .failed, .complete])
        #expect(try reopened.crawls()[1].error == "interrupted")
    }

    @Test func secondConcurrentCrawlIsRefused() throws {
        let path = try temporaryDatabasePath()
        let database = try CatalogDatabase(path: path)
        let other = try CatalogDatabase(path: path)
        let session = try database.beginCrawl(source: .frameio)
        #expect(throws: StoreError.self) { try other.beginCrawl(source: .frameio) }
        _ = session
    }

    @Test func notACatalogIsRefusedAndLeftAlone() throws {
        let path = try temporaryDatabasePath()
        let junk = Data("this is not sqlite at all, just text\n".utf8)
        FileManager.default.createFile(atPath: path, contents: junk)
        #expect { try CatalogDatabase(path: path) } throws: { "\($0)".contains("not a catalog") }
        #expect(FileManager.default.contents(atPath: path) == junk)
    }

    @Test func missingDirectoryIsAClearError() {
        #expect { try CatalogDatabase(path: "/nonexistent-dir-\(UUID())/c.sqlite") } throws: { "\($0)".contains("does not exist") }
        // A reader is told there is no catalog (run a crawl), not to create the folder.
        #expect { try CatalogDatabase(path: "/nonexistent-dir-\(UUID())/c.sqlite", access: .readOnly) } throws: {
            "\($0)".contains("no catalog at")
        }
    }

    @Test func filtersAndRanking() async throws {
        let database = try CatalogDatabase.inMemory()
        let session = try database.beginCrawl(source: .frameio)
        try await database.stage(
            [
                makeItem("p1", name: "Spring Campaign", kind: .project, path: "A/T/Spring Campaign"),
                makeItem("1", name: "harbour.mov", path: "A/T/Spring Campaign/interview/harbour.mov", size: 2_000_000_000, label: "approved"),
                makeItem("2", name: "interview.mov", path: "A/T/Spring Campaign/x/interview.mov", size: 5_000_000),
                makeItem("3", name: "interview.wav", path: "A/T/Other/interview.wav", size: 100, project: "p2"),
                makeItem("4", name: "Île.mov", path: "A/T/Spring Campaign/Île.mov", size: 10, text: "camera: ARRI"),
            ], in: session)
        try await database.complete(session, stats: CrawlStats())
        let parser = SearchQueryParser()
        func ids(_ q: String) throws -> [String] { try database.search(parser.parse(q)).map(\.id) }
        let interview = try ids("interview")
        #expect(Set(interview.prefix(2)) == ["2", "3"] && interview.last == "1")  // name hits above the path hit
        #expect(try ids("interview ext:mov") == ["2", "1"])
        #expect(try ids("size:>1GB") == ["1"])
        #expect(try ids("label:APPROVED") == ["1"])
        #expect(try ids("project:\"spring campaign\" kind:file") == ["1", "2", "4"])  // filter-only: by path
        #expect(try ids("ile") == ["4"])  // diacritics folded
        #expect(try ids("arri") == ["4"])
        #expect(try ids("interv*").last == "1" && ids("interv*").count == 3)
        #expect(try ids("interview -wav") == ["2", "1"])
        #expect(try ids("-interview kind:file") == ["4"])
        #expect(Set(try ids("harbour OR wav")) == ["1", "3"])
    }

    @Test func hostileQueriesNeverReachSQLite() async throws {
        let database = try CatalogDatabase.inMemory()
        let session = try database.beginCrawl(source: .frameio)
        try await database.stage([makeItem("1", name: "a'b multi-agent file.mov")], in: session)
        try await database.complete(session, stats: CrawlStats())
        let parser = SearchQueryParser()
        let fixed = [
            "a'b", "multi-agent", "file.mov", "\"", "\"\"\"", "*", "NEAR(", "NEAR(a b)", "a AND", "OR OR", "(", ")", "{x}", "col:val",
            "name:x", "^a", "a NOT b", "'; DROP TABLE item; --", String(repeating: "x", count: 10_000), "a\u{0}b", "\u{202E}evil",
            "-", "--", "-*", "a*b*", "\"unterminated", "size:>", "updated:", "kind:", ":", "::::",
        ]
        // Generated queries: loose characters, and every filter with values from its grammar and
        // around it (comparisons, dates of every precision and impossible ones, sizes with units,
        // overflowing numbers), mixed with words, phrases, negations and operators.
        var rng = SeededRandom(environment: "CATALOG_FUZZ_SEED")
        print("hostile query fuzz: seed \(rng.seed) (CATALOG_FUZZ_SEED=\(rng.seed) replays it)")
        let alphabet = Array("ab \"'*-():^{}[]+,.;ÉéñOR AND NOT NEAR 09\u{0}\t\n\\/%_kind:size:>=<project:ext:")
        let comparisons = ["", ">", ">=", "<", "<=", "=", "=>", "<<"]
        let values = [
            "2026", "2026-11", "2026-11-30", "2026-11-30T09:00:00Z", "2026-11-30T09:00:00+02:00", "2026-13-45", "0000-00-00",
            "9999-12-31T23:59:59Z", "1969-12-31", "yesterday", "-1", "1GB", "1.5GiB", "0", "-5", "10TB", "1e309",
            "999999999999999999999KB", "12 MB", "file", "folder,file", "version_stack", "other", "image", "video", "frameio", "dash",
            "\"quoted value\"", "a/b/c", "", "ÉÉ", "\u{0}", String(repeating: "9", count: 40),
        ]
        func pick<T>(_ list: [T]) -> T { list[Int(rng.next() % UInt64(list.count))] }
        var inputs = fixed
        for n in 0..<10_000 {
            if n % 2 == 0 {
                inputs.append(String((0..<Int(rng.next() % 25)).map { _ in pick(alphabet) }))
                continue
            }
            var tokens: [String] = []
            for _ in 0...(rng.next() % 3) {
                switch rng.next() % 5 {
                case 0, 1: tokens.append("\(pick(Filter.names)):\(pick(comparisons))\(pick(values))")
                case 2: tokens.append(pick(["interview", "-interview", "\"multi agent\"", "OR", "NOT", "a*", "(", ")"]))
                case 3: tokens.append("\(pick(Filter.names))\(pick([":", "::", ": ", ""]))")
                default: tokens.append(String((0..<Int(rng.next() % 8)).map { _ in pick(alphabet) }))
                }
            }
            inputs.append(tokens.joined(separator: pick([" ", "  ", "\t"])))
        }
        for input in inputs {
            do {
                _ = try database.search(parser.parse(input), limit: 5)
            } catch let error as SearchQueryError {
                _ = error  // a named, user-facing query error is the documented outcome
            } catch {
                Issue.record("query \(input.debugDescription) raised \(error) (CATALOG_FUZZ_SEED=\(rng.seed))")
            }
        }
        #expect(try database.search(parser.parse("a'b")).count == 1)
        #expect(try database.search(parser.parse("multi-agent")).count == 1)
        #expect(try database.search(parser.parse("file.mov")).count == 1)
    }

    @Test func mergesLogChangesAndKeepOldVersions() async throws {
        let database = try CatalogDatabase.inMemory()
        let first = try database.beginCrawl(source: .frameio)
        try await database.stage(
            [
                makeItem("1", name: "a.mov", path: "A/T/P/x/a.mov"), makeItem("2", name: "b.mov"), makeItem("3", name: "c.mov"),
                makeItem("4", name: "d.mov"),
            ], in: first)
        try await database.complete(first, stats: CrawlStats())

        // A full crawl: 1 moved to another folder, 2 edited, 3 gone, 5 new, 4 unchanged.
        let second = try database.beginCrawl(source: .frameio)
        var moved = makeItem("1", name: "a.mov", path: "A/T/P/y/a.mov")
        moved.parentID = "y"
        try await database.stage(
            [moved, makeItem("2", name: "b.mov", version: 2), makeItem("4", name: "d.mov"), makeItem("5", name: "e.mov")], in: second)
        let merge = try await database.complete(second, stats: CrawlStats())
        #expect(merge == ItemChanges(added: 1, changed: 2, deleted: 1, unchanged: 1, moved: 1))
        var log: [String: CatalogChange] = [:]
        try database.forEachChange(afterCrawl: first.id) { log[$0.id] = $0 }
        #expect(log["1"]?.change == .moved && log["1"]?.oldPath == "A/T/P/x/a.mov" && log["1"]?.newPath == "A/T/P/y/a.mov")
        #expect(log["2"]?.change == .modified && log["2"]?.fields == ["v"])
        #expect(log["3"]?.change == .deleted && log["3"]?.newPath == nil)
        #expect(log["5"]?.change == .added)
        #expect(log["4"] == nil)
        // Counted by the database, read a few at a time, or those of one crawl alone.
        #expect(try database.changeCount(.init(afterCrawl: first.id)) == 4)
        var firstTwo: [String] = []
        try database.forEachChange(.init(afterCrawl: first.id), limit: 2) { firstTwo.append($0.id) }
        #expect(firstTwo.count == 2 && Set(firstTwo).isSubset(of: ["1", "2", "3", "5"]))
        #expect(try database.changeCount(.init(crawl: first.id)) == 0, "a first crawl logs no changes")
        #expect(try database.changeCount(.init(crawl: second.id, source: .dash)) == 0)

        // A delta: only what is staged changes, and only what is marked deleted goes.
        let delta = try database.beginCrawl(source: .frameio, mode: .delta)
        try await database.stage([makeItem("6", name: "f.mov")], in: delta)
        try await database.stageDeletions(["5"], in: delta)
        let deltaMerge = try await database.complete(delta, stats: CrawlStats())
        #expect(deltaMerge.added == 1 && deltaMerge.deleted == 1)
        #expect(try database.itemCount(source: .frameio) == 4)  // 1, 2, 4, 6
    }

    /// A generation (what `catalog pull` syncs from) stops before a crawl still running: its
    /// rows, written when it commits, are sent by the next sync.
    @Test func aGenerationStopsBeforeACrawlStillRunning() async throws {
        let database = try CatalogDatabase.inMemory()
        let first = try database.beginCrawl(source: .frameio)
        try await database.stage([makeItem("1", name: "a.mov")], in: first)
        try await database.complete(first, stats: CrawlStats())
        let running = try database.beginCrawl(source: .dash)
        let during = try #require(CatalogDatabase.SyncPoint(generation: try database.generation()))
        #expect(during.crawl == first.id && running.id > first.id)
        try await database.complete(running, stats: CrawlStats())
        let after = try #require(CatalogDatabase.SyncPoint(generation: try database.generation()))
        #expect(after.crawl == running.id && !after.crawlFinished.isEmpty)
        #expect(CatalogDatabase.SyncPoint(generation: "3.3.not-a-time/0.0.") == nil)
        #expect(CatalogDatabase.SyncPoint(generation: "-1.0./0.0.") == nil)
    }

    /// A record that did not change, whose resolved folders or metadata did (a Dash folder or
    /// option renamed), is logged as modified in `folders` or `metadata`, not with no fields.
    @Test func aChangeOnlyInWhatTheRecordNamesSaysWhichField() async throws {
        let database = try CatalogDatabase.inMemory()
        func asset(_ folders: [String], _ metadata: [String: [String]]) -> CatalogItem {
            CatalogItem(
                source: .dash, id: "d1", kind: .asset, name: "a.jpg", parentID: nil, projectID: nil, path: "Brand/a.jpg", record: #"{"id":"d1"}"#,
                folders: folders, metadata: metadata)
        }
        let first = try database.beginCrawl(source: .dash)
        try await database.stage([asset(["Brand", "Campaigns/2026"], ["Usage": ["Web"]])], in: first)
        try await database.complete(first, stats: CrawlStats())
        let second = try database.beginCrawl(source: .dash)
        try await database.stage([asset(["Brand", "Campaigns (old)/2026"], ["Usage": ["Web only"]])], in: second)
        try await database.complete(second, stats: CrawlStats())
        var log: [CatalogChange] = []
        try database.forEachChange(afterCrawl: first.id) { log.append($0) }
        #expect(log.count == 1 && log.first?.change == .modified && log.first?.fields == ["folders", "metadata"], "\(log)")
        #expect(log.first?.oldDigest == log.first?.newDigest)
    }
}

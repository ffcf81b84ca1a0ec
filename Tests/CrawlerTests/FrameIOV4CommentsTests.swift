import CatalogCore
import CatalogSandbox
import CatalogStore
import Crawler
import Foundation
import FrameIOV4Client
import HTTPSupport
import HTTPTypes
import Synchronization
import TestSupport
import Testing

/// Every comment the catalog holds, by id: (file, parent, text, author, completed).
func cataloguedComments(_ database: CatalogDatabase) throws -> [String: [String?]] {
    var comments: [String: [String?]] = [:]
    try database.forEachComment(CommentFilter()) { listed in
        let c = listed.comment
        comments[c.id] = [c.fileID, c.parentID, c.text, c.authorName, c.completedAt.map(Timestamp.format), c.timecode]
    }
    return comments
}

/// What a comments crawl of `dataset` must hold, worked out from the dataset alone (replies
/// carry no author, as the service serves them; only live files' comments).
func expectedComments(_ dataset: FrameIOV4Dataset) -> [String: [String?]] {
    var expected: [String: [String?]] = [:]
    for (index, asset) in dataset.assets.enumerated() where asset.type == "file" && dataset.isLive(index) {
        let fps = asset.mediaType == "application/mxf" ? 25 : 24
        for (comment, replies) in dataset.comments(of: asset.id) {
            for (one, parent) in [(comment, nil as String?)] + replies.map({ ($0, comment.id as String?) }) {
                let author = parent == nil ? dataset.users.first { $0.id == one.ownerID }?.name : nil
                let completed = one.completedAt.flatMap(Timestamp.parse).map(Timestamp.format)
                let timecode = one.timestamp.flatMap { Timecode.format(frames: $0, fps: fps) }
                expected[one.id] = [asset.id, parent, one.text, author, completed, timecode]
            }
        }
    }
    return expected
}

/// Answers 500 for the comments of files once `after` comment lists have gone through, or 404
/// for the comments of `missing`; passes everything else to the sandbox, and records each
/// comment list asked for.
final class CommentFaults: HTTPTransport, Sendable {
    let inner = AsyncHTTPClientTransport()
    let failAfter: Int?
    let missing: String?
    let asked = Mutex<[String]>([])

    init(failAfter: Int? = nil, missing: String? = nil) {
        self.failAfter = failAfter
        self.missing = missing
    }

    func send(_ request: APIRequest, timeout: Duration) async throws -> APIResponse {
        if request.url.contains("/comments") {
            if let missing, request.url.contains("/files/\(missing)/comments") {
                return APIResponse(status: .notFound, body: Array(#"{"errors":[{"detail":"Not Found"}]}"#.utf8))
            }
            let count = asked.withLock { list in
                list.append(request.url)
                return list.count
            }
            if let failAfter, count > failAfter {
                return APIResponse(status: .internalServerError, body: Array(#"{"errors":[{"detail":"down"}]}"#.utf8))
            }
        }
        return try await inner.send(request, timeout: timeout)
    }
}

@Suite struct FrameIOV4CommentsTests {
    @Test func theFixturesCommentsAreCataloguedExactly() async throws {
        let dataset = FrameIOV4Dataset.fixture()
        let server = SandboxServer(frameIO: try FrameIODataset.bundledFixture(), frameIOV4: dataset, configuration: SandboxConfiguration())
        let database = try CatalogDatabase(path: try temporaryDatabasePath())
        let report = try await server.withRunning { urls in try await crawlV4(urls.frameIOV4, into: database, comments: true) }
        let catalogued = try cataloguedComments(database)
        let expected = expectedComments(dataset)
        #expect(Set(catalogued.keys) == Set(expected.keys))
        for (id, want) in expected { #expect(catalogued[id] == want, "\(id)") }
        // Literals, not derived: a frame number at 24 fps, a reply under its comment, a page.
        #expect(catalogued["cmt-flicker"]?[5] == "00:10:59:22")
        #expect(catalogued["cmt-flicker-reply"]?[1] == "cmt-flicker")
        #expect(catalogued.count == 8)
        let poster = try #require(try cataloguedList(database).first { $0.comment.id == "cmt-poster" })
        #expect(poster.comment.page == 2 && poster.path == "Northlight Studio/Post Production/Feature Film/poster.psd")
        let comments = try #require(report.comments)
        #expect(comments.mode == "full" && comments.comments == 8 && comments.changes.added == 8 && comments.filesFailed == 0)
        // Every live file's comments were listed, once each: one request a file.
        let files = dataset.assets.indices.filter { dataset.assets[$0].type == "file" && dataset.isLive($0) }.count
        #expect(comments.filesRead == files)
        #expect(report.stats.http.requests == report.minimumRequests)
        // A crawl without --comments leaves them as they are.
        let again = try await server.withRunning { urls in try await crawlV4(urls.frameIOV4, into: database, full: true) }
        #expect(again.comments == nil)
        #expect(try cataloguedComments(database) == catalogued)
    }

    /// A service that says how many comments each file has (`Comment Count`): the files with
    /// none are not listed, the comments are the same, and the count is not kept in the items
    /// (it changes with every comment, not with the file).
    @Test func filesTheServiceSaysHaveNoCommentsAreNotListed() async throws {
        let dataset = FrameIOV4Dataset.generated(assets: 600, seed: 13)
        var counting = SandboxConfiguration()
        counting.commentCounts = true
        let counted = SandboxServer(frameIO: FrameIODataset.generated(assets: 0, seed: 1), frameIOV4: dataset, configuration: counting)
        let plain = SandboxServer(frameIO: FrameIODataset.generated(assets: 0, seed: 1), frameIOV4: dataset, configuration: SandboxConfiguration())
        let withCounts = try CatalogDatabase(path: try temporaryDatabasePath())
        let without = try CatalogDatabase(path: try temporaryDatabasePath())
        let skipping = try await counted.withRunning { urls in try await crawlV4(urls.frameIOV4, into: withCounts, comments: true) }
        let listing = try await plain.withRunning { urls in try await crawlV4(urls.frameIOV4, into: without, comments: true) }
        let skipped = try #require(skipping.comments)
        let listed = try #require(listing.comments)
        let files = dataset.assets.indices.filter { dataset.assets[$0].type == "file" && dataset.isLive($0) }
        let commented = files.filter { dataset.commentCount(of: dataset.assets[$0].id) > 0 }
        #expect(!commented.isEmpty && commented.count < files.count)
        #expect(listed.filesRead == files.count && listed.filesSkipped == 0)
        #expect(skipped.filesRead == commented.count && skipped.filesSkipped == files.count - commented.count)
        #expect(skipping.stats.http.requests + (files.count - commented.count) == listing.stats.http.requests)
        #expect(try cataloguedComments(withCounts) == cataloguedComments(without))
        var records: [String: String] = [:]
        try without.forEachItem(source: .frameio) { records[$0.id] = $0.record }
        var same = 0
        try withCounts.forEachItem(source: .frameio) { item in
            #expect(item.metadata["Comment Count"] == nil && !item.record.contains("Comment Count"), "\(item.id)")
            if records[item.id] == item.record { same += 1 }
        }
        #expect(same == records.count)
    }

    /// Under the documented limits (sped up), the comments are read beside the tree's walk, not
    /// after it (the first comments are asked for while the walk still lists folders), each
    /// bucket paced on its own: the service is not overrun. (How close to the comments bucket's
    /// ideal a crawl comes is measured in docs/benchmarks.md, not here.)
    @Test func theCommentsBucketIsPacedBesideTheTree() async throws {
        var configuration = SandboxConfiguration()
        configuration.endpointRateLimits = SandboxConfiguration.serviceRateLimits(speedup: 60)
        let dataset = FrameIOV4Dataset.generated(assets: 1_000, seed: 17)
        let server = SandboxServer(frameIO: FrameIODataset.generated(assets: 0, seed: 1), frameIOV4: dataset, configuration: configuration)
        let database = try CatalogDatabase(path: try temporaryDatabasePath())
        let transport = RecordingTransport()
        let report = try await server.withRunning { urls in
            try await crawlV4(urls.frameIOV4, into: database, transport: transport, comments: true)
        }
        let comments = try #require(report.comments)
        #expect(comments.filesRead > 500)
        #expect(
            report.stats.http.throttled * 100 <= max(1, report.stats.http.requests),
            "\(report.stats.http.throttled) of \(report.stats.http.requests) throttled")
        let sent = transport.urls.withLock { $0 }
        let firstComments = try #require(sent.firstIndex { $0.contains("/comments?") })
        let lastListing = try #require(sent.lastIndex { $0.contains("/children?") })
        #expect(firstComments < lastListing, "comments began at request \(firstComments), the walk's last list was \(lastListing)")
        // Between the walk's first and last lists, comments were asked for all along.
        let during = sent[firstComments...lastListing].filter { $0.contains("/comments?") }.count
        #expect(during * 4 > lastListing - firstComments, "\(during) comments requests among \(lastListing - firstComments)")
        #expect(try cataloguedComments(database) == expectedComments(server.frameIOV4.dataset))
    }

    @Test func searchFindsFilesByTheirComments() async throws {
        let server = SandboxServer(
            frameIO: try FrameIODataset.bundledFixture(), frameIOV4: FrameIOV4Dataset.fixture(), configuration: SandboxConfiguration())
        let database = try CatalogDatabase(path: try temporaryDatabasePath())
        _ = try await server.withRunning { urls in try await crawlV4(urls.frameIOV4, into: database, comments: true) }
        func ids(_ query: String) throws -> Set<String> { Set(try database.search(try database.parseQuery(query), limit: 100).map(\.id)) }
        #expect(try ids("comment:logo") == ["file-a001", "file-cut-v2"])
        #expect(try ids("comment:\"too small\" project:\"Feature Film\"") == ["file-a001", "file-cut-v2"])
        #expect(try ids("comment:logo -project:\"Feature Film\"") == [])
        #expect(try ids("comment:flick*") == ["file-a001"])
        #expect(try ids("comment:Ravi kind:file ext:psd") == ["file-poster"])
        #expect(try ids("comment:approved OR comment:flicker") == ["file-a001", "file-poster", "file-launch"])
        #expect(try ids("commented:true") == ["file-a001", "file-cut-v2", "file-poster", "file-slash", "file-launch"])
        #expect(try ids("comments:>1") == ["file-a001", "file-slash"])
        #expect(try ids("comments:3") == ["file-a001"])
        // Open: a comment not completed (file-a001's flicker note is open, its focus note done;
        // the launch film's one note is done).
        #expect(try ids("open-comments:true") == ["file-a001", "file-cut-v2", "file-poster", "file-slash"])
        #expect(try ids("open_comments:false project:\"Launch*\"") == ["file-launch"])
        #expect(try ids("open_comments:false project:\"Feature Film\" ext:mov").isSuperset(of: ["file-a002", "file-cut-v1"]))
        #expect(try !ids("open_comments:false").contains("file-a001"))
        // Files without comments, and no Dash asset or folder among them.
        let without = try ids("commented:false")
        #expect(without.contains("file-a002") && !without.contains("file-a001") && !without.contains("f-card1"))
        #expect(try ids("comments:0") == without)
        // A value that is no word is refused, not matched against nothing.
        #expect(throws: SearchQueryError.self) { try database.parseQuery("comment:!!!") }
    }

    @Test func aCatalogWithoutCommentsSaysHowToReadThem() async throws {
        let server = SandboxServer(
            frameIO: try FrameIODataset.bundledFixture(), frameIOV4: FrameIOV4Dataset.fixture(), configuration: SandboxConfiguration())
        let database = try CatalogDatabase(path: try temporaryDatabasePath())
        _ = try await server.withRunning { urls in try await crawlV4(urls.frameIOV4, into: database) }
        do {
            _ = try database.parseQuery("comment:logo")
            Issue.record("comment:logo was taken over a catalog without comments")
        } catch let error as SearchQueryError {
            #expect("\(error)".contains("--comments"), "\(error)")
        }
        // Asking for files without comments is still a question with an answer.
        #expect(try !database.search(try database.parseQuery("commented:false"), limit: 5).isEmpty)
    }

    @Test func aCommentsDeltaAfterMutationsEqualsAFreshFullCrawl() async throws {
        let dataset = FrameIOV4Dataset.generated(assets: 800, seed: 11)
        #expect(dataset.comments.count > 50)
        let server = SandboxServer(frameIO: FrameIODataset.generated(assets: 0, seed: 1), frameIOV4: dataset, configuration: SandboxConfiguration())
        let database = try CatalogDatabase(path: try temporaryDatabasePath())
        let fresh = try CatalogDatabase(path: try temporaryDatabasePath())
        let (first, delta, full) = try await server.withRunning { urls in
            let first = try await crawlV4(urls.frameIOV4, into: database, comments: true)
            let changes = server.frameIOV4.mutate(rate: 0.05, seed: 5)
            #expect((changes.counts["comments added"] ?? 0) > 0 && (changes.counts["comments deleted"] ?? 0) > 0)
            let delta = try await crawlV4(urls.frameIOV4, into: database, comments: true)
            let full = try await crawlV4(urls.frameIOV4, into: fresh, comments: true)
            return (first, delta, full)
        }
        // The first pass is not itemised (every comment is new), as a first crawl's items are not.
        var firstLogged = 0
        try database.forEachChange(.init(crawl: first.crawlID)) { change in firstLogged += change.kind == "comment" ? 1 : 0 }
        #expect(try #require(first.comments).changes.added > 50 && firstLogged == 0)
        #expect(delta.mode == "delta")
        let deltaComments = try #require(delta.comments)
        #expect(deltaComments.mode == "delta")
        #expect(try cataloguedComments(database) == cataloguedComments(fresh))
        #expect(try cataloguedComments(fresh) == expectedComments(server.frameIOV4.dataset))
        // The delta read only the files whose comments changed: far fewer than the full pass.
        let fullComments = try #require(full.comments)
        #expect(deltaComments.filesRead > 0 && deltaComments.filesRead * 5 < fullComments.filesRead)
        #expect(deltaComments.changes.added > 0 && deltaComments.changes.deleted > 0 && deltaComments.changes.changed > 0)
        // `catalog changes` lists them under the delta's crawl: kind comment, the text as the
        // name, the file's path as the path.
        var logged: [CatalogChange.Kind: Int] = [:]
        var paths: [String?] = []
        try database.forEachChange(.init(crawl: delta.crawlID)) { change in
            guard change.kind == "comment" else { return }
            logged[change.change, default: 0] += 1
            // A comment added or edited is on a file the catalog holds: its path is known.
            if change.change != .deleted { paths.append(change.newPath) }
        }
        #expect(logged[.added] == deltaComments.changes.added && logged[.modified] == deltaComments.changes.changed)
        #expect(logged[.deleted] == deltaComments.changes.deleted)
        #expect(!paths.isEmpty && paths.allSatisfy { $0?.hasPrefix("Generated") == true }, "\(paths.prefix(3))")
        #expect(try database.changeCount(.init(crawl: delta.crawlID)) >= deltaComments.changes.added + deltaComments.changes.deleted)
    }

    @Test func anInterruptedCommentsPassResumesWhereItStopped() async throws {
        let dataset = FrameIOV4Dataset.generated(assets: 300, seed: 4)
        let server = SandboxServer(frameIO: FrameIODataset.generated(assets: 0, seed: 1), frameIOV4: dataset, configuration: SandboxConfiguration())
        let database = try CatalogDatabase(path: try temporaryDatabasePath())
        let failing = CommentFaults(failAfter: 40)
        let resumed = CommentFaults()
        let report = try await server.withRunning { urls in
            await #expect(throws: (any Error).self) {
                try await crawlV4(urls.frameIOV4, into: database, transport: failing, concurrency: 2, comments: true)
            }
            return try await crawlV4(urls.frameIOV4, into: database, transport: resumed, concurrency: 2, comments: true)
        }
        // What the interrupted pass read is not read again; everything ends up as a full crawl has it.
        let firstFiles = Set(failing.asked.withLock { $0 }.prefix(40).map(Self.file(of:)))
        let secondFiles = Set(resumed.asked.withLock { $0 }.map(Self.file(of:)))
        let read = try #require(report.comments)
        #expect(read.filesSkipped > 0)
        #expect(!firstFiles.isEmpty && firstFiles.count - read.filesSkipped <= 2, "\(firstFiles.count) \(read.filesSkipped)")
        #expect(firstFiles.intersection(secondFiles).count <= 2)
        #expect(try cataloguedComments(database) == expectedComments(dataset))
    }

    @Test func aFileWhoseCommentsAreGoneIsAWarningNotAFailedCrawl() async throws {
        let dataset = FrameIOV4Dataset.fixture()
        let server = SandboxServer(frameIO: try FrameIODataset.bundledFixture(), frameIOV4: dataset, configuration: SandboxConfiguration())
        let database = try CatalogDatabase(path: try temporaryDatabasePath())
        let report = try await server.withRunning { urls in
            try await crawlV4(urls.frameIOV4, into: database, transport: CommentFaults(missing: "file-poster"), comments: true)
        }
        let comments = try #require(report.comments)
        #expect(comments.filesFailed == 1)
        #expect(report.stats.warnings.contains { $0.contains("file-poster") })
        #expect(try cataloguedComments(database)["cmt-poster"] == nil)
        #expect(try cataloguedComments(database)["cmt-flicker"] != nil)
    }

    /// The file id in a comments list address.
    static func file(of url: String) -> String {
        let path = url.split(separator: "?").first.map(String.init) ?? url
        let parts = path.split(separator: "/")
        return parts.count >= 2 ? String(parts[parts.count - 2]) : path
    }
}

func cataloguedList(_ database: CatalogDatabase) throws -> [ListedComment] {
    var all: [ListedComment] = []
    try database.forEachComment(CommentFilter()) { all.append($0) }
    return all
}

import CatalogCore
import CatalogSandbox
import CatalogStore
import Foundation
import FrameIOV4Client
import HTTPSupport
import HTTPTypes
import TestSupport
import Testing

@testable import Crawler

/// Issue 31, item 6: a list whose `links.next` goes round a cycle of cursors is stopped at the
/// first cursor it has already read from, not at the 10 000-page cap (~100 minutes at 100 calls
/// a minute).
@Suite struct CursorCycleTests {
    struct Element: Listed {
        var id: String
    }

    static func page(_ ids: [String], next: String?) -> V4Page<Element> {
        V4Page(elements: ids.map(Element.init), nextCursor: next, totalCount: nil, requestedPageSize: 2)
    }

    @Test func aCycleOfTwoCursorsBreaksTheReadingAtOnce() throws {
        var tally = ListTally(what: "children of folder f")
        try tally.add(Self.page(["a", "b"], next: "c1"), readFrom: nil, pages: 1)
        try tally.add(Self.page(["c", "d"], next: "c2"), readFrom: "c1", pages: 2)
        #expect(!tally.isBroken)
        // c2 sends the reading back to c1: a cycle of two.
        try tally.add(Self.page(["e", "f"], next: "c1"), readFrom: "c2", pages: 3)
        #expect(tally.isBroken)
        // A page naming its own cursor as the next is caught the same way.
        var own = ListTally(what: "children of folder g")
        try own.add(Self.page(["a", "b"], next: "c9"), readFrom: "c9", pages: 1)
        #expect(own.isBroken)
        // A reading that ends is not: cursors are not checked across readings.
        var fine = ListTally(what: "children of folder h")
        try fine.add(Self.page(["a", "b"], next: "c1"), readFrom: nil, pages: 1)
        try fine.add(Self.page(["c"], next: nil), readFrom: "c1", pages: 2)
        let verdict = try fine.finish()
        #expect(!fine.isBroken && verdict == .complete)
    }
}

/// Issue 31, item 8: the thumbnail fetcher reads no body past the picture limit (it read up to
/// the API's 32 MiB before checking its 2 MB limit, 16 at a time: ~500 MB peak on huge
/// "thumbnails"); a `Content-Length` over it is refused before anything is read.
@Suite struct ThumbnailBoundTests {
    @Test func picturesAreReadNoFurtherThanTheirLimit() throws {
        let database = try CatalogDatabase.inMemory()
        let fetcher = ThumbnailFetcher(cache: ThumbnailCache(database: database, directory: scratchRoot + "/thumbs-\(UUID().uuidString)"))
        let transport = try #require(fetcher.transport as? AsyncHTTPClientTransport)
        #expect(transport.maxBodyBytes == ThumbnailCache.maxPictureBytes)
        #expect(ThumbnailCache.maxPictureBytes < AsyncHTTPClientTransport.defaultMaxBodyBytes / 10)
    }
}

/// Issue 31, item 12: a 403 on one V4 project's root folder failed the whole crawl (exit 4);
/// now the project's items are kept as the last crawl had them, with a warning, as v2 does.
@Suite struct V4RefusedRootTests {
    /// Answers 403 for one folder's children while `refusing` is set, else passes through.
    final class RefusingTransport: HTTPTransport, @unchecked Sendable {
        let inner = AsyncHTTPClientTransport()
        let folder: String
        private let lock = NSLock()
        private var on = false
        init(folder: String) { self.folder = folder }
        var refusing: Bool {
            get { lock.withLock { on } }
            set { lock.withLock { on = newValue } }
        }
        func send(_ request: APIRequest, timeout: Duration) async throws -> APIResponse {
            if refusing, request.url.contains("/folders/\(folder)/children") {
                return APIResponse(status: .forbidden, headerFields: [:], body: Array(#"{"errors":[{"detail":"Forbidden"}]}"#.utf8))
            }
            return try await inner.send(request, timeout: timeout)
        }
    }

    @Test func aRefusedProjectRootKeepsItsItemsWithAWarning() async throws {
        let dataset = FrameIOV4Dataset.fixture()
        let project = try #require(dataset.projects.first { project in dataset.assets.contains { $0.projectID == project.id } })
        let server = SandboxServer(frameIO: FrameIODataset.generated(assets: 0, seed: 1), frameIOV4: dataset, configuration: SandboxConfiguration())
        let database = try CatalogDatabase(path: try temporaryDatabasePath())
        let transport = RefusingTransport(folder: project.rootFolderID)
        try await server.withRunning { urls in
            let first = try await crawlV4(urls.frameIOV4, into: database, transport: transport, full: true)
            transport.refusing = true
            let second = try await crawlV4(urls.frameIOV4, into: database, transport: transport, full: true)
            #expect(second.stats.changes.deleted == 0 && second.stats.items == first.stats.items, "\(second.stats.changes)")
            #expect(
                second.stats.warnings.contains { $0.contains("project") && $0.contains(project.id) && $0.contains("were kept") },
                "\(second.stats.warnings)")
        }
    }
}

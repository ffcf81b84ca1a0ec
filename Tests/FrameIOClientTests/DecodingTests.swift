import CatalogCore
import Foundation
import FrameIOClient
import HTTPSupport
import HTTPTypes
import Synchronization
import TestSupport
import Testing

func client(body: [UInt8], headers: [(name: String, value: String)] = []) -> FrameIOClient {
    let requester = APIRequester(
        service: "Frame.io", credentials: nil, transport: CannedTransport(body: body, headers: headers), token: { _ in "t" })
    return FrameIOClient(baseURL: "http://sandbox/v2/", requester: requester, pageSize: 3)
}

@Suite struct DecodingTests {
    @Test func decodesAChildrenPageIntoItems() async throws {
        let body = try fixture("frameio/children-page.json")
        let page = try await client(body: body, headers: [("page-number", "1"), ("total-pages", "2"), ("per-page", "3")]).children(
            of: "root", page: 1)
        #expect(page.elements.map(\.type) == [.file, .folder, .versionStack])
        #expect(page.hasNextPage)
        let mapper = FrameIOItemMapper()
        let file = mapper.item(for: page.elements[0], parentID: "p", parentPath: "A/T/P", projectID: "p")
        #expect(file.path == "A/T/P/A001_C003_interview.mov")
        #expect(file.xxh64 == "8f3a1b2c4d5e6f70")
        #expect(file.size == 4_823_150_592)
        #expect(file.mime == "video/quicktime")
        #expect(file.label == "approved")
        #expect(file.createdAt == Timestamp.parse("2025-02-10T08:00:00Z"))
        #expect(file.uploadedAt == Timestamp.parse("2025-02-10T08:05:00Z"))
        #expect(file.text.contains("Interview with the mayor") && file.text.contains("camera: ARRI Alexa Mini"))
        #expect(!file.record.contains("X-Amz-Signature") && !file.record.contains("view_count"))
        #expect(file.record.contains("\"frames\":4418") && file.record.contains("23.976"))
        let folder = mapper.item(for: page.elements[1], parentID: "p", parentPath: "A/T/P", projectID: "p")
        #expect(folder.kind == .folder && folder.label == nil && folder.xxh64 == nil)
        let stack = mapper.item(for: page.elements[2], parentID: "p", parentPath: "A/T/P", projectID: "p")
        #expect(stack.kind == .versionStack && stack.xxh64 == nil)
    }

    @Test func sameAssetWithNewSignedURLsHasTheSameDigest() async throws {
        let one = #"[{"id":"a","name":"x.mov","type":"file","view_count":1,"original":"https://s/x?X-Amz-Signature=1"}]"#
        let two = #"[{"type":"file","original":"https://s/x?X-Amz-Signature=2","view_count":99,"name":"x.mov","id":"a"}]"#
        let mapper = FrameIOItemMapper()
        let a = try await client(body: Array(one.utf8)).children(of: "r", page: 1).elements[0]
        let b = try await client(body: Array(two.utf8)).children(of: "r", page: 1).elements[0]
        #expect(
            mapper.item(for: a, parentID: "p", parentPath: "", projectID: "p").digest
                == mapper.item(for: b, parentID: "p", parentPath: "", projectID: "p").digest)
    }

    @Test(arguments: [
        ("{\"not\":\"an array\"}", "expected a JSON array"),
        ("[{\"name\":\"no id\",\"type\":\"file\"}]", "\"id\""),
        (
            "[{\"id\":\"1\",\"type\":\"file\"},{\"id\":\"2\",\"type\":\"file\"},{\"id\":\"3\",\"type\":\"file\"},{\"id\":\"4\",\"type\":\"file\"}]",
            "4 elements on a page of at most 3"
        ),
        ("[{\"id\":\"1\",\"type\":\"file\"", "invalid JSON"),
        ("[42]", "expected an object"),
    ])
    func malformedPagesAreReportedPrecisely(body: String, expected: String) async {
        await #expect {
            try await client(body: Array(body.utf8)).children(of: "F9", page: 2)
        } throws: { error in
            "\(error)".contains(expected) && "\(error)".contains("children of asset F9 (page 2)")
        }
    }

    @Test func anAssetOfAnUnknownTypeIsCarriedAsData() async throws {
        let body = #"[{"id":"1","name":"site","type":"link","url":"https://example.com"},{"id":"2","name":"seq","type":"bundle"}]"#
        let page = try await client(body: Array(body.utf8)).children(of: "r", page: 1)
        #expect(page.elements.map(\.type) == [.other("link"), .bundle])
        let mapper = FrameIOItemMapper()
        let link = mapper.item(for: page.elements[0], parentID: "p", parentPath: "P", projectID: "p")
        #expect(link.kind == .other && link.path == "P/site" && link.record.contains("\"type\":\"link\""))
        #expect(mapper.item(for: page.elements[1], parentID: "p", parentPath: "P", projectID: "p").kind == .file)
    }

    @Test(arguments: [Int64(-1), Int64.min, Int64.max, (Int64(1) << 50) + 1])
    func aSizeThatCannotBeTrueIsStoredAsUnknown(size: Int64) async throws {
        let body = #"[{"id":"1","name":"x.mov","type":"file","filesize":\#(size)}]"#
        let page = try await client(body: Array(body.utf8)).children(of: "r", page: 1)
        let item = FrameIOItemMapper().item(for: page.elements[0], parentID: "p", parentPath: "P", projectID: "p")
        #expect(item.size == nil)
    }

    /// Header values no server can mean are dropped, so no page arithmetic divides by zero.
    @Test(arguments: ["0", "-5", "99999999999"])
    func anImpossiblePerPageIsIgnored(perPage: String) async throws {
        let body = #"[{"id":"1","type":"file"}]"#
        let page = try await client(body: Array(body.utf8), headers: [("per-page", perPage), ("total-pages", "-1"), ("total", "-3")])
            .children(of: "r", page: 1)
        #expect(page.perPage == nil && page.totalPages == nil && page.total == nil)
        #expect(!page.hasNextPage)
    }

    @Test func shortPageWithoutHeadersStopsOnlyWhenNotFull() {
        let full = FrameIOPage(elements: [1, 2, 3], pageNumber: 1, totalPages: nil, perPage: nil, total: nil, requestedPageSize: 3)
        let short = FrameIOPage(elements: [1], pageNumber: 1, totalPages: nil, perPage: nil, total: nil, requestedPageSize: 3)
        let shortButMore = FrameIOPage(elements: [1], pageNumber: 1, totalPages: 4, perPage: 3, total: 10, requestedPageSize: 3)
        #expect(full.hasNextPage)
        #expect(!short.hasNextPage)
        #expect(shortButMore.hasNextPage)
    }
}

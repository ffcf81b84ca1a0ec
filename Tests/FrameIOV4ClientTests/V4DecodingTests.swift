import CatalogCore
import Foundation
import HTTPSupport
import HTTPTypes
import Synchronization
import TestSupport
import Testing

@testable import FrameIOV4Client

func fixture(_ name: String) throws -> [UInt8] { try TestSupport.fixture("frameio-v4/\(name)") }

func v4Client(_ transport: CannedTransport) -> FrameIOV4Client {
    FrameIOV4Client(
        baseURL: "https://api.frame.io/v4/",
        requester: APIRequester(
            service: "Frame.io V4", credentials: nil, transport: transport, token: { _ in "t" },
            retry: RetryPolicy(maxAttempts: 2, baseDelay: 0.001, throttleDelay: 0.001, maxDelay: 0.01)))
}

@Suite struct V4DecodingTests {
    @Test func aChildrenPageDecodesEveryTypeAndItsCursor() async throws {
        let transport = CannedTransport(body: try fixture("children-page.json"))
        let page = try await v4Client(transport).folderChildren(
            .all, accountID: "acc-1", folderID: "5a8b3c1e-0000-4c2d-9e4f-0000000000ff", after: nil)
        #expect(page.elements.map(\.type) == [.folder, .file, .versionStack, .file, .other("review_link")])
        #expect(page.nextCursor == "g3QAAAACZAAC")
        #expect(page.totalCount == 7)
        let file = page.elements[1]
        #expect(file.parentID == "5a8b3c1e-0000-4c2d-9e4f-0000000000ff")
        #expect(file.metadata.map(\.fieldName) == ["Review Status", "Rating", "Reel", "Circled", "Assignee", "Notes"])
        #expect(
            transport.urls.withLock { $0 } == [
                "https://api.frame.io/v4/accounts/acc-1/folders/5a8b3c1e-0000-4c2d-9e4f-0000000000ff/children"
                    + "?include=metadata&page_size=100&include_total_count=true"
            ])
        // The next page: the cursor, and every parameter again.
        _ = try await v4Client(transport).folderChildren(
            .all, accountID: "acc-1", folderID: "5a8b3c1e-0000-4c2d-9e4f-0000000000ff", after: "g3QAAAACZAAC")
        #expect(
            transport.urls.withLock { $0 }.last
                == "https://api.frame.io/v4/accounts/acc-1/folders/5a8b3c1e-0000-4c2d-9e4f-0000000000ff/children"
                + "?include=metadata&page_size=100&after=g3QAAAACZAAC"
        )
    }

    @Test func itemsCarryMetadataAsTextAndNoSignedLinks() async throws {
        let page = try await v4Client(CannedTransport(body: try fixture("children-page.json"))).folderChildren(
            .all, accountID: "acc-1", folderID: "5a8b3c1e-0000-4c2d-9e4f-0000000000ff", after: nil)
        let mapper = FrameIOV4ItemMapper(userNames: ["u-1": "Ravi Producer"])
        let item = mapper.item(for: page.elements[1], parentID: "p", parentPath: "Acct/WS/Proj", projectID: "p")
        #expect(item.path == "Acct/WS/Proj/A001_C001_0301.mov")
        #expect(item.size == 4_294_967_296)
        #expect(item.mime == "video/quicktime")
        #expect(item.state == "transcoded")
        #expect(item.xxh64 == nil)
        #expect(
            item.metadata == ["Review Status": ["Approved"], "Rating": ["4"], "Reel": ["12.5"], "Circled": ["false"], "Assignee": ["Ravi Producer"]])
        #expect(!item.record.contains("Signature") && !item.record.contains("media_links"))
        #expect(item.record.contains("next.frame.io"))
        let uploading = mapper.item(for: page.elements[3], parentID: "p", parentPath: "P", projectID: "p")
        #expect(uploading.mime == nil && uploading.state == "created" && uploading.size == 0)
        let stack = mapper.item(for: page.elements[2], parentID: "p", parentPath: "P", projectID: "p")
        #expect(stack.kind == .versionStack && stack.size == nil)
        let unknown = mapper.item(for: page.elements[4], parentID: "p", parentPath: "P", projectID: "p")
        #expect(unknown.kind == .other && unknown.record.contains("a_member_added_later"))
    }

    @Test(arguments: [
        (#"{"data": {"id": 1}}"#, "expected {\"data\": [...]}"),
        (#"{"data": [], "links": {"next": "/v4/accounts/acc-1/folders/OTHER/children?after=x"}}"#, "not a cursor of this list"),
        (#"{"data": [], "links": {"next": 7}}"#, "links.next is number"),
        (#"{"data": [{"id": "a"}], "links": {"next": null}}"#, "type"),
    ])
    func malformedPagesAreRefusedNamingWhy(body: String, expected: String) async throws {
        await #expect {
            _ = try await v4Client(CannedTransport(body: Array(body.utf8))).folderChildren(.all, accountID: "acc-1", folderID: "f", after: nil)
        } throws: { error in
            "\(error)".contains(expected)
        }
    }
}

import CatalogCore
import CatalogSandbox
import Foundation
import Testing

@Suite struct SandboxAPITests {
    func api(_ configure: (inout SandboxConfiguration) -> Void = { _ in }) throws -> RoutedSandbox {
        var configuration = SandboxConfiguration()
        configure(&configuration)
        return RoutedSandbox(try FrameIODataset.bundledFixture(), configuration: configuration)
    }

    func header(_ response: SandboxResponse, _ name: String) -> String? { response.headers.first { $0.name == name }?.value }

    @Test func paginatesWithHeadersAndCapsThePageSize() async throws {
        let api = try api { $0.maxPageSize = 2 }
        let page = try await api.handle(
            path: "/assets/fold-doc-day01/children", query: ["page_size": "100", "page": "3"], authorization: "Bearer t")
        #expect(page.status == 200)
        #expect(header(page, "per-page") == "2")
        #expect(header(page, "total") == "5")
        #expect(header(page, "total-pages") == "3")
        #expect(header(page, "page-number") == "3")
        let json = try JSONParser.parse(page.body)
        #expect(json.arrayValue?.count == 1)
    }

    @Test func archivedAndDeletedFilters() async throws {
        let api = try api()
        let active = try await api.handle(path: "/teams/team-post-0001/projects", query: [:], authorization: "Bearer t")
        let all = try await api.handle(
            path: "/teams/team-post-0001/projects", query: ["filter[archived]": "all"], authorization: "Bearer t")
        #expect(try JSONParser.parse(active.body).arrayValue?.count == 1)
        #expect(try JSONParser.parse(all.body).arrayValue?.count == 2)
        let live = try await api.handle(path: "/assets/fold-doc-day02/children", query: [:], authorization: "Bearer t")
        let withDeleted = try await api.handle(
            path: "/assets/fold-doc-day02/children", query: ["include_deleted": "true"], authorization: "Bearer t")
        #expect(try JSONParser.parse(live.body).arrayValue?.count == 2)
        #expect(try JSONParser.parse(withDeleted.body).arrayValue?.count == 3)
    }

    @Test func rateLimitAnswers429WithTheDocumentedBody() async throws {
        let api = try api {
            $0.rateLimit = 2
            $0.rateWindowMilliseconds = 60_000
            $0.sendRetryAfter = true
        }
        _ = try await api.handle(path: "/me", query: [:], authorization: "Bearer t")
        let second = try await api.handle(path: "/me", query: [:], authorization: "Bearer t")
        #expect(header(second, "x-ratelimit-remaining") == "0")
        let third = try await api.handle(path: "/me", query: [:], authorization: "Bearer t")
        #expect(third.status == 429)
        #expect(header(third, "Retry-After") != nil)
        let body = try JSONParser.parse(third.body)
        #expect(body["code"] == .number("429"))
        #expect(body["errors"]?.arrayValue?.first?["title"]?.stringValue == "Too Many Requests")
    }

    @Test func requiresABearerToken() async throws {
        let api = try api()
        #expect(try await api.handle(path: "/me", query: [:], authorization: nil).status == 401)
        #expect(try await api.handle(path: "/nope", query: [:], authorization: "Bearer t").status == 404)
    }

    @Test func generatedTreesAreDeterministic() {
        let a = FrameIODataset.generated(assets: 500, seed: 9)
        let b = FrameIODataset.generated(assets: 500, seed: 9)
        #expect(a.assets.map(\.id) == b.assets.map(\.id))
        #expect(a.assets.map(\.name) == b.assets.map(\.name))
        #expect(abs(a.liveAssetCount - 500) < 10)
        #expect(Set(a.assets.map(\.id)).count == a.assets.count)
    }
}

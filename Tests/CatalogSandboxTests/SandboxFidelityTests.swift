import CatalogCore
import CatalogSandbox
import Foundation
import Testing

/// The sandbox answers as the v2 reference documents the service: strict parameters, sorts,
/// `link` headers, the root asset, documented members and values, and one rate bucket per
/// endpoint per user.
@Suite struct SandboxFidelityTests {
    func api(_ configure: (inout SandboxConfiguration) -> Void = { _ in }) throws -> RoutedSandbox {
        var configuration = SandboxConfiguration()
        configure(&configuration)
        return RoutedSandbox(try FrameIODataset.bundledFixture(), configuration: configuration)
    }

    func get(_ api: RoutedSandbox, _ path: String, _ query: [String: String] = [:], token: String = "t") async throws -> SandboxResponse {
        try await api.handle(path: path, query: query, authorization: "Bearer \(token)")
    }

    func header(_ response: SandboxResponse, _ name: String) -> String? { response.headers.first { $0.name == name }?.value }

    /// Before: page=0, page_size=0 and filter[archived]=bogus all answered 200.
    @Test(arguments: [
        ("/accounts", ["page": "0"]), ("/accounts", ["page_size": "0"]), ("/accounts", ["page": "x"]),
        ("/teams/team-post-0001/projects", ["filter[archived]": "bogus"]), ("/projects/shared", ["filter[archived]": "all"]),
        ("/assets/fold-doc-day01/children", ["sort": "colour"]), ("/assets/fold-doc-day01/children", ["sort": "name,-nope"]),
    ])
    func aParameterTheServiceCannotUseIs422(path: String, query: [String: String]) async throws {
        let response = try await get(try api(), path, query)
        #expect(response.status == 422, "\(path) \(query)")
        #expect(String(decoding: response.body, as: UTF8.self).contains("Invalid parameter"))
    }

    @Test func sharedProjectsTakeABooleanArchivedFilter() async throws {
        let api = try api()
        for value in ["true", "false"] {
            #expect(try await get(api, "/projects/shared", ["filter[archived]": value]).status == 200)
        }
    }

    /// Before: `sort` was ignored.
    @Test func childrenAreSortedAsAsked() async throws {
        let api = try api()
        func names(_ sort: String) async throws -> [String] {
            let response = try await get(api, "/assets/fold-doc-day01/children", ["sort": sort])
            return try JSONParser.parse(response.body).arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
        }
        let ascending = try await names("name")
        #expect(ascending == ascending.sorted { $0.lowercased() < $1.lowercased() })
        #expect(try await names("-name") == ascending.reversed())
        #expect(ascending.count > 1)
    }

    /// Before: no `link` header.
    @Test func listsCarryALinkHeader() async throws {
        let response = try await get(try api(), "/assets/fold-doc-day01/children", ["page_size": "2", "page": "2"])
        let link = try #require(header(response, "link"))
        #expect(link.contains("</v2/assets/fold-doc-day01/children?page=3&page_size=2>; rel=\"next\""))
        #expect(link.contains("page=1&page_size=2>; rel=\"prev\"") && link.contains("rel=\"first\"") && link.contains("rel=\"last\""))
    }

    /// Before: `GET /assets/{root_asset_id}` answered 404.
    @Test func aProjectsRootAssetIsReadable() async throws {
        let api = try api()
        let project = try #require(api.dataset.projects.first)
        let response = try await get(api, "/assets/\(project.rootAssetID)")
        #expect(response.status == 200)
        let root = try JSONParser.parse(response.body)
        #expect(root["type"] == .string("folder") && root["project_id"] == .string(project.id))
        #expect(root["account_id"] == .string(project.accountID))
    }

    /// Before: deleted children were counted in `item_count`; `asset_type` took undocumented values.
    @Test func membersAreTheDocumentedOnes() async throws {
        let api = try api()
        let dataset = api.dataset
        let folderWithDeleted = try #require(
            dataset.assets.first { folder in
                folder.type == "folder" && (dataset.childrenByParent[folder.id] ?? []).contains { dataset.assets[$0].deletedAt != nil }
            })
        let response = try await get(api, "/assets/\(folderWithDeleted.id)")
        let live = (dataset.childrenByParent[folderWithDeleted.id] ?? []).filter { dataset.assets[$0].deletedAt == nil }.count
        #expect(try JSONParser.parse(response.body)["item_count"] == .number(String(live)))
        for asset in dataset.assets where asset.type == "file" && asset.deletedAt == nil {
            let file = try JSONParser.parse(try await get(api, "/assets/\(asset.id)").body)
            #expect(["document", "image", "stream"].contains(file["asset_type"]?.stringValue ?? ""), "\(asset.filetype ?? "")")
            #expect(file["archived_at"] != nil && file["duration"] != nil && file["fps"] != nil)
        }
        let teams = try JSONParser.parse(try await get(api, "/accounts/\(dataset.accounts[0].id)/teams").body)
        for team in teams.arrayValue ?? [] {
            #expect(team["storage"]?.int64Value != nil && team["file_count"]?.int64Value != nil && team["folder_count"]?.int64Value != nil)
        }
    }

    /// Before: one bucket for every path and token; the service limits each endpoint per user.
    @Test func eachEndpointHasItsOwnBucketSharedByAUsersTokens() async throws {
        let api = try api { $0.endpointRateLimits = ["children": (2, 60_000)] }
        let folder = "/assets/fold-doc-day01/children"
        #expect(try await get(api, folder, token: "one").status == 200)
        #expect(try await get(api, folder, token: "two").status == 200)
        let third = try await get(api, folder, token: "three")
        #expect(third.status == 429)
        #expect(header(third, "x-ratelimit-limit") == "2" && header(third, "x-ratelimit-window") == "60000")
        // Other endpoints are not held back by the children bucket.
        #expect(try await get(api, "/me").status == 200)
        #expect(try await get(api, "/accounts").status == 200)
        #expect(SandboxConfiguration.frameIOServiceRateLimits["children"]?.0 == 40)
    }
}

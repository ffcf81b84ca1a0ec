import CatalogCore
import Foundation

extension FrameIODataset {
    /// Errors reading a dataset file.
    public struct LoadError: Error, Sendable, CustomStringConvertible {
        /// What is wrong, with where.
        public var description: String
    }

    /// The hand-written default tree (Fixtures/sandbox/frameio-tree.json), embedded in the binary.
    public static func bundledFixture() throws -> FrameIODataset {
        try load(bytes: PackageResources.frameio_tree_json, name: "frameio-tree.json")
    }

    /// Loads a tree in the fixture format from a file (documented in Fixtures/README.md).
    public static func load(contentsOf url: URL) throws -> FrameIODataset {
        try load(bytes: Array(try Data(contentsOf: url)), name: url.lastPathComponent)
    }

    static func load(bytes: [UInt8], name: String) throws -> FrameIODataset {
        let json: JSONValue
        do { json = try JSONParser.parse(bytes) } catch {
            throw LoadError(description: "\(name): \(error)")
        }
        var reader = FixtureReader(source: name)
        return try reader.read(json)
    }
}
private struct FixtureReader {
    let source: String
    var dataset = FrameIODataset(userID: "", userName: "", userEmail: "")
    var counter = 0

    init(source: String) { self.source = source }

    func fail(_ message: String) -> FrameIODataset.LoadError {
        FrameIODataset.LoadError(description: "\(source): \(message)")
    }

    func string(_ value: JSONValue?, _ key: String, in context: String) throws -> String {
        guard let s = value?[key]?.stringValue else { throw fail("\(context) needs a string \"\(key)\"") }
        return s
    }

    mutating func read(_ json: JSONValue) throws -> FrameIODataset {
        let user = json["user"]
        dataset = FrameIODataset(
            userID: try string(user, "id", in: "user"), userName: try string(user, "name", in: "user"),
            userEmail: try string(user, "email", in: "user"))
        for account in json["accounts"]?.arrayValue ?? [] {
            let accountID = try string(account, "id", in: "account")
            dataset.accounts.append(
                .init(
                    id: accountID, displayName: account["display_name"]?.stringValue, ownerName: account["owner"]?["name"]?.stringValue,
                    ownerEmail: account["owner"]?["email"]?.stringValue ?? "owner@example.com"))
            for team in account["teams"]?.arrayValue ?? [] {
                let teamID = try string(team, "id", in: "team")
                dataset.teams.append(.init(id: teamID, name: try string(team, "name", in: "team \(teamID)"), accountID: accountID))
                for project in team["projects"]?.arrayValue ?? [] {
                    try readProject(project, teamID: teamID, accountID: accountID, isTeamProject: true)
                }
            }
        }
        // Projects shared with the user from teams the user is not on.
        for project in json["shared_only_projects"]?.arrayValue ?? [] {
            let teamID = try string(project, "team_id", in: "shared project")
            let accountID = try string(project, "account_id", in: "shared project")
            try readProject(project, teamID: teamID, accountID: accountID, isTeamProject: false)
        }
        dataset.reindex()
        return dataset
    }

    mutating func readProject(_ project: JSONValue, teamID: String, accountID: String, isTeamProject: Bool) throws {
        let id = try string(project, "id", in: "project")
        let root = project["root_asset_id"]?.stringValue ?? "root-\(id)"
        dataset.projects.append(
            .init(
                id: id, name: try string(project, "name", in: "project \(id)"), teamID: teamID, accountID: accountID,
                rootAssetID: root, archivedAt: project["archived_at"]?.stringValue,
                insertedAt: project["inserted_at"]?.stringValue ?? "2025-01-06T09:00:00.000000Z",
                updatedAt: project["updated_at"]?.stringValue ?? "2025-06-01T09:00:00.000000Z",
                isTeamProject: isTeamProject, isShared: !isTeamProject || project["shared"]?.boolValue == true))
        for (i, asset) in (project["assets"]?.arrayValue ?? []).enumerated() {
            try readAsset(asset, parentID: root, projectID: id, index: i)
        }
    }

    static let known: Set<String> = [
        "id", "name", "type", "filesize", "filetype", "checksums", "label", "inserted_at", "updated_at",
        "deleted_at", "children", "versions",
    ]

    mutating func readAsset(_ asset: JSONValue, parentID: String, projectID: String, index: Int) throws {
        counter += 1
        let type = asset["type"]?.stringValue ?? (asset["children"] != nil ? "folder" : "file")
        guard ["file", "folder", "version_stack"].contains(type) else { throw fail("asset type \"\(type)\" is not file, folder or version_stack") }
        let id = asset["id"]?.stringValue ?? String(format: "fx%06d-0000-4000-8000-%012d", counter, counter)
        let name = try string(asset, "name", in: "asset \(id)")
        let checksums = asset["checksums"]
        dataset.assets.append(
            .init(
                id: id, name: name, type: type, parentID: parentID, projectID: projectID,
                filesize: asset["filesize"]?.int64Value, filetype: asset["filetype"]?.stringValue,
                xxHash: checksums?["xx_hash"]?.stringValue, hasChecksums: checksums != nil,
                label: asset["label"]?.stringValue,
                insertedAt: asset["inserted_at"]?.stringValue ?? "2025-03-03T10:00:00.000000Z",
                updatedAt: asset["updated_at"]?.stringValue ?? "2025-03-04T10:00:00.000000Z",
                deletedAt: asset["deleted_at"]?.stringValue, index: index,
                extra: (asset.objectMembers ?? []).filter { !Self.known.contains($0.key) }))
        for (i, child) in (asset["children"]?.arrayValue ?? asset["versions"]?.arrayValue ?? []).enumerated() {
            try readAsset(child, parentID: id, projectID: projectID, index: type == "version_stack" ? i + 1 : i)
        }
    }
}

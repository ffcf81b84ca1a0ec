import CatalogCore
import Foundation
import HTTPSupport

extension FrameIOUser {
    init(json: JSONValue, what: String) throws {
        let reader = try JSONObjectReader(json, service: "Frame.io", what: what)
        id = try reader.requiredString("id")
        name = reader.string("name")
    }
}

extension FrameIOAccount {
    init(json: JSONValue, what: String) throws {
        let reader = try JSONObjectReader(json, service: "Frame.io", what: what)
        id = try reader.requiredString("id")
        let owner = reader.object("owner")
        if let display = reader.string("display_name"), !display.isEmpty {
            displayName = display
        } else if let name = owner?["name"]?.stringValue, !name.isEmpty {
            displayName = "\(name)'s Account"
        } else if let email = owner?["email"]?.stringValue, !email.isEmpty {
            displayName = "\(email)'s Account"
        } else {
            displayName = "Account \(id)"
        }
        record = json
    }
}

extension FrameIOTeam {
    init(json: JSONValue, what: String) throws {
        let reader = try JSONObjectReader(json, service: "Frame.io", what: what)
        id = try reader.requiredString("id")
        name = reader.nonEmptyString("name") ?? "Team \(id)"
        accountID = reader.string("account_id")
        record = json
    }
}

extension FrameIOProject {
    init(json: JSONValue, what: String) throws {
        let reader = try JSONObjectReader(json, service: "Frame.io", what: what)
        id = try reader.requiredString("id")
        name = reader.nonEmptyString("name") ?? "Project \(id)"
        rootAssetID = try reader.requiredString("root_asset_id")
        teamID = reader.string("team_id") ?? reader.object("team")?["id"]?.stringValue
        accountID = reader.object("team")?["account_id"]?.stringValue ?? reader.string("account_id")
        fileCount = reader.int64("file_count")
        folderCount = reader.int64("folder_count")
        record = json
    }

    /// The project a catalog item's stored record describes (the record as it was received,
    /// less its volatile members), or nil when the record is not a project's.
    public init?(storedRecord: String) {
        guard let json = try? JSONParser.parse(storedRecord), let project = try? FrameIOProject(json: json, what: "catalogued project")
        else { return nil }
        self = project
    }
}

extension FrameIOAsset {
    init(json: JSONValue, what: String) throws {
        let reader = try JSONObjectReader(json, service: "Frame.io", what: what)
        id = try reader.requiredString("id")
        type = AssetType(name: try reader.requiredString("type"))
        name = reader.string("name") ?? ""
        accountID = reader.nonEmptyString("account_id")
        projectID = reader.nonEmptyString("project_id")
        parentID = reader.nonEmptyString("parent_id")
        record = json
    }
}

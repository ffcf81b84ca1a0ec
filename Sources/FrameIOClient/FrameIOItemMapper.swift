import CatalogCore
import Foundation
import HTTPSupport

/// Turns Frame.io models into source-neutral ``CatalogItem``s, given their place in the tree.
public struct FrameIOItemMapper: Sendable {
    /// Members that change between two reads of an unchanged item (signed URLs, counters) and are
    /// removed from stored records. Strings that look like signed URLs are removed wherever they are.
    public static let volatileKeys: Set<String> = [
        "original", "thumb", "thumb_540", "thumb_scrub", "thumb_orig", "cover", "cover_asset",
        "image", "image_32", "image_64", "image_128", "image_256", "image_original", "team_image",
        "downloads", "h264_360", "h264_540", "h264_720", "h264_1080_best", "h264_2160",
        "page_proxy", "audio_proxy", "webm_360", "stream_url", "transcodes",
        "view_count", "views", "last_viewed_at", "viewed_at", "is_session_watermarked",
        // Counts of children: they change when a child comes or goes, without the container's
        // updated_at moving, and the catalog holds the children themselves.
        "item_count", "versions",
    ]

    let canonicalizer = RecordCanonicalizer(volatileKeys: volatileKeys)

    /// Creates a mapper.
    public init() {}

    /// The item for an account.
    public func item(for account: FrameIOAccount) -> CatalogItem {
        let reader = try? JSONObjectReader(account.record, service: "Frame.io", what: "account")
        return CatalogItem(
            source: .frameio, id: account.id, kind: .account, name: account.displayName, parentID: nil, projectID: nil,
            path: account.displayName, createdAt: reader?.date("inserted_at"), updatedAt: reader?.date("updated_at"),
            text: [account.record["owner"]?["name"]?.stringValue, account.record["owner"]?["email"]?.stringValue].compactMap { $0 }
                .joined(separator: "\n"),
            record: canonicalizer.canonicalText(account.record))
    }

    /// The item for a team under `accountPath`.
    public func item(for team: FrameIOTeam, accountPath: String) -> CatalogItem {
        let reader = try? JSONObjectReader(team.record, service: "Frame.io", what: "team")
        return CatalogItem(
            source: .frameio, id: team.id, kind: .team, name: team.name, parentID: team.accountID, projectID: nil,
            path: ItemPath.join(accountPath, team.name), size: reader?.int64("storage").flatMap(CatalogItem.plausibleSize),
            createdAt: reader?.date("inserted_at"), updatedAt: reader?.date("updated_at"),
            text: reader?.string("description") ?? "",
            record: canonicalizer.canonicalText(team.record))
    }

    /// The item for a project under `teamPath`, its parent being `parentID` (its team, when catalogued).
    public func item(for project: FrameIOProject, teamPath: String, parentID: String?) -> CatalogItem {
        let reader = try? JSONObjectReader(project.record, service: "Frame.io", what: "project")
        return CatalogItem(
            source: .frameio, id: project.id, kind: .project, name: project.name, parentID: parentID, projectID: project.id,
            path: ItemPath.join(teamPath, project.name), size: reader?.int64("storage").flatMap(CatalogItem.plausibleSize),
            createdAt: reader?.date("inserted_at"), updatedAt: reader?.date("updated_at"),
            text: reader?.string("description") ?? "",
            record: canonicalizer.canonicalText(project.record))
    }

    /// The item for an asset whose parent item is `parentID` at `parentPath` in project `projectID`.
    public func item(for asset: FrameIOAsset, parentID: String, parentPath: String, projectID: String) -> CatalogItem {
        let reader = try? JSONObjectReader(asset.record, service: "Frame.io", what: "asset")
        let kind: ItemKind =
            switch asset.type {
            case .file, .bundle: .file
            case .folder: .folder
            case .versionStack: .versionStack
            case .other: .other
            }
        let checksum = asset.record["checksums"]?["xx_hash"]?.stringValue?.lowercased()
        let name = asset.name.isEmpty ? asset.id : asset.name
        var item = CatalogItem(
            source: .frameio, id: asset.id, kind: kind, name: name, parentID: parentID, projectID: projectID,
            path: ItemPath.join(parentPath, name),
            size: reader?.int64("filesize").flatMap(CatalogItem.plausibleSize),
            mime: reader?.nonEmptyString("filetype"),
            createdAt: reader?.date("inserted_at"), updatedAt: reader?.date("updated_at"),
            uploadedAt: reader?.date("upload_completed_at") ?? reader?.date("uploaded_at"),
            label: reader?.string("label").flatMap { $0.isEmpty || $0 == "none" ? nil : $0 },
            xxh64: checksum.flatMap { Digest.isXXH64Hex($0) ? $0 : nil },
            text: Self.searchText(asset.record),
            record: canonicalizer.canonicalText(asset.record))
        if kind == .file { item.thumbnailURL = asset.record["thumb"]?.stringValue.flatMap(ThumbnailAddress.http) }
        return item
    }

    /// Description and property values, one per line, for the full-text index.
    static func searchText(_ record: JSONValue) -> String {
        var lines: [String] = []
        if let description = record["description"]?.stringValue, !description.isEmpty { lines.append(description) }
        if let properties = record["properties"]?.objectMembers {
            for member in properties {
                switch member.value {
                case .string(let s): lines.append("\(member.key): \(s)")
                case .number(let n): lines.append("\(member.key): \(n)")
                case .bool(let b): lines.append("\(member.key): \(b)")
                default: continue
                }
            }
        }
        return lines.joined(separator: "\n")
    }
}

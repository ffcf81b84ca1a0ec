import CatalogCore
import Foundation
import HTTPSupport

/// Turns Frame.io V4 models into source-neutral ``CatalogItem``s, given their place in the tree,
/// and the account's metadata fields into ``CatalogField``s.
public struct FrameIOV4ItemMapper: Sendable {
    /// Members that change between two reads of an unchanged item (signed media links, images)
    /// and are removed from stored records; strings that look like signed URLs go wherever they are.
    /// `cover_file_id` and a stack's `head_version` go too: they follow a container's files (one
    /// moved or deleted changes them) without an event on the container, and the catalog holds
    /// the files themselves (a stack's versions are its children).
    public static let volatileKeys: Set<String> = [
        "media_links", "image", "avatar_url", "thumbnail", "download_url", "inline_url", "cover_file_id", "head_version",
    ]

    let canonicalizer = RecordCanonicalizer(volatileKeys: volatileKeys)
    /// Names of the people user fields hold, by user id.
    public var userNames: [String: String]

    public init(userNames: [String: String] = [:]) { self.userNames = userNames }

    /// The path prefix of invited projects whose workspace the user cannot see.
    public static let invitedRoot = "Invited"

    public func item(for account: V4Account) -> CatalogItem {
        let reader = try? JSONObjectReader(account.record, service: "Frame.io V4", what: "account")
        return CatalogItem(
            source: .frameio, id: account.id, kind: .account, name: account.displayName, parentID: nil, projectID: nil,
            path: account.displayName, size: reader?.int64("storage_usage").flatMap(CatalogItem.plausibleSize),
            createdAt: reader?.date("created_at"), updatedAt: reader?.date("updated_at"), record: canonicalizer.canonicalText(account.record))
    }

    public func item(for workspace: V4Workspace, account: CatalogItem) -> CatalogItem {
        let reader = try? JSONObjectReader(workspace.record, service: "Frame.io V4", what: "workspace")
        return CatalogItem(
            source: .frameio, id: workspace.id, kind: .workspace, name: workspace.name, parentID: account.id, projectID: nil,
            path: ItemPath.join(account.path, workspace.name), createdAt: reader?.date("created_at"), updatedAt: reader?.date("updated_at"),
            record: canonicalizer.canonicalText(workspace.record))
    }

    /// A project under `parent` (its workspace, or the account's "Invited" branch).
    public func item(for project: V4Project, parentID: String, parentPath: String) -> CatalogItem {
        let reader = try? JSONObjectReader(project.record, service: "Frame.io V4", what: "project")
        return CatalogItem(
            source: .frameio, id: project.id, kind: .project, name: project.name, parentID: parentID, projectID: project.id,
            path: ItemPath.join(parentPath, project.name), size: reader?.int64("storage").flatMap(CatalogItem.plausibleSize),
            createdAt: reader?.date("created_at"), updatedAt: reader?.date("updated_at"), text: reader?.string("description") ?? "",
            record: canonicalizer.canonicalText(project.record), state: project.status)
    }

    /// An asset whose parent item is `parentID` at `parentPath` in project `projectID`.
    public func item(for asset: V4Asset, parentID: String, parentPath: String, projectID: String) -> CatalogItem {
        let reader = try? JSONObjectReader(asset.record, service: "Frame.io V4", what: "asset")
        let kind: ItemKind =
            switch asset.type {
            case .file: .file
            case .folder: .folder
            case .versionStack: .versionStack
            case .other: .other
            }
        let name = asset.name.isEmpty ? asset.id : asset.name
        let metadata = resolved(asset.metadata.filter { !Self.volatileFields.contains($0.fieldName) })
        var text = metadata.sorted { $0.key < $1.key }.flatMap { field in field.value.map { "\(field.key): \($0)" } }
        if let description = reader?.nonEmptyString("description") { text.insert(description, at: 0) }
        var item = CatalogItem(
            source: .frameio, id: asset.id, kind: kind, name: name, parentID: parentID, projectID: projectID,
            path: ItemPath.join(parentPath, name), size: asset.type == .file ? reader?.int64("file_size").flatMap(CatalogItem.plausibleSize) : nil,
            mime: reader?.nonEmptyString("media_type"), createdAt: reader?.date("created_at"), updatedAt: reader?.date("updated_at"),
            text: text.joined(separator: "\n"), record: canonicalizer.canonicalText(Self.withoutVolatileFields(asset.record)),
            state: reader?.nonEmptyString("status"),
            metadata: metadata)
        if asset.type == .file {
            item.thumbnailURL = asset.record["media_links"]?["thumbnail"]?["url"]?.stringValue.flatMap(ThumbnailAddress.http)
        }
        return item
    }

    /// Metadata fields that change without the file changing: the system field `Comment Count`
    /// moves with every comment (the crawl reads it to skip files without comments, before it
    /// is dropped from the item).
    public static let volatileFields: Set<String> = ["Comment Count"]

    /// `record` without the entries of ``volatileFields`` in its `metadata`.
    static func withoutVolatileFields(_ record: JSONValue) -> JSONValue {
        guard case .object(var members) = record, let index = members.firstIndex(where: { $0.key == "metadata" }),
            case .array(let entries) = members[index].value
        else { return record }
        let kept = entries.filter { entry in
            !(entry["field_definition_name"]?.stringValue.map(volatileFields.contains) ?? false)
        }
        guard kept.count != entries.count else { return record }
        members[index].value = .array(kept)
        return .object(members)
    }

    /// Field name → values as text: select options by name, people by name, numbers as sent,
    /// toggles as `true`/`false`; empty values left out.
    func resolved(_ values: [V4MetadataValue]) -> [String: [String]] {
        var metadata: [String: [String]] = [:]
        for entry in values {
            let texts = text(of: entry.value)
            if !texts.isEmpty { metadata[entry.fieldName, default: []] += texts }
        }
        return metadata
    }

    func text(of value: JSONValue) -> [String] {
        switch value {
        case .null: return []
        case .string(let s): return s.isEmpty ? [] : [s]
        case .number(let n): return [n]
        case .bool(let b): return [b ? "true" : "false"]
        case .array(let elements): return elements.flatMap(text(of:))
        case .object:
            if let name = value["display_name"]?.stringValue { return [name] }
            if let id = value["id"]?.stringValue { return [userNames[id] ?? value["name"]?.stringValue ?? id] }
            return [JSONWriter.string(value)]
        }
    }

    /// The account's fields as the catalog keeps them, and the options of its select fields.
    public func fields(_ definitions: [V4FieldDefinition]) -> (fields: [CatalogField], options: [CatalogFieldOption]) {
        var fields: [CatalogField] = []
        var options: [CatalogFieldOption] = []
        for (position, definition) in definitions.enumerated() {
            let selects = definition.fieldType.hasPrefix("select")
            fields.append(
                CatalogField(
                    source: .frameio, id: definition.id, name: definition.name, position: position, hasFixedOptions: selects,
                    hierarchical: false, multiValue: ["select_multi", "user_multi", "users"].contains(definition.fieldType), isFolders: false,
                    type: definition.fieldType,
                    record: canonicalizer.canonicalText(definition.record)))
            for (index, option) in definition.options.enumerated() {
                options.append(
                    CatalogFieldOption(
                        source: .frameio, id: option.id, fieldID: definition.id, parentID: nil, value: option.displayName, position: index,
                        path: option.displayName,
                        record: JSONWriter.string(.object([("id", .string(option.id)), ("display_name", .string(option.displayName))]))))
            }
        }
        return (fields, options)
    }
}

extension FrameIOV4ItemMapper {
    /// A file's comments and their replies, each a ``CatalogComment`` (a reply's parent is the
    /// comment it came under; a reply without author or file takes none, and the file's id). A
    /// frame number gets a timecode at the file's assumed rate (``Timecode``); a timecode the
    /// service sent is kept as sent.
    public func comments(_ comments: [V4Comment], fileID: String, mime: String?) -> [CatalogComment] {
        let fps = Timecode.framesPerSecond(mime: mime)
        func one(_ comment: V4Comment, parent: String?) -> CatalogComment {
            CatalogComment(
                source: .frameio, id: comment.id, fileID: fileID, parentID: parent, text: comment.text, authorName: comment.ownerName,
                authorEmail: comment.ownerEmail, timestamp: comment.timestamp, duration: comment.duration,
                timecode: comment.timestamp.flatMap { Timecode.format(frames: $0, fps: fps) } ?? comment.timestampText, page: comment.page,
                completedAt: comment.completedAt, completerID: comment.completerID, createdAt: comment.createdAt, updatedAt: comment.updatedAt,
                textEditedAt: comment.textEditedAt, record: canonicalizer.canonicalText(comment.record))
        }
        var all: [CatalogComment] = []
        var seen = Set<String>()
        for comment in comments where seen.insert(comment.id).inserted {
            all.append(one(comment, parent: nil))
            for reply in comment.replies where seen.insert(reply.id).inserted { all.append(one(reply, parent: comment.id)) }
        }
        return all
    }
}

import CatalogCore
import Foundation

/// What ``FrameIOV4Dataset/mutate(rate:seed:now:)`` changed, by kind of change.
public struct FrameIOV4MutationReport: Sendable {
    public var counts: [String: Int] = [:]

    /// The report as JSON (`{"renamed": 12, …}`), for `POST /v4/_admin/mutate`.
    public var json: JSONValue {
        .object(counts.sorted { $0.key < $1.key }.map { ($0.key, .number(String($0.value))) })
    }
}

/// How the changes of ``FrameIOV4Dataset/mutate(rate:seed:now:spread:)`` fall on the tree.
public enum FrameIOV4MutationSpread: String, Sendable, CaseIterable {
    /// As people work: in sessions of 1 to 12 changes of one kind in one folder (a card's clips
    /// uploaded together, a folder's selects tagged, a batch renamed); a folder rename or
    /// deletion is a session of its own.
    case clustered
    /// Every change on an asset drawn at random from the whole account: the worst case for a
    /// delta, where no two changes share a folder.
    case uniform
}

extension FrameIOV4Dataset {
    /// Changes about `rate` of the live assets, as people do between two crawls, each change
    /// stamped `now` and written to the account's audit log: renames, moves, metadata edits,
    /// uploads, new versions, deleted files and whole folders (into the project's recently
    /// deleted), a renamed folder, a restored file and a new project; and comments (see
    /// ``mutateComments(rate:seed:stamp:)``).
    @discardableResult
    public mutating func mutate(
        rate: Double, seed: UInt64, now: Date = Date(), spread: FrameIOV4MutationSpread = .clustered
    ) -> FrameIOV4MutationReport {
        var rng = SeededGenerator(seed: seed ^ 0x7734)
        var report = FrameIOV4MutationReport()
        let stamp = Timestamp.format(now).replacingOccurrences(of: "Z", with: ".000000Z")
        var events = 0
        func log(_ type: String, _ resourceType: String, _ resourceID: String, project: String?) {
            events += 1
            let account = project.flatMap { id in projects.first { $0.id == id }?.accountID } ?? accounts.first?.id ?? ""
            auditLog.append(
                AuditEvent(
                    id: "audit-\(seed)-\(auditLog.count + 1)", accountID: account, eventType: type, resourceType: resourceType,
                    resourceID: resourceID, projectID: project, insertedAt: stamp))
        }
        func pick(_ candidates: [Int]) -> Int? { candidates.isEmpty ? nil : candidates[Int(rng.next() % UInt64(candidates.count))] }
        var live = liveIndices()
        let changes = max(8, Int((Double(live.count) * rate).rounded()))
        var assets = self.assets
        // The session under way: its kind of change, the folder it works in, changes left.
        var session = (kind: 7, folder: "", left: 0)
        var moveTarget: Int?
        var sessions = 0
        var bulkLogged = Set<String>()
        for n in 0..<changes {
            let allFiles = live.filter { assets[$0].type == "file" && assets[$0].deletedAt == nil }
            let folders = live.filter { assets[$0].type == "folder" && assets[$0].deletedAt == nil }
            // A folder holding what a session of `kind` works on: version stacks for new
            // versions, deleted files for restores, files for the rest.
            func focusFolder(_ kind: Int) -> String {
                let holders: Set<String> =
                    switch kind {
                    case 4: Set(live.filter { assets[$0].type == "version_stack" }.map { assets[$0].parentID })
                    case 7: Set(assets.filter { $0.deletedAt != nil && $0.type == "file" }.map(\.parentID))
                    default: Set(allFiles.map { assets[$0].parentID })
                    }
                return pick(folders.filter { holders.contains(assets[$0].id) }).map { assets[$0].id } ?? ""
            }
            if session.left == 0 {
                session.kind = (session.kind + 1) % 8
                session.left = spread == .uniform || session.kind == 6 ? 1 : 1 + Int(rng.next() % 12)
                session.folder = focusFolder(session.kind)
                moveTarget = nil
                bulkLogged = []
                sessions += 1
            }
            session.left -= 1
            let kind = session.kind
            // Which round of the eight kinds this change is in: every other round deletes a
            // folder instead of renaming one, and deletes files in bulk.
            let round = spread == .uniform ? n / 8 : (sessions - 1) / 8
            // In a clustered session, the files of the session's folder; a session that used them
            // up goes on in another folder.
            var inFolder = spread == .uniform ? [] : allFiles.filter { assets[$0].parentID == session.folder }
            if spread == .clustered, [0, 1, 2, 5].contains(kind), inFolder.isEmpty {
                session.folder = focusFolder(kind)
                moveTarget = nil
                inFolder = allFiles.filter { assets[$0].parentID == session.folder }
            }
            let files = inFolder.isEmpty ? allFiles : inFolder
            let focus = spread == .uniform ? nil : assetIndex[session.folder]
            switch kind {
            case 0:  // rename a file
                guard let i = pick(files) else { continue }
                assets[i].name = "renamed \(n) " + assets[i].name
                assets[i].updatedAt = stamp
                log("asset_updated", "asset", assets[i].id, project: assets[i].projectID)
                report.counts["renamed", default: 0] += 1
            case 1:  // move a file to another folder of its project
                // A clustered session moves its files into one folder.
                guard let i = pick(files),
                    let target = moveTarget.flatMap({ assets[$0].projectID == assets[i].projectID ? $0 : nil })
                        ?? pick(folders.filter { assets[$0].projectID == assets[i].projectID && assets[$0].id != assets[i].parentID })
                else { continue }
                if spread == .clustered { moveTarget = target }
                assets[i].parentID = assets[target].id
                assets[i].updatedAt = stamp
                log("asset_moved", "asset", assets[i].id, project: assets[i].projectID)
                report.counts["moved", default: 0] += 1
            case 2:  // edit metadata
                guard let i = pick(files), let field = fields.first(where: { $0.fieldType == "text" }) else { continue }
                assets[i].metadata.removeAll { $0.fieldID == field.id }
                assets[i].metadata.append((field.id, .string("edited in change \(n)")))
                assets[i].updatedAt = stamp
                log("metadata_value_updated", "asset", assets[i].id, project: assets[i].projectID)
                report.counts["metadata", default: 0] += 1
            case 3:  // upload a file
                guard let parent = focus ?? pick(folders) else { continue }
                let id = "v4-new-\(seed)-\(n)"
                assets.append(
                    Asset(
                        id: id, type: "file", name: "upload_\(n).mov", parentID: assets[parent].id, projectID: assets[parent].projectID,
                        createdAt: stamp, updatedAt: stamp, fileSize: Int64(1_000 + n), mediaType: "video/quicktime", status: "uploaded",
                        metadata: [], extra: []))
                live.append(assets.count - 1)
                log("asset_created", "asset", id, project: assets[parent].projectID)
                report.counts["uploaded", default: 0] += 1
            case 4:  // a new version in a stack
                let stacks = live.filter { assets[$0].type == "version_stack" }
                let near = spread == .uniform ? [] : stacks.filter { assets[$0].parentID == session.folder }
                guard let stack = pick(near.isEmpty ? stacks : near) else { continue }
                let id = "v4-version-\(seed)-\(n)"
                assets.append(
                    Asset(
                        id: id, type: "file", name: "version \(n).mov", parentID: assets[stack].id, projectID: assets[stack].projectID,
                        createdAt: stamp, updatedAt: stamp, fileSize: Int64(2_000 + n), mediaType: "video/mp4", status: "transcoded",
                        metadata: [], extra: []))
                live.append(assets.count - 1)
                assets[stack].updatedAt = stamp
                log("asset_versioned", "asset", assets[stack].id, project: assets[stack].projectID)
                report.counts["versioned", default: 0] += 1
            case 5:  // delete a file
                guard let i = pick(files) else { continue }
                assets[i].deletedAt = stamp
                live.removeAll { $0 == i }
                // Every other clustered session deletes its files in one bulk action, which the
                // log records as one event naming none of them (the project's recently deleted does).
                if spread == .clustered && round % 2 == 1 {
                    if bulkLogged.insert(assets[i].projectID).inserted {
                        log("bulk_assets_deleted", "asset", "bulk-\(seed)-\(n)", project: assets[i].projectID)
                    }
                } else {
                    log("asset_deleted", "asset", assets[i].id, project: assets[i].projectID)
                }
                report.counts["deleted", default: 0] += 1
            case 6:  // rename a folder (its subtree's paths change), or every other time delete a small one
                guard let i = pick(folders) else { continue }
                let small = folders.filter { folder in
                    let children = self.childrenByParent[assets[folder].id] ?? []
                    return children.count <= 30 && children.allSatisfy { assets[$0].type == "file" }
                }
                if round % 2 == 0, let i = pick(small) {
                    assets[i].deletedAt = stamp
                    // Its whole subtree leaves with it.
                    var gone: Set<Int> = [i]
                    var frontier = [assets[i].id]
                    while let id = frontier.popLast() {
                        for child in self.childrenByParent[id] ?? [] where gone.insert(child).inserted { frontier.append(assets[child].id) }
                    }
                    live.removeAll { gone.contains($0) }
                    log("asset_deleted", "folder", assets[i].id, project: assets[i].projectID)
                    report.counts["deletedFolders", default: 0] += 1
                } else {
                    assets[i].name += " (renamed)"
                    assets[i].updatedAt = stamp
                    log("asset_updated", "folder", assets[i].id, project: assets[i].projectID)
                    report.counts["renamedFolders", default: 0] += 1
                }
            default:  // restore a deleted file
                let deleted = assets.indices.filter { assets[$0].deletedAt != nil && assets[$0].type == "file" }
                let near = spread == .uniform ? [] : deleted.filter { assets[$0].parentID == session.folder }
                guard let i = pick(near.isEmpty ? deleted : near) else { continue }
                assets[i].deletedAt = nil
                assets[i].updatedAt = stamp
                // Live again when the folder it was in still is (a project's root always is).
                let parent = self.assetIndex[assets[i].parentID]
                if parent.map({ live.contains($0) }) ?? true { live.append(i) }
                log("asset_restored", "asset", assets[i].id, project: assets[i].projectID)
                report.counts["restored", default: 0] += 1
            }
        }
        self.assets = assets
        if changes >= 50, let workspace = workspaces.first(where: \.isMember) {
            let id = "v4-project-\(seed)"
            projects.append(
                Project(
                    id: id, accountID: workspace.accountID, workspaceID: workspace.id, name: "New Project \(seed)", rootFolderID: id + "-root",
                    status: "active", createdAt: stamp, updatedAt: stamp, isInvited: false))
            self.assets.append(
                Asset(
                    id: id + "-file", type: "file", name: "brief.pdf", parentID: id + "-root", projectID: id, createdAt: stamp, updatedAt: stamp,
                    fileSize: 4_096, mediaType: "application/pdf", status: "uploaded", metadata: [], extra: []))
            log("project_created", "project", id, project: id)
            report.counts["newProjects", default: 0] += 1
        }
        // Reviewers' comments change too (after the assets, from a generator of their own, so the
        // assets' changes are the same with comments or without).
        let (commentCounts, commentEvents) = mutateComments(rate: rate, seed: seed, stamp: stamp)
        for event in commentEvents { log(event.type, "comment", event.id, project: assetIndex[event.fileID].map { self.assets[$0].projectID }) }
        report.counts.merge(commentCounts) { $0 + $1 }
        report.counts["events"] = events
        return report
    }

    /// The positions of the assets that are live.
    func liveIndices() -> [Int] { assets.indices.filter { isLive($0) } }

    /// Whether an asset and every folder above it are live (not deleted).
    public func isLive(_ index: Int) -> Bool {
        var asset = assets[index]
        var depth = 0
        while depth < 300 {
            if asset.deletedAt != nil { return false }
            guard let parent = assetIndex[asset.parentID] else { return true }
            asset = assets[parent]
            depth += 1
        }
        return false
    }
}

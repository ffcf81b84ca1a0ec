import CatalogCore
import CatalogStore
import Foundation
import FrameIOV4Client
import HTTPSupport

/// The Frame.io V4 delta refresh (docs/crawling.md, "Frame.io V4 delta"): the hierarchy is
/// re-listed (a few requests), what changed comes from each account's audit log since the
/// watermark, each changed asset is read once in its current state, a renamed or moved folder
/// carries its catalogued subtree to its new path without a request, deletions come from the log
/// and from each changed project's recently deleted list, and a new folder or project is walked.
/// When the audit log cannot be read (403: it may need admin rights), every project is walked
/// again, as a full crawl does, and the summary says so.
extension FrameIOV4Crawler.Walk {
    /// The event types after which a resource is gone.
    static func isDeletion(_ type: String) -> Bool { type.contains("deleted") && !type.contains("metadata") }

    /// Reads what changed from `since`, stages it, and returns the ids gone.
    mutating func refresh(since: Date) async throws -> Set<String> {
        let database = crawler.database
        let client = self.client
        let catalogProjects = Dictionary(
            try database.items(source: .frameio, kind: .project).map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var rewalk = Set<String>()
        var gone = Set<String>()
        // 1. Projects: new ones are walked whole; vanished ones go with what they hold.
        for id in listedProjects.keys where catalogProjects[id] == nil { rewalk.insert(id) }
        for id in catalogProjects.keys where listedProjects[id] == nil {
            gone.formUnion(try database.itemIDs(source: .frameio, projectID: id))
        }
        // 2. The audit logs, from the watermark's day; events before the watermark are dropped.
        var events: [V4AuditEvent] = []
        var readable = true
        // A comments delta may reach further back than the tree's (the last crawl read no comments).
        let from = Swift.min(since, commentsSince ?? since)
        for accountID in accountIDs {
            do {
                let read = try await readList("audit log of account \(accountID)") {
                    try await client.auditLog(accountID: accountID, from: from, after: $0)
                }
                if let commentsSince {
                    commentEvents += read.filter { $0.resourceType == "comment" && ($0.insertedAt ?? .distantFuture) >= commentsSince }.map {
                        (accountID, $0)
                    }
                }
                events += read
            } catch  where FrameIOV4Client.isForbidden(error) {
                readable = false
                recorder.warn(
                    """
                    the audit log of account \(accountID) is not readable for this user (403: it may need account admin rights), so this \
                    refresh read every project again, as a full crawl does
                    """
                )
                break
            }
        }
        guard readable else {
            // Every file's comments are read again too (the walk hands each to the reader).
            commentsFollowWalk = comments != nil
            commentEvents = []
            try await walkAssets(listedProjects.values.map(\.root).sorted { $0.projectID < $1.projectID })
            try database.forEachItem(source: .frameio, records: false) { item in
                if !(emitted?.contains(item.id) ?? false) { gone.insert(item.id) }
            }
            return gone.subtracting(emitted ?? [])
        }
        // Comments change nothing the tree holds (their events are read above).
        events = events.filter { $0.resourceType != "comment" && ($0.insertedAt ?? .distantFuture) >= since }.sorted {
            ($0.insertedAt ?? .distantPast) < ($1.insertedAt ?? .distantPast)
        }
        // The last event of each asset decides: deleted, or to be read as it is now.
        var last: [String: V4AuditEvent] = [:]
        for event in events where Self.assetResourceTypes.contains(event.resourceType) { last[event.resourceID] = event }
        var changedProjects = Set(events.compactMap(\.projectID)).filter { listedProjects[$0] != nil && !rewalk.contains($0) }
        for event in events where event.resourceType == "project" && listedProjects[event.resourceID] != nil {
            changedProjects.insert(event.resourceID)
        }
        var deleted = Set(last.values.filter { Self.isDeletion($0.eventType) }.map(\.resourceID))
        // 3. Deletions the log may not itemise (a bulk deletion): the recently deleted list of each
        //    project the log shows a deletion in, newest first, down to the watermark.
        let deletingProjects = Set(events.filter { Self.isDeletion($0.eventType) }.compactMap(\.projectID))
        for projectID in changedProjects.intersection(deletingProjects).sorted() {
            guard let root = listedProjects[projectID]?.root else { continue }
            var cursor: String?
            var pages = 0
            repeat {
                let page = try await client.recentlyDeleted(accountID: root.accountID, projectID: projectID, after: cursor)
                pages += 1
                minimumRequests += 1
                for asset in page.elements
                where (asset.deletedAt ?? .distantFuture) >= since && last[asset.id].map({ Self.isDeletion($0.eventType) }) ?? true {
                    deleted.insert(asset.id)
                }
                let older = page.elements.contains { ($0.deletedAt ?? .distantFuture) < since }
                cursor = older || pages >= ListTally.maxPages ? nil : page.nextCursor
            } while cursor != nil
        }
        // 4. Each changed asset as it is now, and what new containers hold.
        let changed = last.filter { id, event in
            !deleted.contains(id) && event.projectID.map { listedProjects[$0] != nil && !rewalk.contains($0) } ?? false
        }
        let moves = Set(events.filter { $0.eventType.contains("moved") }.map(\.resourceID))
        let (found, vanished) = try await readChanged(changed, moved: moves)
        deleted.formUnion(vanished)
        // 5. Deleted items and everything catalogued under them.
        let known = try database.items(source: .frameio, ids: Array(deleted) + Array(found.keys))
        var frontier = deleted.filter { known[$0] != nil }
        gone.formUnion(frontier)
        while !frontier.isEmpty {
            let children = try database.children(source: .frameio, of: Array(frontier))
            frontier = []
            for child in children where found[child.id] == nil && gone.insert(child.id).inserted { frontier.insert(child.id) }
        }
        // 6. Items for what was read, under their parents' new paths.
        var resolver = PathResolver(projects: listedProjects.map { ($0.key, $0.value.root.assetID, $0.value.item.path) })
        func place(_ id: String) throws -> PathResolver.Place? {
            if let asset = found[id], let parent = asset.parentID { return (asset.name.isEmpty ? asset.id : asset.name, parent) }
            if let item = try database.items(source: .frameio, ids: [id])[id], let parent = item.parentID, item.kind != .project {
                return (item.name, parent)
            }
            return nil
        }
        var moved: [(id: String, path: String)] = []
        for asset in found.values.sorted(by: { $0.id < $1.id }) {
            guard let projectID = asset.projectID, listedProjects[projectID] != nil, let parent = asset.parentID,
                let (parentItemID, parentPath) = try resolver.parent(parent, place: place)
            else {
                // Not placeable from what is known: its project is walked again.
                if let projectID = asset.projectID, listedProjects[projectID] != nil { rewalk.insert(projectID) }
                continue
            }
            let item = mapper.item(for: asset, parentID: parentItemID, parentPath: parentPath, projectID: projectID)
            if case .other(let type) = asset.type { recorder.keptUnknownType(type) }
            try await emit(item)
            if asset.isContainer, let old = known[asset.id], old.path != item.path { moved.append((asset.id, item.path)) }
        }
        // 7. Containers whose path changed carry their catalogued subtree along (no requests).
        for (id, listed) in listedProjects where !rewalk.contains(id) {
            if let old = catalogProjects[id], old.path != listed.item.path { moved.append((id, listed.item.path)) }
        }
        let read = Set(found.keys)
        while !moved.isEmpty {
            let paths = Dictionary(moved.map { ($0.id, $0.path) }, uniquingKeysWith: { a, _ in a })
            moved = []
            for child in try database.children(source: .frameio, of: Array(paths.keys)) {
                guard !read.contains(child.id), !gone.contains(child.id), let parentPath = paths[child.parentID ?? ""] else { continue }
                var item = child
                item.path = ItemPath.join(parentPath, child.name)
                try await emit(item)
                if child.kind.isContainer { moved.append((child.id, item.path)) }
            }
        }
        // 8. Projects that need it are walked again, and what they no longer hold is gone.
        let roots = rewalk.sorted().compactMap { listedProjects[$0]?.root }
        if !roots.isEmpty {
            // Containers the reads listed are listed again as part of their projects' walks.
            seenContainers.removeAll()
            try await walkAssets(roots)
            for projectID in rewalk where catalogProjects[projectID] != nil {
                for id in try database.itemIDs(source: .frameio, projectID: projectID) where !(emitted?.contains(id) ?? false) { gone.insert(id) }
            }
        }
        // Accounts and workspaces no longer listed.
        for kind in [ItemKind.account, .workspace] {
            for item in try database.items(source: .frameio, kind: kind) where !(emitted?.contains(item.id) ?? false) { gone.insert(item.id) }
        }
        return gone.subtracting(emitted ?? [])
    }
}

extension FrameIOV4Crawler.Walk {
    /// A comments delta: the files whose comments the audit log says changed, each read once.
    /// A comment the catalog holds names its file; a new one is asked for (`GET /comments/{id}`),
    /// and one the service no longer has (404) was deleted before it was ever catalogued. Files
    /// gone in this delta are not read: their comments go with them when the crawl commits.
    mutating func readChangedComments(gone: Set<String>) async throws {
        guard let comments, !commentEvents.isEmpty else { return }
        let database = crawler.database
        let ids = Array(Set(commentEvents.map(\.event.resourceID)))
        let known = try database.commentFiles(source: .frameio, ids: ids)
        var files: [String: String] = [:]  // file id → account id
        var asked = Set<String>()
        for (accountID, event) in commentEvents {
            let id = event.resourceID
            if let file = known[id] {
                files[file] = accountID
                continue
            }
            guard !Self.isDeletion(event.eventType), asked.insert(id).inserted else { continue }
            do {
                let comment = try await client.comment(accountID: accountID, id: id)
                minimumRequests += 1
                if let file = comment.fileID { files[file] = accountID }
            } catch  where FrameIOV4Client.isGone(error) {
                minimumRequests += 1
            }
        }
        let catalogued = try database.items(source: .frameio, ids: Array(files.keys))
        for (fileID, accountID) in files.sorted(by: { $0.key < $1.key }) where !gone.contains(fileID) {
            comments.enqueue(CommentedFile(accountID: accountID, fileID: fileID, mime: stagedFiles[fileID]?.mime ?? catalogued[fileID]?.mime))
        }
    }
}

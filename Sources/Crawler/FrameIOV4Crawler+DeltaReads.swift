import CatalogCore
import CatalogStore
import Foundation
import FrameIOV4Client
import Logging

/// How a V4 delta reads the assets the audit log names (docs/crawling.md, "Frame.io V4
/// delta"). V4 has no call that returns many assets by id or by update time (its search takes a
/// text query and filters only by type), so the cheapest way to many changed assets is the
/// listing of the folder they share, and people change assets in batches, folder by folder.
extension FrameIOV4Crawler.Walk {
    /// The audit log's resource types that are assets: `asset` (a file or a version stack) and
    /// `folder`, the names of the other kinds in case the service logs them so, and
    /// `asset_metadata` (metadata edits). Events on comments, shares, users and the rest change
    /// nothing the catalog holds.
    static let assetResourceTypes: Set<String> = ["asset", "folder", "file", "version_stack", "asset_metadata"]

    /// The assets changed since the watermark as they are now, by id, and the ids that are gone,
    /// read with as few requests as the changes allow:
    /// 1. a container (folder, version stack, project root) the catalog says holds at least two
    ///    changed assets, and that lists in fewer pages than that, is listed once;
    /// 2. the remaining changed folders and stacks are read one by one, and every new container
    ///    found so far is walked with its whole subtree (which finds what was added inside it);
    /// 3. the remaining changed files are read one by one; when the read of a new or moved file
    ///    names the folder it is in now and more new or moved assets of its project wait, that
    ///    folder is listed once in the hope they are there (a project stops hoping when its
    ///    listings have found none of them more often than some);
    /// 4. new containers found since are walked, and each changed stack's versions listed.
    /// An asset moved away from the folder listed for it, or answered 404, is read alone.
    mutating func readChanged(_ changed: [String: V4AuditEvent], moved: Set<String>) async throws -> (
        found: [String: V4Asset], gone: Set<String>
    ) {
        let database = crawler.database
        let catalogued = try database.items(source: .frameio, ids: Array(changed.keys))
        collected = [:]
        var gone = Set<String>()
        func waiting(_ id: String) -> Bool { collected?[id] == nil && !gone.contains(id) }

        // 1. Containers holding two changed assets or more (a moved asset is no longer where the
        //    catalog has it), largest first.
        var expected: [String: [String]] = [:]
        for (id, item) in catalogued where !moved.contains(id) {
            if let parent = item.parentID { expected[parent, default: []].append(id) }
        }
        expected = expected.filter { $0.value.count >= 2 }
        let sizes = try database.childCounts(source: .frameio, of: Array(expected.keys))
        let parents = try database.items(source: .frameio, ids: Array(expected.keys))
        for (parentID, ids) in expected.sorted(by: { ($0.value.count, $1.key) > ($1.value.count, $0.key) }) {
            let left = ids.filter(waiting).count
            guard minimum(sizes[parentID] ?? 0) < left, let container = container(parentItemID: parentID, parent: parents[parentID]) else { continue }
            try await collectChildren(of: container)
        }
        // 2. Folders and stacks, then what is new inside them.
        let order = changed.keys.sorted()
        func isContainer(_ id: String) -> Bool {
            if let kind = catalogued[id]?.kind { return kind.isContainer }
            return ["folder", "version_stack"].contains(changed[id]?.resourceType ?? "")
        }
        for id in order where isContainer(id) && waiting(id) {
            try await readAlone(id, kind: catalogued[id]?.kind, event: changed[id], gone: &gone)
        }
        try await walkNewContainers()
        // 3. Files, hoping the folder a new or moved file is in now holds the other new or moved
        //    files of its project (uploaded, restored or moved together).
        var hope: [String: (hits: Int, misses: Int)] = [:]
        func unplaced(_ id: String) -> Bool { catalogued[id] == nil || moved.contains(id) }
        for id in order where !isContainer(id) && waiting(id) {
            guard let asset = try await readAlone(id, kind: catalogued[id]?.kind, event: changed[id], gone: &gone), unplaced(id),
                let projectID = asset.projectID ?? changed[id]?.projectID, let parentID = asset.parentID, !seenContainers.contains(parentID)
            else { continue }
            // A project keeps hoping while its listings found the others at least as often as not.
            let record = hope[projectID, default: (0, 0)]
            let others = order.filter { $0 != id && unplaced($0) && waiting($0) && changed[$0]?.projectID == projectID }
            guard record.misses <= record.hits, others.count >= 2, let container = try container(ofAssetParent: parentID, projectID: projectID)
            else { continue }
            try await collectChildren(of: container)
            let hits = others.count { !waiting($0) }
            hope[projectID] = hits > 0 ? (record.hits + 1, record.misses) : (record.hits, record.misses + 1)
            crawler.logger.trace(
                "listed the folder a read named",
                metadata: [
                    "folder": "\(parentID)", "after": "\(changed[id]?.eventType ?? "") \(id)", "found": "\(hits) of \(others.count)",
                ])
        }
        // 4. New containers found since, and the versions of each changed stack.
        try await walkNewContainers()
        let stacks = (collected ?? [:]).values.filter { $0.type == .versionStack && changed[$0.id] != nil && !seenContainers.contains($0.id) }
        for stack in stacks.sorted(by: { $0.id < $1.id }) {
            guard let projectID = stack.projectID ?? changed[stack.id]?.projectID, let root = listedProjects[projectID]?.root else { continue }
            try await collectChildren(
                of: FrameIOV4Crawler.Container(
                    accountID: root.accountID, assetID: stack.id, parentItemID: stack.id, path: "", projectID: projectID, depth: 1, isStack: true))
        }
        let found = collected ?? [:]
        collected = nil
        return (found, gone.subtracting(found.keys))
    }

    /// The container a catalogued parent item is: a project (its root folder), a folder or a
    /// version stack; nil for anything else.
    func container(parentItemID: String, parent: CatalogItem?) -> FrameIOV4Crawler.Container? {
        if let root = listedProjects[parentItemID]?.root { return root }
        guard let parent, parent.kind.isContainer, parent.kind != .project, let projectID = parent.projectID,
            let root = listedProjects[projectID]?.root
        else { return nil }
        return FrameIOV4Crawler.Container(
            accountID: root.accountID, assetID: parentItemID, parentItemID: parentItemID, path: "", projectID: projectID, depth: 1,
            isStack: parent.kind == .versionStack)
    }

    /// The container an asset's `parent_id` names: a project's root folder, or a folder or stack
    /// read in this delta or catalogued.
    func container(ofAssetParent parentID: String, projectID: String) throws -> FrameIOV4Crawler.Container? {
        guard let root = listedProjects[projectID]?.root else { return nil }
        if parentID == root.assetID { return root }
        let isStack: Bool
        if let asset = collected?[parentID] {
            guard asset.isContainer else { return nil }
            isStack = asset.type == .versionStack
        } else if let item = try crawler.database.items(source: .frameio, ids: [parentID])[parentID], item.kind.isContainer {
            isStack = item.kind == .versionStack
        } else {
            return nil
        }
        return FrameIOV4Crawler.Container(
            accountID: root.accountID, assetID: parentID, parentItemID: parentID, path: "", projectID: projectID, depth: 1, isStack: isStack)
    }

    /// Lists one container's children (not deeper) into ``collected``.
    mutating func collectChildren(of container: FrameIOV4Crawler.Container) async throws {
        guard seenContainers.insert(container.assetID).inserted else { return }
        let client = self.client
        let children =
            container.isStack
            ? try await readList("versions of version stack \(container.assetID)") {
                try await client.versions(accountID: container.accountID, stackID: container.assetID, after: $0)
            }
            : try await readList("children of folder \(container.assetID)") {
                try await client.folderChildren(.all, accountID: container.accountID, folderID: container.assetID, after: $0)
            }
        for var asset in children {
            if asset.parentID == nil { asset.parentID = container.assetID }
            collected?[asset.id] = asset
        }
    }

    /// Reads one asset by the call its kind takes (the catalog's kind, else the log's resource
    /// type; an `asset` not catalogued is tried as a file, then as a version stack) into
    /// ``collected``; nil and counted gone when the service answers 404.
    @discardableResult
    mutating func readAlone(_ id: String, kind: ItemKind?, event: V4AuditEvent?, gone: inout Set<String>) async throws -> V4Asset? {
        guard let projectID = event?.projectID, let root = listedProjects[projectID]?.root else { return nil }
        let client = self.client
        let account = root.accountID
        var calls: [() async throws -> V4Asset] = []
        switch kind {
        case .folder: calls = [{ try await client.folder(accountID: account, id: id) }]
        case .versionStack: calls = [{ try await client.versionStack(accountID: account, id: id) }]
        case .some: calls = [{ try await client.file(accountID: account, id: id) }]
        case nil:
            switch event?.resourceType {
            case "folder": calls = [{ try await client.folder(accountID: account, id: id) }]
            case "version_stack": calls = [{ try await client.versionStack(accountID: account, id: id) }]
            default:
                calls = [{ try await client.file(accountID: account, id: id) }, { try await client.versionStack(accountID: account, id: id) }]
            }
        }
        for call in calls {
            minimumRequests += 1
            do {
                let asset = try await call()
                collected?[id] = asset
                return asset
            } catch  where FrameIOV4Client.isGone(error) {
                continue
            }
        }
        gone.insert(id)
        return nil
    }

    /// Walks, collecting, every container found in this delta that the catalog does not hold
    /// and that was not listed yet: what a new, restored or moved-in folder holds.
    mutating func walkNewContainers() async throws {
        let containers = (collected ?? [:]).values.filter { $0.isContainer && !seenContainers.contains($0.id) }
        guard !containers.isEmpty else { return }
        let catalogued = try crawler.database.items(source: .frameio, ids: containers.map(\.id))
        let fresh = containers.filter { catalogued[$0.id] == nil }.sorted { $0.id < $1.id }.compactMap { asset -> FrameIOV4Crawler.Container? in
            guard let projectID = asset.projectID, let root = listedProjects[projectID]?.root else { return nil }
            return FrameIOV4Crawler.Container(
                accountID: root.accountID, assetID: asset.id, parentItemID: asset.id, path: "", projectID: projectID, depth: 1,
                isStack: asset.type == .versionStack)
        }
        try await walkAssets(fresh)
    }
}

import CatalogCore
import CatalogStore
import Foundation
import FrameIOClient
import HTTPSupport
import Logging

/// The Frame.io delta refresh (docs/crawling.md, "Delta refresh"): accounts, teams and
/// projects are re-listed (a few requests), changed assets come from `POST /search/library`
/// (`updated_at gte` the watermark), deletions from the trash of changed projects, and a project
/// whose change the search cannot account for is re-walked, alone.
/// What the catalog held before a Frame.io delta, read lazily.
struct FrameIODelta {
    let database: any CrawlStore
    /// Catalogued items looked up so far (nil: not catalogued).
    private var cache: [String: CatalogItem?] = [:]
    /// Catalogued projects by id.
    let catalogProjects: [String: CatalogItem]

    init(database: any CrawlStore) throws {
        self.database = database
        catalogProjects = Dictionary(try database.items(source: .frameio, kind: .project).map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// The catalogued item with this id, if any.
    mutating func item(_ id: String) throws -> CatalogItem? {
        if let cached = cache[id] { return cached }
        let item = try database.items(source: .frameio, ids: [id])[id]
        cache[id] = item
        return item
    }

    /// Looks up many ids at once (filling the cache).
    mutating func prefetch(_ ids: [String]) throws {
        let missing = ids.filter { cache[$0] == nil }
        let found = try database.items(source: .frameio, ids: missing)
        for id in missing { cache[id] = found[id] }
    }

    /// `file_count` and `folder_count` of a project, as its service record gives them.
    static func serviceCounts(_ project: FrameIOProject?) -> (files: Int64, folders: Int64)? {
        guard let files = project?.fileCount, let folders = project?.folderCount else { return nil }
        return (files, folders)
    }
}

extension FrameIOCrawler.Walk {
    /// After the hierarchy was re-listed: reads what changed, stages it, and returns the ids gone.
    mutating func refresh(_ delta: inout FrameIODelta, since: Date) async throws -> Set<String> {
        // 1. Projects: new ones are walked whole; vanished ones are deleted with what they hold;
        //    a changed record (updated_at, counts, storage, name) marks a project to look into.
        var rewalk = Set<String>()
        var changed = Set<String>()
        for (id, listed) in projects {
            guard let old = delta.catalogProjects[id] else {
                rewalk.insert(id)
                continue
            }
            if old.digest != listed.item.digest || old.path != listed.item.path { changed.insert(id) }
        }
        var deleted = Set<String>()
        for id in delta.catalogProjects.keys where projects[id] == nil {
            deleted.formUnion(try crawler.database.itemIDs(source: .frameio, projectID: id))
        }
        // 2. Changed assets: one search per account; where it holds more than the search can be
        //    trusted for, one per changed project; where that is still too many, a re-walk.
        var found: [String: FrameIOAsset] = [:]
        // A project shared from a team the user is not on may come without its account (the
        // reference's example has no team.account_id): its root asset names it; failing that,
        // the project is walked again, so a delta never leaves it stale.
        for (id, listed) in projects.sorted(by: { $0.key < $1.key }) where listed.accountID == nil && !rewalk.contains(id) {
            minimumRequests += 1
            if let account = try? await client.asset(id: listed.root.assetID).accountID {
                projects[id]?.accountID = account
            } else {
                rewalk.insert(id)
            }
        }
        let accounts = Set(projects.values.compactMap(\.accountID)).sorted()
        for account in accounts {
            let inAccount = projects.values.filter { $0.accountID == account }.map(\.project.id)
            let page = try await client.searchLibrary(accountID: account, updatedSince: since)
            minimumRequests += 1
            if Self.isComplete(page) {
                for asset in page.elements { found[asset.id] = asset }
                continue
            }
            // The first page still names projects that changed, whatever their records say.
            for asset in page.elements { if let p = asset.projectID, projects[p] != nil { changed.insert(p) } }
            for projectID in inAccount.sorted() where changed.contains(projectID) && !rewalk.contains(projectID) {
                let page = try await client.searchLibrary(accountID: account, projectID: projectID, updatedSince: since)
                minimumRequests += 1
                if Self.isComplete(page) {
                    for asset in page.elements { found[asset.id] = asset }
                } else {
                    rewalk.insert(projectID)
                }
            }
        }
        for asset in found.values { if let p = asset.projectID, projects[p] != nil { changed.insert(p) } }
        // 3. Deletions: the trash of every changed project, with everything under a deleted container.
        var trashed = Set<String>()
        for projectID in changed.subtracting(rewalk).sorted() {
            let client = self.client
            let assets = try await listAll("trash:\(projectID)", what: "trash of project \(projectID)") {
                try await client.trash(projectID: projectID, page: $0)
            }
            trashed.formUnion(assets.map(\.id))
        }
        try delta.prefetch(Array(found.keys) + Array(trashed))
        var gone = Set<String>()
        var frontier: [String] = []
        for id in trashed where found[id] == nil {
            if let item = try delta.item(id), !rewalk.contains(item.projectID ?? "") {
                gone.insert(id)
                frontier.append(id)
            }
        }
        while !frontier.isEmpty {
            let children = try crawler.database.children(source: .frameio, of: frontier)
            frontier = []
            for child in children where found[child.id] == nil && gone.insert(child.id).inserted { frontier.append(child.id) }
        }
        // 4. Items for what was found, with paths resolved through the new tree.
        var resolver = PathResolver(projects: projects.values.map { ($0.project.id, $0.project.rootAssetID, $0.item.path) })
        func place(_ id: String) throws -> PathResolver.Place? {
            if let asset = found[id], let parent = asset.parentID { return (asset.name.isEmpty ? asset.id : asset.name, parent) }
            if let item = try delta.item(id), let parent = item.parentID, item.kind != .project { return (item.name, parent) }
            return nil
        }
        var staged: [CatalogItem] = []
        for asset in found.values.sorted(by: { $0.id < $1.id }) {
            guard let projectID = asset.projectID, projects[projectID] != nil, !rewalk.contains(projectID),
                let parent = asset.parentID,
                let (parentItemID, parentPath) = try resolver.parent(parent, place: place)
            else {
                // Not placeable from what is known (e.g. under a folder the catalog never saw).
                if let projectID = asset.projectID, projects[projectID] != nil { rewalk.insert(projectID) }
                continue
            }
            staged.append(crawler.mapper.item(for: asset, parentID: parentItemID, parentPath: parentPath, projectID: projectID))
        }
        staged.removeAll { rewalk.contains($0.projectID ?? "") }
        // 5. Reconcile: in each changed project, the catalog must gain or lose as many files and
        //    folders as the service's counts did; where it does not, something was missed (a
        //    purge, a truncated search), and the project is re-walked.
        var net: [String: (files: Int64, folders: Int64)] = [:]
        func count(_ kind: ItemKind, _ project: String?, _ sign: Int64) {
            guard let project, kind != .project else { return }
            if kind == .folder { net[project, default: (0, 0)].folders += sign } else { net[project, default: (0, 0)].files += sign }
        }
        for item in staged {
            let old = try delta.item(item.id)
            if old?.projectID != item.projectID {
                count(item.kind, item.projectID, 1)
                if let old { count(old.kind, old.projectID, -1) }
            }
        }
        for id in gone { if let old = try delta.item(id) { count(old.kind, old.projectID, -1) } }
        for projectID in changed.subtracting(rewalk) {
            guard let listed = projects[projectID], let old = delta.catalogProjects[projectID],
                let before = FrameIODelta.serviceCounts(FrameIOProject(storedRecord: old.record)),
                let after = FrameIODelta.serviceCounts(listed.project)
            else { continue }
            let ours = net[projectID] ?? (0, 0)
            if ours.files != after.files - before.files || ours.folders != after.folders - before.folders {
                crawler.logger.info(
                    "re-walking a project whose counts do not add up",
                    metadata: [
                        "project": "\(projectID)", "files": "\(ours.files) vs \(after.files - before.files)",
                        "folders": "\(ours.folders) vs \(after.folders - before.folders)",
                    ])
                rewalk.insert(projectID)
            }
        }
        staged.removeAll { rewalk.contains($0.projectID ?? "") }
        gone = try gone.filter { id in
            guard let projectID = try delta.item(id)?.projectID else { return true }
            return !rewalk.contains(projectID)
        }
        for item in staged { try await emit(item) }
        // 6. Containers whose path changed carry everything under them along.
        var moved: [(id: String, path: String)] = []
        for item in staged where item.kind != .file {
            if let old = try delta.item(item.id), old.path != item.path { moved.append((item.id, item.path)) }
        }
        for listed in projects.values where !rewalk.contains(listed.project.id) {
            if let old = delta.catalogProjects[listed.project.id], old.path != listed.item.path {
                moved.append((listed.project.id, listed.item.path))
            }
        }
        let stagedIDs = Set(staged.map(\.id))
        while !moved.isEmpty {
            let paths = Dictionary(moved.map { ($0.id, $0.path) }, uniquingKeysWith: { a, _ in a })
            moved = []
            for child in try crawler.database.children(source: .frameio, of: Array(paths.keys)) {
                guard !stagedIDs.contains(child.id), !gone.contains(child.id), let parentPath = paths[child.parentID ?? ""] else { continue }
                var item = child
                item.path = ItemPath.join(parentPath, child.name)
                try await emit(item)
                if child.kind != .file { moved.append((child.id, item.path)) }
            }
        }
        // 7. Re-walk the projects that need it; what they no longer hold is gone.
        let roots = rewalk.sorted().compactMap { projects[$0]?.root }
        if !roots.isEmpty {
            try await walkAll(roots)
            for projectID in rewalk where delta.catalogProjects[projectID] != nil {
                for id in try crawler.database.itemIDs(source: .frameio, projectID: projectID) where !(emitted?.contains(id) ?? false) {
                    gone.insert(id)
                }
            }
        }
        return deleted.union(gone).subtracting(emitted ?? [])
    }

    /// Whether a search page holds every result: within what the search is trusted for, and as
    /// many elements as its total says.
    static func isComplete(_ page: FrameIOPage<FrameIOAsset>) -> Bool {
        guard let total = page.total else { return page.elements.count < FrameIOClient.searchTrustLimit }
        return total <= FrameIOClient.searchTrustLimit && page.elements.count == total
    }
}

import CatalogCore
import Foundation

/// What a mutation of the Frame.io dataset changed, so tests can compare a refresh with it.
public struct FrameIOMutationReport: Sendable, Equatable {
    /// Files whose label changed.
    public var edited: [String] = []
    /// Files renamed.
    public var renamed: [String] = []
    /// Files moved to another folder of their project.
    public var moved: [String] = []
    /// New files.
    public var added: [String] = []
    /// Files moved to the project's trash.
    public var deleted: [String] = []
    /// New versions added to version stacks.
    public var versioned: [String] = []
    /// Folders renamed (everything under them changes path without changing date).
    public var renamedFolders: [String] = []
    /// Folders moved to the trash with everything under them.
    public var deletedFolders: [String] = []
    /// Files removed for good: in no date query and not in the trash.
    public var purged: [String] = []
    /// New projects (with a few files).
    public var addedProjects: [String] = []

    /// Every asset touched directly.
    public var total: Int {
        edited.count + renamed.count + moved.count + added.count + deleted.count + versioned.count + renamedFolders.count
            + deletedFolders.count + purged.count
    }

    /// As JSON, for the sandbox's admin endpoint.
    public var json: JSONValue {
        func list(_ ids: [String]) -> JSONValue { .array(ids.map { .string($0) }) }
        return .object([
            ("edited", list(edited)), ("renamed", list(renamed)), ("moved", list(moved)), ("added", list(added)),
            ("deleted", list(deleted)), ("versioned", list(versioned)), ("renamedFolders", list(renamedFolders)),
            ("deletedFolders", list(deletedFolders)), ("purged", list(purged)), ("addedProjects", list(addedProjects)),
        ])
    }
}

extension FrameIODataset {
    /// Changes about `rate` of the live files (at least one of each kind of change), as people do
    /// between two crawls: label edits, renames, moves, uploads, deletions to the trash, new
    /// versions; and once each: a folder renamed, a folder deleted, a file purged without a trace,
    /// a new project; with `purge`, a file removed for good. Every change dates the asset and its
    /// project `now`.
    public mutating func mutate(rate: Double, seed: UInt64, now: Date, purge purgeOne: Bool = false) -> FrameIOMutationReport {
        var rng = SeededGenerator(seed: seed ^ 0xF4A3)
        var report = FrameIOMutationReport()
        let stamp = Timestamp.format(now).replacingOccurrences(of: "Z", with: ".000000Z")
        // Live assets, found from the project roots.
        var files: [Int] = []  // not versions
        var folders: [Int] = []
        var stacks: [Int] = []
        var containersByProject: [String: [String]] = [:]
        for project in projects {
            containersByProject[project.id] = [project.rootAssetID]
            var stack = [project.rootAssetID]
            while let parent = stack.popLast() {
                for i in childrenByParent[parent] ?? [] where assets[i].deletedAt == nil {
                    switch assets[i].type {
                    case "folder":
                        folders.append(i)
                        containersByProject[project.id, default: []].append(assets[i].id)
                        stack.append(assets[i].id)
                    case "version_stack":
                        stacks.append(i)
                    default:
                        files.append(i)
                    }
                }
            }
        }
        guard !files.isEmpty, !projects.isEmpty else { return report }
        var touchedProjects = Set<String>()
        var touched = Set<Int>()
        var purge = Set<Int>()
        func pick(_ from: [Int]) -> Int? {
            guard !from.isEmpty else { return nil }
            for _ in 0..<100 {
                let i = from[Int(rng.next() % UInt64(from.count))]
                if touched.insert(i).inserted { return i }
            }
            return nil
        }
        func date(_ i: Int) {
            assets[i].updatedAt = stamp
            touchedProjects.insert(assets[i].projectID)
        }
        func newFile(in parent: String, project: String, name: String, index: Int) -> Asset {
            let hash = String(rng.next(), radix: 16)
            return Asset(
                id: Self.uuid(0x1F, rng.next() >> 16, seed), name: name, type: "file", parentID: parent, projectID: project,
                filesize: Int64(rng.next() % 1_000_000_000) + 1024, filetype: "video/quicktime",
                xxHash: String(repeating: "0", count: 16 - hash.count) + hash, hasChecksums: true, label: nil,
                insertedAt: stamp, updatedAt: stamp, deletedAt: nil, index: index, extra: [])
        }
        let count = max(6, Int((Double(files.count) * rate).rounded()))
        for n in 0..<count {
            let kind = n < 6 ? n : [0, 0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 5][Int(rng.next() % 16)]
            switch kind {
            case 0:
                guard let i = pick(files) else { continue }
                assets[i].label = assets[i].label == "approved" ? "needs_review" : "approved"
                date(i)
                report.edited.append(assets[i].id)
            case 1:
                guard let i = pick(files) else { continue }
                assets[i].name = "renamed_\(n)_" + assets[i].name
                date(i)
                report.renamed.append(assets[i].id)
            case 2:
                guard let i = pick(files), let targets = containersByProject[assets[i].projectID], targets.count > 1 else { continue }
                var target = targets[Int(rng.next() % UInt64(targets.count))]
                while target == assets[i].parentID { target = targets[Int(rng.next() % UInt64(targets.count))] }
                assets[i].parentID = target
                assets[i].index = 10_000 + n
                date(i)
                report.moved.append(assets[i].id)
            case 3:
                let project = projects[Int(rng.next() % UInt64(projects.count))]
                let targets = containersByProject[project.id] ?? [project.rootAssetID]
                let parent = targets[Int(rng.next() % UInt64(targets.count))]
                assets.append(newFile(in: parent, project: project.id, name: "new_upload_\(n).mov", index: 20_000 + n))
                touched.insert(assets.count - 1)
                touchedProjects.insert(project.id)
                report.added.append(assets.last!.id)
            case 4:
                guard let i = pick(files) else { continue }
                assets[i].deletedAt = stamp
                date(i)
                report.deleted.append(assets[i].id)
            default:
                guard let s = pick(stacks) else { continue }
                let versions = childrenByParent[assets[s].id]?.count ?? 0
                let name = assets[s].name.replacingOccurrences(of: ".", with: "_v\(versions + 1).", options: .backwards)
                assets.append(newFile(in: assets[s].id, project: assets[s].projectID, name: name, index: versions + 1))
                touched.insert(assets.count - 1)
                date(s)
                report.versioned.append(assets.last!.id)
            }
        }
        // Once each: a folder renamed, a folder deleted, a file purged, a new project.
        if let f = pick(folders) {
            assets[f].name += " (renamed)"
            date(f)
            report.renamedFolders.append(assets[f].id)
        }
        if let f = pick(folders.filter { !(childrenByParent[assets[$0].id] ?? []).isEmpty }) {
            assets[f].deletedAt = stamp
            date(f)
            report.deletedFolders.append(assets[f].id)
        }
        if purgeOne, let i = pick(files) {
            purge.insert(i)
            touchedProjects.insert(assets[i].projectID)
            report.purged.append(assets[i].id)
        }
        if let team = teams.first, let account = accounts.first(where: { $0.id == team.accountID }) {
            let number = UInt64(projects.count) + (seed << 8)
            let project = Project(
                id: Self.uuid(0x1D, number, seed), name: "New Project \(projects.count + 1)", teamID: team.id, accountID: account.id,
                rootAssetID: Self.uuid(0x1E, number, seed), archivedAt: nil, insertedAt: stamp, updatedAt: stamp, isTeamProject: true,
                isShared: false)
            projects.append(project)
            for k in 0..<3 {
                assets.append(newFile(in: project.rootAssetID, project: project.id, name: "kickoff_\(k + 1).mov", index: k))
            }
            report.addedProjects.append(project.id)
        }
        for p in projects.indices where touchedProjects.contains(projects[p].id) { projects[p].updatedAt = stamp }
        if !purge.isEmpty { assets = assets.enumerated().filter { !purge.contains($0.offset) }.map(\.element) }
        reindex()
        return report
    }
}

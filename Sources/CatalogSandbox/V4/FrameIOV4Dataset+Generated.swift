import CatalogCore
import Foundation

extension FrameIOV4Dataset {
    /// A deterministic V4 account of about `target` assets (folders, files, version stacks and
    /// their versions): two workspaces the user is in, one the user is not in with an invited
    /// project, `max(2, target / 5000)` projects (the second inactive), folders up to four deep,
    /// version stacks of two to four versions (`stacks` in 100 assets placed, 2 by default: 0 for
    /// an account of folders and files), uploads in progress, and metadata values on a third of
    /// the files; comments on `comments` of the files (a share, 0.15 by default).
    public static func generated(assets target: Int, seed: UInt64 = 1, stacks: Int = 2, comments: Double = 0.15) -> FrameIOV4Dataset {
        var rng = SeededGenerator(seed: seed ^ 0x5634)
        func id(_ namespace: UInt64, _ number: UInt64) -> String { FrameIODataset.uuid(namespace, number, seed) }
        func date() -> String {
            let seconds = 1_704_067_200 + Double(rng.next() % 75_000_000)
            return Timestamp.format(Date(timeIntervalSince1970: seconds)).replacingOccurrences(of: "Z", with: ".000000Z")
        }
        var data = FrameIOV4Dataset(user: User(id: id(0x40A, 1), name: "Sandbox User", email: "sandbox@example.com"))
        data.users = [data.user] + (2...6).map { User(id: id(0x40A, UInt64($0)), name: "Crew Member \($0)", email: "crew\($0)@example.com") }
        let account = Account(id: id(0x40B, 1), displayName: "Generated Studio", createdAt: date(), updatedAt: date())
        data.accounts = [account]
        data.workspaces = [
            Workspace(id: id(0x40C, 1), accountID: account.id, name: "Post Production", createdAt: date(), updatedAt: date(), isMember: true),
            Workspace(id: id(0x40C, 2), accountID: account.id, name: "Marketing", createdAt: date(), updatedAt: date(), isMember: true),
            Workspace(id: id(0x40C, 3), accountID: account.id, name: "Partners", createdAt: date(), updatedAt: date(), isMember: false),
        ]
        let options = ["Approved", "Needs Review", "In Progress", "Rejected"].enumerated().map { (id(0x40F, UInt64($0.offset)), $0.element) }
        data.fields = [
            FieldDefinition(id: id(0x40E, 1), accountID: account.id, name: "Review Status", fieldType: "select", options: options, mutable: true),
            FieldDefinition(id: id(0x40E, 2), accountID: account.id, name: "Notes", fieldType: "text", options: [], mutable: true),
            FieldDefinition(id: id(0x40E, 3), accountID: account.id, name: "Rating", fieldType: "rating", options: [], mutable: true),
            FieldDefinition(id: id(0x40E, 4), accountID: account.id, name: "Assignee", fieldType: "user_single", options: [], mutable: true),
        ]
        let projectCount = max(2, target / 5000)
        for p in 0..<projectCount {
            let invited = p == projectCount - 1 && projectCount > 2
            let workspace = invited ? data.workspaces[2] : data.workspaces[p % 2]
            data.projects.append(
                Project(
                    id: id(0x40D, UInt64(p)), accountID: account.id, workspaceID: workspace.id,
                    name: "\(FrameIODataset.projectWords[p % FrameIODataset.projectWords.count]) \(2024 + p % 3) #\(p + 1)",
                    rootFolderID: id(0x410, UInt64(p)), status: p == 1 ? "inactive" : "active", createdAt: date(), updatedAt: date(),
                    isInvited: invited))
        }
        var assets: [Asset] = []
        assets.reserveCapacity(target + 16)
        var number: UInt64 = 0
        func nextID() -> String {
            number += 1
            return id(0x411, number)
        }
        let extensions = FrameIODataset.mimeTypes.keys.sorted()
        func fileAsset(in parent: String, project: String, index: Int) -> Asset {
            let ext = extensions[Int(rng.next() % UInt64(extensions.count))]
            let word = FrameIODataset.fileWords[Int(rng.next() % UInt64(FrameIODataset.fileWords.count))]
            let uploading = rng.next() % 200 == 0
            var metadata: [(fieldID: String, value: JSONValue)] = []
            if rng.next() % 3 == 0 {
                let option = options[Int(rng.next() % UInt64(options.count))]
                metadata.append((data.fields[0].id, .array([.object([("id", .string(option.0)), ("display_name", .string(option.1))])])))
                metadata.append((data.fields[2].id, .number(String(1 + rng.next() % 5))))
                let user = data.users[Int(rng.next() % UInt64(data.users.count))]
                metadata.append((data.fields[3].id, .array([.object([("id", .string(user.id)), ("type", .string("user"))])])))
                if rng.next() % 2 == 0 { metadata.append((data.fields[1].id, .string("take \(index + 1) of \(word)"))) }
            }
            let created = date()
            return Asset(
                id: nextID(), type: "file", name: "\(word)_\(String(format: "%04d", index + 1)).\(ext)", parentID: parent, projectID: project,
                createdAt: created, updatedAt: created, fileSize: uploading ? 0 : Int64(1_000 + rng.next() % 5_000_000_000),
                mediaType: uploading ? nil : FrameIODataset.mimeTypes[ext], status: uploading ? "created" : "transcoded", metadata: metadata,
                extra: [])
        }
        var made = 0
        for (p, project) in data.projects.enumerated() {
            let quota = (target - made) / (projectCount - p)
            var containers: [(id: String, depth: Int)] = [(project.rootFolderID, 0)]
            var siblings: [String: Int] = [:]
            var produced = 0
            while produced < quota {
                let parent = containers[Int(rng.next() % UInt64(containers.count))]
                let index = siblings[parent.id, default: 0]
                siblings[parent.id] = index + 1
                let roll = rng.next() % 100
                if roll < 5 && parent.depth < 4 {
                    let created = date()
                    let folder = Asset(
                        id: nextID(), type: "folder",
                        name: "\(FrameIODataset.folderWords[Int(rng.next() % UInt64(FrameIODataset.folderWords.count))]) \(index + 1)",
                        parentID: parent.id, projectID: project.id, createdAt: created, updatedAt: created, fileSize: nil, mediaType: nil,
                        status: nil, metadata: [], extra: [])
                    assets.append(folder)
                    containers.append((folder.id, parent.depth + 1))
                    produced += 1
                } else if stacks > 0 && roll < 5 + UInt64(min(95, stacks)) {
                    let created = date()
                    let stack = Asset(
                        id: nextID(), type: "version_stack", name: "Cut \(index + 1)", parentID: parent.id, projectID: project.id,
                        createdAt: created, updatedAt: created, fileSize: nil, mediaType: nil, status: nil, metadata: [], extra: [])
                    assets.append(stack)
                    produced += 1
                    for version in 0..<Int(2 + rng.next() % 3) {
                        assets.append(fileAsset(in: stack.id, project: project.id, index: version))
                        produced += 1
                    }
                } else {
                    assets.append(fileAsset(in: parent.id, project: project.id, index: index))
                    produced += 1
                }
            }
            made += produced
        }
        data.assets = assets
        data.comments = generatedComments(assets: assets, users: data.users, rate: comments, seed: seed)
        return data
    }
}

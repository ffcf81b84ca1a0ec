import CatalogCore
import Foundation

extension FrameIODataset {
    /// A deterministic tree of about `assets` live assets (files, folders, version stacks and
    /// their versions) over 2 accounts, 3 teams and `max(2, assets / 5000)` projects, with one
    /// project shared from a foreign account, one team project also shared, an archived project,
    /// null and missing checksums, duplicate files and soft-deleted assets.
    public static func generated(assets target: Int, seed: UInt64 = 1) -> FrameIODataset {
        var rng = SeededGenerator(seed: seed)
        var data = FrameIODataset(userID: uuid(0xA, 1, seed), userName: "Sandbox User", userEmail: "sandbox@example.com")
        data.accounts = [
            Account(id: uuid(0xB, 1, seed), displayName: "Generated Studio", ownerName: "Ada Owner", ownerEmail: "ada@example.com"),
            Account(id: uuid(0xB, 2, seed), displayName: nil, ownerName: "Lin Producer", ownerEmail: "lin@example.com"),
        ]
        data.teams = [
            Team(id: uuid(0xC, 1, seed), name: "Post Production", accountID: data.accounts[0].id),
            Team(id: uuid(0xC, 2, seed), name: "Marketing", accountID: data.accounts[0].id),
            Team(id: uuid(0xC, 3, seed), name: "Editorial", accountID: data.accounts[1].id),
        ]
        let projectCount = max(2, target / 5000)
        let foreignTeam = uuid(0xC, 99, seed)
        let foreignAccount = uuid(0xB, 99, seed)
        for p in 0..<projectCount {
            let isForeign = p == projectCount - 1 && projectCount > 2
            let team = isForeign ? foreignTeam : data.teams[p % data.teams.count].id
            let account = isForeign ? foreignAccount : data.teams.first { $0.id == team }!.accountID
            data.projects.append(
                Project(
                    id: uuid(0xD, UInt64(p), seed), name: "\(projectWords[p % projectWords.count]) \(2024 + p % 3) #\(p + 1)",
                    teamID: team, accountID: account, rootAssetID: uuid(0xE, UInt64(p), seed),
                    archivedAt: p == 1 ? "2025-12-01T00:00:00.000000Z" : nil,
                    insertedAt: date(&rng), updatedAt: date(&rng), isTeamProject: !isForeign, isShared: isForeign || p == 0))
        }
        // Distribute assets over projects, each a tree of folders up to 3 deep.
        var made = 0
        var assetNumber: UInt64 = 0
        var checksums: [String] = []
        func nextID() -> String {
            assetNumber += 1
            return uuid(0xF, assetNumber, seed)
        }
        for (p, project) in data.projects.enumerated() {
            let quota = (target - made) / (projectCount - p)
            var containers: [(id: String, depth: Int)] = [(project.rootAssetID, 0)]
            var siblingIndex: [String: Int] = [:]
            var producedInProject = 0
            while producedInProject < quota {
                let parent = containers[Int(rng.next() % UInt64(containers.count))]
                let roll = rng.next() % 100
                let index = siblingIndex[parent.id, default: 0]
                siblingIndex[parent.id] = index + 1
                var asset = Asset(
                    id: nextID(), name: "", type: "file", parentID: parent.id, projectID: project.id, filesize: nil, filetype: nil,
                    xxHash: nil, hasChecksums: true, label: nil, insertedAt: date(&rng), updatedAt: "", deletedAt: nil, index: index,
                    extra: [])
                asset.updatedAt = asset.insertedAt
                if roll < 6 && parent.depth < 3 {
                    asset.type = "folder"
                    asset.name = "\(folderWords[Int(rng.next() % UInt64(folderWords.count))]) \(index + 1)"
                    containers.append((asset.id, parent.depth + 1))
                    data.assets.append(asset)
                    producedInProject += 1
                } else if roll < 9 {
                    asset.type = "version_stack"
                    asset.name = fileName(&rng, index: index)
                    data.assets.append(asset)
                    let versions = 2 + Int(rng.next() % 3)
                    for v in 1...versions {
                        var version = makeFile(&rng, id: nextID(), parent: asset.id, project: project.id, index: v, checksums: &checksums)
                        version.name = asset.name.replacingOccurrences(of: ".", with: "_v\(v).", options: .backwards)
                        data.assets.append(version)
                    }
                    producedInProject += 1 + versions
                } else {
                    var file = makeFile(&rng, id: nextID(), parent: parent.id, project: project.id, index: index, checksums: &checksums)
                    if rng.next() % 200 == 0 { file.deletedAt = "2026-01-02T03:04:05.000000Z" } else { producedInProject += 1 }
                    data.assets.append(file)
                }
            }
            made += producedInProject
        }
        data.reindex()
        return data
    }

    private static func makeFile(_ rng: inout SeededGenerator, id: String, parent: String, project: String, index: Int, checksums: inout [String])
        -> Asset
    {
        let name = fileName(&rng, index: index)
        let ext = CatalogItem.fileExtension(of: name) ?? "mov"
        var asset = Asset(
            id: id, name: name, type: "file", parentID: parent, projectID: project,
            filesize: Int64(rng.next() % 4_000_000_000) + 1024, filetype: mimeTypes[ext] ?? "application/octet-stream",
            xxHash: nil, hasChecksums: true, label: labels[Int(rng.next() % UInt64(labels.count))],
            insertedAt: date(&rng), updatedAt: "", deletedAt: nil, index: index, extra: [])
        asset.updatedAt = asset.insertedAt
        let roll = rng.next() % 100
        if roll < 5 {
            asset.xxHash = nil  // still processing: checksums.xx_hash null
        } else if roll < 8 {
            asset.hasChecksums = false  // an old upload without checksums
        } else if roll < 11, !checksums.isEmpty {
            asset.xxHash = checksums[Int(rng.next() % UInt64(checksums.count))]  // a duplicate upload
        } else {
            let hash = String(rng.next(), radix: 16)
            asset.xxHash = String(repeating: "0", count: 16 - hash.count) + hash
            if checksums.count < 10_000 { checksums.append(asset.xxHash!) }
        }
        return asset
    }

    private static func fileName(_ rng: inout SeededGenerator, index: Int) -> String {
        let word = fileWords[Int(rng.next() % UInt64(fileWords.count))]
        let ext = Array(mimeTypes.keys).sorted()[Int(rng.next() % UInt64(mimeTypes.count))]
        return "\(word)_\(String(format: "%04d", index + 1)).\(ext)"
    }

    private static func date(_ rng: inout SeededGenerator) -> String {
        let seconds = 1_704_067_200 + Double(rng.next() % 75_000_000)  // 2024-01-01 … 2026-05
        return Timestamp.format(Date(timeIntervalSince1970: seconds)).replacingOccurrences(of: "Z", with: ".000000Z")
    }

    /// A UUID-shaped id from a namespace, a number and the seed.
    static func uuid(_ namespace: UInt64, _ number: UInt64, _ seed: UInt64) -> String {
        String(
            format: "%08llx-%04llx-4%03llx-8%03llx-%012llx", seed & 0xFFFF_FFFF, namespace & 0xFFFF, (number >> 60) & 0xFFF,
            (number >> 48) & 0xFFF, number & 0xFFFF_FFFF_FFFF)
    }

    static let projectWords = [
        "Spring Campaign", "Documentary", "Brand Film", "Product Launch", "Festival Cut", "Series S01", "Podcast Video", "Trailer",
    ]
    static let folderWords = ["Dailies", "Selects", "Audio", "Graphics", "Exports", "Drone", "Interviews", "B-Roll", "Color", "VFX"]
    static let fileWords = [
        "interview", "broll", "drone_shot", "scene", "take", "master", "mix", "logo_anim", "titles", "cutdown", "teaser", "still", "timelapse",
        "gimbal", "voiceover",
    ]
    static let labels: [String?] = [nil, nil, "approved", "needs_review", "in_progress"]
    static let mimeTypes = [
        "mov": "video/quicktime", "mp4": "video/mp4", "wav": "audio/wav", "jpg": "image/jpeg", "png": "image/png",
        "pdf": "application/pdf", "mxf": "application/mxf", "psd": "image/vnd.adobe.photoshop",
    ]
}

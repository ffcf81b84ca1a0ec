import CatalogCore
import Crypto
import Foundation

/// A camera card for `catalog where` to check against the sandbox: clips and sound files of
/// seeded bytes, some uploaded to the sandbox's Dash (with their MD5) or Frame.io V4 (same name
/// and size: V4 keeps no checksum), one altered on the card after its upload, one never
/// uploaded. ``write(to:)`` puts it on disk; ``upload(to:)`` adds the uploads to datasets.
public struct SandboxCard: Sendable {
    /// Where a file of the card went.
    public enum Upload: Sendable, Equatable {
        /// To Dash, under another name: an exact copy (MD5).
        case dash(name: String)
        /// To Frame.io V4, same name and size: a probable copy.
        case frameIOV4
        /// To Dash, then the file on the card changed: no copy of what the card holds.
        case dashThenAltered(name: String)
        /// Nowhere.
        case none
    }

    public struct File: Sendable {
        /// Path on the card.
        public var path: String
        /// The bytes uploaded (what the services' catalogues describe).
        public var bytes: [UInt8]
        public var upload: Upload

        public init(path: String, bytes: [UInt8], upload: Upload) {
            self.path = path
            self.bytes = bytes
            self.upload = upload
        }
    }

    public var files: [File]

    /// A card of `files`.
    public init(files: [File]) { self.files = files }

    /// The card `A002`: six clips and two sound files.
    public static func generated(seed: UInt64 = 2026) -> SandboxCard {
        var random = SeededGenerator(seed: seed)
        func bytes(_ count: Int) -> [UInt8] { (0..<count).map { _ in UInt8.random(in: 0...255, using: &random) } }
        let plan: [(String, Int, Upload)] = [
            ("CLIPS/A002C001_260302_R1AB.mov", 96_000, .dash(name: "A002C001 hero take.mov")),
            ("CLIPS/A002C002_260302_R1AB.mov", 81_000, .dash(name: "A002C002_260302_R1AB.mov")),
            ("CLIPS/A002C003_260302_R1AB.mov", 120_000, .frameIOV4),
            ("CLIPS/A002C004_260302_R1AB.mov", 64_000, .frameIOV4),
            ("CLIPS/A002C005_260302_R1AB.mov", 72_000, .dashThenAltered(name: "A002C005_260302_R1AB.mov")),
            ("CLIPS/A002C006_260302_R1AB.mov", 58_000, .none),
            ("SOUND/A002_01.wav", 24_000, .dash(name: "A002_01 boom.wav")),
            ("SOUND/A002_02.wav", 22_000, .frameIOV4),
        ]
        return SandboxCard(files: plan.map { File(path: $0.0, bytes: bytes($0.1), upload: $0.2) })
    }

    /// The verdict `catalog where` gives for this card.
    public static let expectedVerdict =
        """
        6 of 8 files are in Frame.io or Dash: 3 exact, 3 probable; 2 missing: CLIPS/A002C005_260302_R1AB.mov (its Dash copy differs), \
        CLIPS/A002C006_260302_R1AB.mov
        """

    /// Writes the card under `folder` (created; it must not hold a card already): each file as
    /// uploaded, except the one altered since, whose first byte differs.
    public func write(to folder: String) throws {
        for file in files {
            let path = folder + "/" + file.path
            try FileManager.default.createDirectory(
                atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path, withIntermediateDirectories: true)
            var bytes = file.bytes
            if case .dashThenAltered = file.upload, !bytes.isEmpty { bytes[0] ^= 0xFF }
            guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
            }
        }
    }

    /// Adds the uploads: Dash assets with the uploaded bytes' MD5, and Frame.io V4 files of the
    /// same name and size in a `Card A002` folder of the first project.
    public func upload(to dash: inout DashDataset, _ v4: inout FrameIOV4Dataset) {
        let time = "2026-03-02T18:00:00.000Z"
        var order = (dash.assets.map(\.addedOrder).max() ?? 0) + 1
        var v4Assets = v4.assets
        if let project = v4.projects.first {
            let v4Time = "2026-03-02T18:00:00.000000Z"
            v4Assets.append(
                FrameIOV4Dataset.Asset(
                    id: "card-a002", type: "folder", name: "Card A002", parentID: project.rootFolderID, projectID: project.id, createdAt: v4Time,
                    updatedAt: v4Time, fileSize: nil, mediaType: nil, status: nil, metadata: [], extra: []))
            for (i, file) in files.enumerated() where file.upload == .frameIOV4 {
                let name = URL(fileURLWithPath: file.path).lastPathComponent
                v4Assets.append(
                    FrameIOV4Dataset.Asset(
                        id: "card-a002-\(i)", type: "file", name: name, parentID: "card-a002", projectID: project.id, createdAt: v4Time,
                        updatedAt: v4Time, fileSize: Int64(file.bytes.count), mediaType: name.hasSuffix(".wav") ? "audio/wav" : "video/quicktime",
                        status: "transcoded", metadata: [], extra: []))
            }
        }
        v4.assets = v4Assets
        for (i, file) in files.enumerated() {
            let name: String
            switch file.upload {
            case .dash(let uploaded), .dashThenAltered(let uploaded): name = uploaded
            case .frameIOV4, .none: continue
            }
            let ext = URL(fileURLWithPath: name).pathExtension.lowercased()
            dash.assets.append(
                DashDataset.Asset(
                    id: "card-a002-\(i)", filename: name, fileType: ext.uppercased(), size: Int64(file.bytes.count),
                    checksum: Digest.hex(bytes: Insecure.MD5.hash(data: file.bytes)), dateAdded: time, dateLastModified: time,
                    mediaType: ext == "wav" ? "audio" : "video", subType: ext == "wav" ? "wav" : "quicktime", state: "LIVE", metadata: [],
                    addedOrder: order))
            order += 1
        }
    }
}

import CatalogCore
import Foundation

extension DashDataset {
    /// A deterministic tenant of `assets` assets: a 4-level Folders tree, multi-value Keywords,
    /// single-choice Brand and Usage Rights, free-text Description and Photographer; assets in
    /// several folders and in none, every lifecycle state, files still processing (no checksum),
    /// re-uploaded duplicates, and a bulk import sharing one timestamp.
    public static func generated(assets count: Int, seed: UInt64) -> DashDataset {
        var rng = SeededGenerator(seed: seed ^ 0xDA5B)
        var dataset = DashDataset(
            accountID: uuid(1, 0, seed), userID: uuid(2, 0, seed), userEmail: "sandbox.user@example.com", foldersFieldID: uuid(3, 0, seed))
        func field(_ n: UInt64, _ name: String, fixed: Bool, tree: Bool = false, multi: Bool = false, control: String) -> Field {
            Field(id: uuid(3, n, seed), name: name, hasFixedOptions: fixed, hierarchical: tree, multiValue: multi, editControl: control)
        }
        let folders = field(0, "Folders", fixed: true, tree: true, multi: true, control: "CHECKBOX")
        let keywords = field(1, "Keywords", fixed: true, multi: true, control: "TAGS")
        let brand = field(2, "Brand", fixed: true, control: "DROPDOWN")
        let usage = field(3, "Usage Rights", fixed: true, control: "DROPDOWN")
        let description = field(4, "Description", fixed: false, control: "TEXT_AREA")
        let photographer = field(5, "Photographer", fixed: false, control: "TEXT")
        dataset.fields = [folders, keywords, brand, usage, description, photographer]

        var optionNumber: UInt64 = 0
        func addOption(_ fieldID: String, _ parent: String?, _ value: String, _ position: Int) -> String {
            optionNumber += 1
            let id = uuid(4, optionNumber, seed)
            dataset.options.append(Option(id: id, fieldID: fieldID, parentID: parent, value: value, position: position))
            return id
        }
        // Folders: 4 levels deep.
        var folderIDs: [String] = []
        for (a, root) in ["Campaigns", "Products", "Brand Library", "Archive"].enumerated() {
            let rootID = addOption(folders.id, nil, root, a)
            folderIDs.append(rootID)
            for (b, year) in ["2024", "2025", "2026"].enumerated() {
                let yearID = addOption(folders.id, rootID, year, b)
                folderIDs.append(yearID)
                for (c, season) in ["Spring", "Summer", "Autumn", "Winter"].enumerated() {
                    let seasonID = addOption(folders.id, yearID, season, c)
                    folderIDs.append(seasonID)
                    for (d, leaf) in ["Hero", "Social", "Print"].enumerated() {
                        folderIDs.append(addOption(folders.id, seasonID, leaf, d))
                    }
                }
            }
        }
        let keywordIDs = keywordWords.enumerated().map { addOption(keywords.id, nil, $1, $0) }
        let brandIDs = brandNames.enumerated().map { addOption(brand.id, nil, $1, $0) }
        let usageIDs = ["Web only", "All media", "Internal", "Editorial"].enumerated().map { addOption(usage.id, nil, $1, $0) }

        func pick<T>(_ array: [T]) -> T { array[Int(rng.next() % UInt64(array.count))] }
        var checksums: [String] = []
        let start: Int64 = 1_672_531_200_000  // 2023-01-01
        let span: Int64 = 120_000_000_000  // ~3.8 years
        let bulkTime = start + span / 2
        for i in 0..<count {
            let (ext, type, sub, fileType) = pick(fileTypes)
            let name = "\(pick(fileWords))_\(String(format: "%05d", i + 1)).\(ext)"
            var metadata: [(String, [String])] = []
            let roll = rng.next() % 100
            if roll >= 10 {
                var chosen: [String] = []
                for _ in 0..<(1 + Int(rng.next() % 3)) {
                    let id = pick(folderIDs)
                    if !chosen.contains(id) { chosen.append(id) }
                }
                metadata.append((folders.id, chosen))
            }
            var kws: [String] = []
            for _ in 0..<Int(rng.next() % 5) {
                let id = pick(keywordIDs)
                if !kws.contains(id) { kws.append(id) }
            }
            if !kws.isEmpty { metadata.append((keywords.id, kws)) }
            if rng.next() % 10 != 0 { metadata.append((brand.id, [pick(brandIDs)])) }
            if rng.next() % 10 < 7 { metadata.append((usage.id, [pick(usageIDs)])) }
            if rng.next() % 10 < 6 { metadata.append((description.id, ["\(pick(descriptionWords)) shot for \(pick(brandNames)), take \(i % 17)"])) }
            if rng.next() % 10 < 3 { metadata.append((photographer.id, [pick(photographers)])) }
            let checksum: String?
            let c = rng.next() % 100
            if c < 3 {
                checksum = nil  // still processing
            } else if c < 8, !checksums.isEmpty {
                checksum = pick(checksums)  // the same file uploaded again
            } else {
                checksum = String(format: "%016llx%016llx", rng.next(), rng.next())
                if checksums.count < 5_000 { checksums.append(checksum!) }
            }
            // One bulk import of 300 assets shares a timestamp; the rest spread over ~4 years.
            let modified = (i % 997 < 300 && i < 997) ? bulkTime : start + Int64(rng.next() % UInt64(span))
            let added = modified - Int64(rng.next() % 86_400_000)
            let stateRoll = rng.next() % 100
            let state = stateRoll < 85 ? "LIVE" : stateRoll < 92 ? "STAGED" : stateRoll < 96 ? "PENDING_APPROVAL" : "BINNED"
            dataset.assets.append(
                Asset(
                    id: uuid(5, UInt64(i + 1), seed), filename: name, fileType: fileType, size: Int64(1_000 + rng.next() % 4_000_000_000),
                    checksum: checksum, dateAdded: DashWireTime.format(added), dateLastModified: DashWireTime.format(modified), mediaType: type,
                    subType: sub, state: state, metadata: metadata, addedOrder: i + 1))
        }
        return dataset
    }

    static func uuid(_ namespace: UInt64, _ number: UInt64, _ seed: UInt64) -> String {
        FrameIODataset.uuid(namespace | 0xD000, number, seed)
    }

    static let fileTypes: [(String, String, String, String)] = [
        ("jpg", "image", "jpeg", "JPG"), ("png", "image", "png", "PNG"), ("tif", "image", "tiff", "TIFF"),
        ("mp4", "video", "mp4", "MP4"), ("mov", "video", "quicktime", "MOV"), ("wav", "audio", "wav", "WAV"),
        ("mp3", "audio", "mpeg", "MP3"), ("pdf", "application", "pdf", "PDF"),
        ("docx", "application", "vnd.openxmlformats-officedocument.wordprocessingml.document", "DOCX"),
    ]
    static let fileWords = ["hero", "lifestyle", "packshot", "banner", "portrait", "campaign", "logo", "jingle", "brief", "lookbook"]
    static let keywordWords = [
        "outdoor", "studio", "summer", "winter", "product", "people", "city", "beach", "mountain", "night", "food", "sport",
        "family", "team", "office", "nature", "aerial", "closeup", "wide", "black and white",
    ]
    static let brandNames = ["Acme", "Northwind", "Globex", "Initech", "Umbrella", "Hooli"]
    static let descriptionWords = ["Golden hour", "Overcast", "Studio", "Handheld", "Tripod", "Drone"]
    static let photographers = ["Ana Lima", "Jonas Berg", "Mei Chen", "Omar Haddad", "Zoë Dupont"]
}

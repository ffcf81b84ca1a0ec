import CatalogCore
import Foundation

/// What a mutation of a Dash tenant changed, so tests can compare a refresh with it.
public struct DashMutationReport: Sendable, Equatable {
    /// Assets whose metadata was edited (dateLastModified moved to now).
    public var edited: [String] = []
    /// Assets filed in other folders.
    public var moved: [String] = []
    /// Assets whose file name changed.
    public var renamed: [String] = []
    /// New assets.
    public var added: [String] = []
    /// Assets purged for good (most deletions in Dash go to the bin first: see ``binned``).
    public var deleted: [String] = []
    /// Assets moved to the bin (state BINNED).
    public var binned: [String] = []
    /// Assets whose file was replaced by an older one: dateLastModified moved into the past, so
    /// only a full (`--verify`) pass can see it.
    public var replaced: [String] = []
    /// Options whose value changed (assets filed under them change path without changing date).
    public var renamedOptions: [String] = []

    /// Every asset touched.
    public var total: Int { edited.count + moved.count + renamed.count + added.count + deleted.count + binned.count + replaced.count }

    /// As JSON, for the sandbox's admin endpoint.
    public var json: JSONValue {
        func list(_ ids: [String]) -> JSONValue { .array(ids.map { .string($0) }) }
        return .object([
            ("edited", list(edited)), ("moved", list(moved)), ("renamed", list(renamed)), ("added", list(added)),
            ("deleted", list(deleted)), ("binned", list(binned)), ("replaced", list(replaced)), ("renamedOptions", list(renamedOptions)),
        ])
    }
}

extension DashDataset {
    /// Changes about `rate` of the assets (at least 7, one of each kind of change), as people
    /// and the service do between two crawls, and renames one folder. `now` is the service's
    /// clock in milliseconds (edits are dated then; replacements are dated in the past).
    public mutating func mutate(rate: Double, seed: UInt64, now: Int64) -> DashMutationReport {
        var rng = SeededGenerator(seed: seed ^ 0x3A7E)
        var report = DashMutationReport()
        guard !assets.isEmpty else { return report }
        let count = max(7, Int((Double(assets.count) * rate).rounded()))
        let stamp = DashWireTime.format(now)
        let fieldsByName = Dictionary(fields.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let folderOptions = options.filter { $0.fieldID == foldersFieldID }.map(\.id)
        let brand = fieldsByName["Brand"].map { field in (field.id, options.filter { $0.fieldID == field.id }.map(\.id)) }
        var touched = Set<String>()
        var deletions = Set<String>()
        func pickIndex() -> Int? {
            for _ in 0..<100 {
                let i = Int(rng.next() % UInt64(assets.count))
                if touched.insert(assets[i].id).inserted { return i }
            }
            return nil
        }
        for n in 0..<count {
            let kind = n < 7 ? n : Int(rng.next() % 100)
            if kind == 3 || (kind >= 7 && kind < 17) {
                // A new asset.
                var asset = assets[Int(rng.next() % UInt64(assets.count))]
                let number = assets.count + report.added.count + 1
                asset.id = DashDataset.uuid(6, UInt64(number) ^ (seed << 20), seed)
                asset.filename = "new_upload_\(number).\(asset.filename.split(separator: ".").last ?? "jpg")"
                asset.checksum = String(format: "%016llx%016llx", rng.next(), rng.next())
                asset.dateAdded = stamp
                asset.dateLastModified = stamp
                asset.addedOrder = (assets.map(\.addedOrder).max() ?? 0) + 1
                assets.append(asset)
                touched.insert(asset.id)
                report.added.append(asset.id)
                continue
            }
            guard let i = pickIndex() else { break }
            switch kind {
            case 0, 17..<57:
                if let (fieldID, values) = brand, !values.isEmpty {
                    assets[i].metadata.removeAll { $0.fieldID == fieldID }
                    assets[i].metadata.append((fieldID, [values[Int(rng.next() % UInt64(values.count))]]))
                }
                assets[i].metadata.append((fields.first { !$0.hasFixedOptions }?.id ?? foldersFieldID, ["edited \(n)"]))
                assets[i].dateLastModified = stamp
                report.edited.append(assets[i].id)
            case 1, 57..<72:
                if folderOptions.count > 1 {
                    let current = assets[i].metadata.first { $0.fieldID == foldersFieldID }?.values.first
                    var target = folderOptions[Int(rng.next() % UInt64(folderOptions.count))]
                    while target == current { target = folderOptions[Int(rng.next() % UInt64(folderOptions.count))] }
                    assets[i].metadata.removeAll { $0.fieldID == foldersFieldID }
                    assets[i].metadata.insert((foldersFieldID, [target]), at: 0)
                }
                assets[i].dateLastModified = stamp
                report.moved.append(assets[i].id)
            case 2, 72..<82:
                assets[i].filename = "renamed_\(n)_" + assets[i].filename
                assets[i].dateLastModified = stamp
                report.renamed.append(assets[i].id)
            case 4, 82..<84:
                // Purged from the bin: gone without a trace in any date query.
                deletions.insert(assets[i].id)
                report.deleted.append(assets[i].id)
            case 5, 84..<98:
                assets[i].state = "BINNED"
                assets[i].dateLastModified = stamp
                report.binned.append(assets[i].id)
            default:
                // The file replaced by an older one: date moves into the past.
                assets[i].checksum = String(format: "%016llx%016llx", rng.next(), rng.next())
                assets[i].size += 1
                let past = (DashWireTime.parse(assets[i].dateAdded) ?? now) - 86_400_000
                assets[i].dateAdded = DashWireTime.format(past)
                assets[i].dateLastModified = DashWireTime.format(past)
                report.replaced.append(assets[i].id)
            }
        }
        assets.removeAll { deletions.contains($0.id) }
        // Rename one folder that has children: assets under it change path, not date.
        if let index = options.indices.first(where: { i in options[i].fieldID == foldersFieldID && options.contains { $0.parentID == options[i].id } }
        ) {
            options[index].value += " (renamed)"
            report.renamedOptions.append(options[index].id)
        }
        return report
    }
}

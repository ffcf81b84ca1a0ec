import CatalogCore
import GRDB

extension CatalogDatabase {
    /// Where the content `probe` describes is catalogued in Frame.io and Dash: exact matches by
    /// XXH64 (Frame.io v2) and MD5 (Dash); probable ones by name (case ignored) and size for
    /// Frame.io V4 items, which carry no checksum; pending ones for Frame.io v2 files of that
    /// name and size whose checksum is still null. Best matches first.
    ///
    /// - Parameter frameIOAPI: the API the catalogued Frame.io items came through (nil: none).
    public func copies(of probe: ContentProbe, frameIOAPI: ServiceAPI?) throws(StoreError) -> [CloudCopy] {
        try read { db in
            var found: [CloudCopy] = []
            var seen = Set<String>()
            func add(_ sql: String, _ arguments: StatementArguments, _ match: CopyMatch) throws {
                for row in try Row.fetchAll(
                    db, sql: "SELECT \(ItemRecord.selection) FROM item WHERE \(sql) ORDER BY source, path", arguments: arguments)
                {
                    let item = try ItemRecord(row: row).item
                    if seen.insert(item.source.rawValue + "\u{0}" + item.id).inserted { found.append(CloudCopy(item: item, match: match)) }
                }
            }
            if let xxh64 = probe.xxh64?.lowercased() {
                try add("xxh64 = ? AND source = 'frameio'", [xxh64], .exact)
            }
            if let md5 = probe.md5?.lowercased() {
                try add("md5 = ? AND source = 'dash'", [md5], .exact)
            }
            if frameIOAPI != nil {
                try add(
                    "kind = 'file' AND name = ? COLLATE NOCASE AND source = 'frameio' AND size = ? AND xxh64 IS NULL", [probe.name, probe.size],
                    frameIOAPI == .v4 ? .probable : .pending)
            }
            // No copy, but the same name and size with another digest: altered on one side since
            // the upload. Named, so the answer says why the file is missing.
            if found.isEmpty, let xxh64 = probe.xxh64?.lowercased() {
                try add(
                    "kind = 'file' AND name = ? COLLATE NOCASE AND source = 'frameio' AND size = ? AND xxh64 IS NOT NULL AND xxh64 != ?",
                    [probe.name, probe.size, xxh64], .differs)
            }
            if found.isEmpty, let md5 = probe.md5?.lowercased() {
                try add(
                    "name = ? COLLATE NOCASE AND source = 'dash' AND size = ? AND md5 IS NOT NULL AND md5 != ?",
                    [probe.name, probe.size, md5], .differs)
            }
            return found
        }
    }
}

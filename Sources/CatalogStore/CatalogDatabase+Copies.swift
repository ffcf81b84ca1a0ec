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
                for item in try ItemRecord.fetchAll(
                    db, sql: "SELECT \(ItemRecord.selection) FROM item WHERE \(sql) ORDER BY source, path", arguments: arguments
                ).map(\.item) {
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
            let counting = found.contains { Self.counted($0, size: probe.size, frameIOAPI: frameIOAPI).match < .uncounted }
            if !counting, let xxh64 = probe.xxh64?.lowercased() {
                try add(
                    "kind = 'file' AND name = ? COLLATE NOCASE AND source = 'frameio' AND size = ? AND xxh64 IS NOT NULL AND xxh64 != ?",
                    [probe.name, probe.size, xxh64], .differs)
            }
            if !counting, let md5 = probe.md5?.lowercased() {
                try add(
                    "name = ? COLLATE NOCASE AND source = 'dash' AND size = ? AND md5 IS NOT NULL AND md5 != ?",
                    [probe.name, probe.size, md5], .differs)
            }
            return found.map { Self.counted($0, size: probe.size, frameIOAPI: frameIOAPI) }.sorted { $0.match < $1.match }
        }
    }

    /// A copy as it counts before a wipe: only a live item of the file's size stands for it. A
    /// Dash asset that is not `LIVE` (binned, staged, awaiting approval) and an item of another
    /// size are `uncounted`, with why; a Frame.io V4 file still uploading (`created`) is pending,
    /// and one whose status is not `uploaded` or `transcoded` (none, `upload_failed`, one the
    /// catalog does not know) does not count either.
    static func counted(_ copy: CloudCopy, size: Int64, frameIOAPI: ServiceAPI? = nil) -> CloudCopy {
        guard copy.match != .differs else { return copy }
        var copy = copy
        let state = copy.item.state?.uppercased()
        if copy.item.source == .dash, state != "LIVE" {
            copy.match = .uncounted
            copy.note =
                copy.item.state.map { "its Dash asset is \($0 == "BINNED" ? "in the bin" : "not live") (\($0))" }
                ?? "its Dash asset's state is unknown"
        } else if copy.item.size != size {
            copy.match = .uncounted
            copy.note = "its \(copy.item.source.displayName) copy has another size (\(copy.item.size.map { "\($0) bytes" } ?? "unknown"))"
        } else if copy.item.source == .frameio, state == "CREATED" {
            copy.match = .pending
            copy.note = "still uploading"
        } else if copy.item.source == .frameio, frameIOAPI == .v4, state != "UPLOADED", state != "TRANSCODED" {
            copy.match = .uncounted
            copy.note = "its Frame.io file's upload is not known to be complete (status \(copy.item.state ?? "none"))"
        }
        return copy
    }
}

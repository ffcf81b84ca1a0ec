import CatalogCore
import Foundation

/// Writes ``CatalogChange``s (`catalog changes`) in one ``OutputFormat``, streaming (the table
/// keeps only its rows). Keys and columns are documented in docs/reports.md.
public struct ChangeWriter {
    /// The columns, in order; the same names are the JSON keys.
    public static let columns = [
        "crawl_id", "finished_at", "source", "id", "change", "kind", "name", "old_path", "new_path", "fields", "old_digest", "new_digest",
    ]

    private let format: OutputFormat
    private let sink: (borrowing [UInt8]) throws -> Void
    private var count = 0
    private var tableChanges: [CatalogChange] = []
    private let width: Int
    private var buffer: [UInt8] = []

    /// Creates a writer sending bytes to `sink`; a table is fitted to `width` terminal cells.
    public init(format: OutputFormat, width: Int = 160, sink: @escaping (borrowing [UInt8]) throws -> Void) {
        self.format = format
        self.width = width
        self.sink = sink
    }

    /// Writes whatever opens the document.
    public mutating func begin() throws {
        switch format {
        case .csv: buffer += Array(CSV.row(Self.columns).utf8)
        case .json: buffer += Array(ItemWriter.envelope("changes", list: "changes").utf8)
        case .ndjson, .table: break
        }
    }

    /// Writes one change.
    public mutating func write(_ change: CatalogChange) throws {
        switch format {
        case .csv:
            var cells = Self.texts(change).map { $0 ?? "" }
            cells[9] = change.fields.joined(separator: ",")
            buffer += Array(CSV.row(cells).utf8)
        case .json, .ndjson:
            if format == .json, count > 0 { buffer.append(UInt8(ascii: ",")) }
            var w = JSONWriter()
            Self.writeJSON(change, to: &w)
            buffer += w.bytes
            if format == .ndjson { buffer.append(0x0A) }
        case .table:
            tableChanges.append(change)
        }
        count += 1
        if buffer.count >= 1 << 16 { try flush() }
    }

    /// Writes `change` as one JSON object with the keys of ``columns``.
    public static func writeJSON(_ change: CatalogChange, to w: inout JSONWriter) {
        let texts = texts(change)
        w.appendRaw("{")
        for (i, key) in Self.columns.enumerated() {
            if i > 0 { w.appendRaw(",") }
            w.writeString(key)
            w.appendRaw(":")
            if key == "crawl_id" {
                w.appendRaw(String(change.crawlID))
            } else if key == "fields" {
                w.write(.array(change.fields.map { .string($0) }), canonical: false)
            } else if let text = texts[i] {
                w.writeString(text)
            } else {
                w.appendRaw("null")
            }
        }
        w.appendRaw("}")
    }

    /// The values of ``columns`` as text (nil where absent; `fields` is written apart).
    private static func texts(_ change: CatalogChange) -> [String?] {
        [
            String(change.crawlID), change.finishedAt.map(Timestamp.format), change.source.rawValue, change.id, change.change.rawValue,
            change.kind, change.name, change.oldPath, change.newPath, nil, change.oldDigest, change.newDigest,
        ]
    }

    /// Closes the document and flushes.
    public mutating func end() throws {
        switch format {
        case .json: buffer += Array("]}\n".utf8)
        case .table:
            let table = Self.table(tableChanges, width: width)
            rowsWritten = tableChanges.isEmpty ? 0 : max(0, table.split(separator: "\n").count - 1)
            buffer += Array(table.utf8)
        case .csv, .ndjson: break
        }
        if format != .table { rowsWritten = count }
        try flush()
    }

    /// Changes written so far.
    public var changeCount: Int { count }
    /// The rows written: the changes, or in a table fewer (a folder's rename is one row for the
    /// items it carried).
    public private(set) var rowsWritten = 0

    private mutating func flush() throws {
        guard !buffer.isEmpty else { return }
        try sink(buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    /// The table of `changes` for a person, fitted to `width`: one row per change, except that
    /// the items a folder's rename or move carried along are folded into the folder's row
    /// (`renamed  folder  Spring → Spring 2026  …  +412 items`); items moved together from one
    /// folder to another that the catalog holds no item for (Dash folders) are one row (`moved
    /// items`); and items changed only through a rename elsewhere (their record unchanged, the
    /// folders or metadata it names renamed) are one row per kind and fields.
    static func table(_ changes: [CatalogChange], width: Int) -> String {
        // Nothing: the command says "no changes" on stderr; stdout carries results only.
        guard !changes.isEmpty else { return "" }
        func key(_ change: CatalogChange, _ from: String, _ to: String) -> String {
            "\(change.crawlID)\u{0}\(change.source)\u{0}\(from)\u{0}\(to)"
        }
        func derivedKey(_ change: CatalogChange) -> String? {
            guard change.change == .modified, change.oldDigest == change.newDigest, !change.fields.isEmpty else { return nil }
            return "\(change.crawlID)\u{0}\(change.source)\u{0}\(change.kind)\u{0}\(change.fields)"
        }
        // Items carried by a move of the folder above them, by (crawl, source, from, to).
        var carried: [String: Int] = [:]
        var derived: [String: Int] = [:]
        var folders = Set<String>()
        for change in changes {
            if change.change == .moved, let old = change.oldPath, let new = change.newPath {
                if let (from, to) = Self.renamedFolder(old, new) { carried[key(change, from, to), default: 0] += 1 }
                folders.insert(key(change, old, new))
            }
            if let derivedKey = derivedKey(change) { derived[derivedKey, default: 0] += 1 }
        }
        // Items deleted with a folder above them, by the topmost deleted folder's (crawl, source, path).
        let deletedFolders = Set(
            changes.filter { $0.change == .deleted && ItemKind(rawValue: $0.kind)?.isContainer == true }.compactMap { change in
                change.oldPath.map { key(change, $0, "") }
            })
        func deletedAbove(_ change: CatalogChange) -> String? {
            guard change.change == .deleted, var path = change.oldPath else { return nil }
            var above: String?
            while let slash = path.lastIndex(of: "/") {
                path = String(path[..<slash])
                if deletedFolders.contains(key(change, path, "")) { above = key(change, path, "") }
            }
            return above
        }
        // Worked out once per change: the walk up its path is the costly part.
        let folded = changes.map(deletedAbove)
        var deletedBelow: [String: Int] = [:]
        for above in folded { if let above { deletedBelow[above, default: 0] += 1 } }
        var rows: [[String]] = []
        var sources: [Source] = []
        func add(_ change: CatalogChange, _ row: [String]) {
            rows.append(row)
            sources.append(change.source)
        }
        var shown = Set<String>()
        for (change, above) in zip(changes, folded) {
            if change.change == .deleted, let old = change.oldPath {
                if above != nil { continue }  // folded into its folder's row
                if let count = deletedBelow[key(change, old, "")] {
                    add(
                        change,
                        [
                            "deleted", change.kind, TableRenderer.clean(change.name), TableRenderer.clean(old),
                            "+\(count) item\(count == 1 ? "" : "s")",
                            String(change.crawlID),
                        ])
                    continue
                }
            }
            if change.change == .moved, let old = change.oldPath, let new = change.newPath {
                let own = key(change, old, new)
                if let count = carried[own] {
                    // A folder whose items moved with it: one row for all of them.
                    shown.insert(own)
                    let oldName = old.split(separator: "/").last.map(String.init) ?? ""
                    let sameParent = old.split(separator: "/").dropLast() == new.split(separator: "/").dropLast()
                    add(
                        change,
                        [
                            sameParent ? "renamed" : "moved", change.kind,
                            TableRenderer.clean(oldName == change.name ? change.name : "\(oldName) → \(change.name)"),
                            TableRenderer.clean("\(old) → \(new)"), "+\(count) item\(count == 1 ? "" : "s")", String(change.crawlID),
                        ])
                    continue
                }
                if let (from, to) = Self.renamedFolder(old, new) {
                    let group = key(change, from, to)
                    if folders.contains(group) { continue }  // folded into its folder's row
                    if let count = carried[group], count > 1 {
                        guard shown.insert(group).inserted else { continue }
                        add(
                            change,
                            [
                                "moved", "items",
                                TableRenderer.clean("\(from.split(separator: "/").last ?? "") → \(to.split(separator: "/").last ?? "")"),
                                TableRenderer.clean("\(from) → \(to)"), "\(count) items", String(change.crawlID),
                            ])
                        continue
                    }
                }
            }
            if let derivedKey = derivedKey(change), let count = derived[derivedKey], count > 1 {
                guard shown.insert(derivedKey).inserted else { continue }
                add(
                    change,
                    [
                        "modified", change.kind, "\(count) items", "\(count) items, via renames", change.fields.joined(separator: ","),
                        String(change.crawlID),
                    ])
                continue
            }
            let path =
                switch change.change {
                case .added: change.newPath ?? ""
                case .deleted: change.oldPath ?? ""
                case .modified: change.newPath ?? ""
                case .moved: "\(change.oldPath ?? "") → \(change.newPath ?? "")"
                }
            add(
                change,
                [
                    change.change.rawValue, change.kind, TableRenderer.clean(change.name), TableRenderer.clean(path),
                    change.fields.joined(separator: ","), String(change.crawlID),
                ])
        }
        var header = ["CHANGE", "KIND", "NAME", "PATH", "FIELDS", "CRAWL"]
        // Which service, when the changes span more than one.
        if Set(sources).count > 1 {
            header.insert("SOURCE", at: 2)
            rows = zip(rows, sources).map { row, source in
                var row = row
                row.insert(source.rawValue, at: 2)  // as search's SOURCE column and --source spell it
                return row
            }
        }
        // Narrower than 120 cells, the name goes: the path ends in it.
        if width < 120, let name = header.firstIndex(of: "NAME") {
            header.remove(at: name)
            rows = rows.map { row in
                var row = row
                row.remove(at: name)
                return row
            }
        }
        // FIELDS up to a sixth of the width; CHANGE, KIND, SOURCE and CRAWL as wide as they
        // need; the name and the path share the rest (TableRenderer.fit, as every table).
        let pathColumn = header.firstIndex(of: "PATH") ?? 2
        let natural = TableRenderer.naturalWidths(header: header, rows: rows)
        var limits = natural
        limits[pathColumn + 1] = min(limits[pathColumn + 1], max(10, width / 6))
        let flexible = [header.firstIndex(of: "NAME"), pathColumn].compactMap { $0 }
        limits = TableRenderer.fit(header: header, rows: rows, limits: limits, flexible: flexible, width: width)
        // On a narrow terminal FIELDS gives up cells (down to 6) for a cut path to have 24.
        let pathWanted = min(24, natural[pathColumn])
        let short = min(max(0, pathWanted - limits[pathColumn]), max(0, limits[pathColumn + 1] - 6))
        limits[pathColumn + 1] -= short
        limits[pathColumn] += short
        return TableRenderer.grid(header: header, rows: rows, limits: limits, paths: [pathColumn], fitting: width)
    }

    /// The folder rename or move that took `old` to `new`: the paths less the file and folder
    /// names they end alike in, when those differ (nil when only the last name changed: the item
    /// itself was renamed or moved).
    static func renamedFolder(_ old: String, _ new: String) -> (from: String, to: String)? {
        var a = old.split(separator: "/", omittingEmptySubsequences: false)
        var b = new.split(separator: "/", omittingEmptySubsequences: false)
        var shared = 0
        while let x = a.last, let y = b.last, x == y {
            a.removeLast()
            b.removeLast()
            shared += 1
        }
        guard shared > 0, !a.isEmpty, !b.isEmpty else { return nil }
        return (a.joined(separator: "/"), b.joined(separator: "/"))
    }
}

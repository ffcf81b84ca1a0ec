import CatalogCore
import Foundation

/// Writes `catalog where`'s answer, one local file at a time, in one ``OutputFormat``, and keeps
/// the totals for its verdict. Keys and columns are documented in docs/reports.md.
public struct CopyCheckWriter {
    /// CSV columns: one row per copy (a file with none has one row with empty copy columns).
    public static let columns = ["path", "size", "xxh64", "md5", "status", "match", "source", "id", "copy_path"]

    private let format: OutputFormat
    private let width: Int
    private let sink: (borrowing [UInt8]) throws -> Void
    private var rows: [[String]] = []
    private var count = 0
    /// What was written, for the verdict.
    public private(set) var totals = CopyCheckTotals()

    /// Creates a writer sending bytes to `sink`; a table is fitted to `width` terminal cells.
    public init(format: OutputFormat, width: Int = 160, sink: @escaping (borrowing [UInt8]) throws -> Void) {
        self.format = format
        self.width = width
        self.sink = sink
    }

    /// The status word of a file: `exact`, `probable`, `pending`, `missing` or `unreadable`.
    public static func status(_ check: CopyCheck) -> String {
        if let best = check.best, best < .uncounted { return best.rawValue }
        return check.unreadable == nil ? "missing" : "unreadable"
    }

    public mutating func begin() throws {
        switch format {
        case .csv: try sink(Array(CSV.row(Self.columns).utf8))
        case .json: try sink(Array(ItemWriter.envelope("where", list: "files").utf8))
        case .ndjson, .table: break
        }
    }

    public mutating func write(_ check: CopyCheck) throws {
        totals.add(check)
        let status = Self.status(check)
        switch format {
        case .csv:
            var bytes: [UInt8] = []
            let common = [check.path, String(check.size), check.xxh64 ?? "", check.md5 ?? "", status]
            if check.copies.isEmpty {
                bytes += Array(CSV.row(common + ["", "", "", ""]).utf8)
            } else {
                for copy in check.copies {
                    bytes += Array(CSV.row(common + [copy.match.rawValue, copy.item.source.rawValue, copy.item.id, copy.item.path]).utf8)
                }
            }
            try sink(bytes)
        case .json, .ndjson:
            var w = JSONWriter()
            if format == .json, count > 0 { w.appendRaw(",") }
            w.appendRaw("{\"path\":")
            w.writeString(check.path)
            w.appendRaw(",\"size\":\(check.size),\"xxh64\":")
            Self.optional(check.xxh64, &w)
            w.appendRaw(",\"md5\":")
            Self.optional(check.md5, &w)
            w.appendRaw(",\"status\":")
            w.writeString(status)
            w.appendRaw(",\"unreadable\":")
            Self.optional(check.unreadable, &w)
            w.appendRaw(",\"copies\":[")
            for (i, copy) in check.copies.enumerated() {
                w.appendRaw(i > 0 ? ",{\"match\":" : "{\"match\":")
                w.writeString(copy.match.rawValue)
                w.appendRaw(",\"source\":")
                w.writeString(copy.item.source.rawValue)
                w.appendRaw(",\"id\":")
                w.writeString(copy.item.id)
                w.appendRaw(",\"path\":")
                w.writeString(copy.item.path)
                w.appendRaw(",\"note\":")
                Self.optional(copy.note, &w)
                w.appendRaw("}")
            }
            w.appendRaw("]}")
            if format == .ndjson { w.appendRaw("\n") }
            try sink(w.bytes)
        case .table:
            let first = check.copies.first
            let more = check.copies.count > 1 ? " (+\(check.copies.count - 1))" : ""
            rows.append([
                status, TerminalText.sanitize(check.path), ByteCount.format(check.size), first.map { $0.item.source.displayName + more } ?? "",
                (first?.match == .differs ? "differs: " : first?.match == .uncounted ? "uncounted: " : "")
                    + TerminalText.sanitize(first?.item.path ?? check.unreadable ?? ""),
            ])
        }
        count += 1
    }

    public mutating func end() throws {
        switch format {
        case .json: try sink(Array("]}\n".utf8))
        case .table:
            let limits = [10, max(20, width * 2 / 5), 10, 14, max(16, width - width * 2 / 5 - 42)]
            try sink(
                Array(
                    TableRenderer.grid(
                        header: ["STATUS", "FILE", "SIZE", "IN", "COPY"], rows: rows, limits: limits, rightAligned: [2], paths: [1, 4], fitting: width
                    )
                    .utf8))
        case .csv, .ndjson: break
        }
    }

    private static func optional(_ text: String?, _ w: inout JSONWriter) {
        if let text { w.writeString(text) } else { w.appendRaw("null") }
    }

    /// The one-line verdict: `412 of 415 files are in Frame.io or Dash: 409 exact, 3 probable; 3 missing: a.mov, b.mov, c.mov`.
    /// With probable copies not accepted (`acceptingProbable` false), says they are why the
    /// answer is no when they are; with no files at all, says so.
    public static func verdict(_ t: CopyCheckTotals, acceptingProbable: Bool = false) -> String {
        if t.files == 0 { return "no files here: nothing is known to be in Frame.io or Dash (is the card mounted?)" }
        let found = t.exact + t.probable
        var parts: [String] = []
        if t.exact > 0 { parts.append("\(Count.grouped(t.exact)) exact") }
        if t.probable > 0 { parts.append("\(Count.grouped(t.probable)) probable") }
        var line = "\(Count.grouped(found)) of \(Count.of(t.files, "file")) \(t.files == 1 ? "is" : "are") in Frame.io or Dash"
        if !parts.isEmpty { line += ": " + parts.joined(separator: ", ") }
        for (count, word, examples) in [
            (t.pending, "pending (still uploading, or checksum not yet computed)", t.pendingExamples), (t.missing, "missing", t.missingExamples),
            (t.unreadable, "unreadable", t.unreadableExamples),
        ] where count > 0 {
            line +=
                "; \(Count.grouped(count)) \(word): " + examples.map { TerminalText.sanitize($0) }.joined(separator: ", ")
                + (count > examples.count ? ", …" : "")
        }
        if t.probable > 0 && !acceptingProbable {
            line += "; probable copies are not proof (--allow-probable accepts them)"
        }
        // Nothing left out or taken on trust goes unsaid: "all safe" never hides a skipped file.
        if t.hiddenLeftOut > 0 {
            line +=
                "; \(Count.of(t.hiddenLeftOut, "hidden or system file")) left out ("
                + t.hiddenExamples.map { TerminalText.sanitize($0) }.joined(separator: ", ")
                + (t.hiddenLeftOut > t.hiddenExamples.count ? ", …" : "") + "; --include-hidden checks them)"
        }
        if !t.unusableLists.isEmpty {
            line +=
                """
                ; \(Count.of(t.unusableLists.count, "hash list")) could not be read, so what \
                \(t.unusableLists.count == 1 ? "it records" : "they record") is not known (hidden files were checked too):\u{20}
                """
                + t.unusableLists.prefix(3).map { TerminalText.sanitize($0) }.joined(separator: ", ") + (t.unusableLists.count > 3 ? ", …" : "")
        }
        // How old the services' copies are, when that matters: a day or more, or a later crawl failed.
        let stale = t.catalogued.filter { ($0.age ?? 0) >= 86_400 || $0.laterFailed }
        if !stale.isEmpty {
            line +=
                "; copies as catalogued by "
                + stale.map { entry in
                    "the \(entry.service) crawl of \(entry.age.map { age($0) + " ago" } ?? "an unknown time")"
                        + (entry.laterFailed ? " (a later \(entry.service) crawl failed)" : "")
                }.joined(separator: " and ") + " (`catalog crawl` refreshes them)"
        }
        var trusted: [String] = []
        if t.fromScan > 0 {
            trusted.append("\(Count.of(t.fromScan, "file")) from the catalog's scans" + (t.lastScanAge.map { " (the last \(age($0)) ago)" } ?? ""))
        }
        if t.fromHashLists > 0 { trusted.append("\(Count.of(t.fromHashLists, "file")) from the hash lists on the volume") }
        if !trusted.isEmpty {
            line += "; digests of " + trusted.joined(separator: " and ") + ", not read now (--rehash reads every file)"
        }
        return line
    }

    /// `45 s`, `12 min`, `3 h`, `2 days`.
    static func age(_ seconds: Double) -> String {
        let total = max(0, Int(seconds.rounded()))
        if total < 60 { return "\(total) s" }
        if total < 3600 { return "\(total / 60) min" }
        if total < 86_400 * 2 { return "\(total / 3600) h" }
        return "\(total / 86_400) days"
    }
}

/// The counts behind `catalog where`'s verdict.
public struct CopyCheckTotals: Sendable {
    public var files = 0
    public var exact = 0
    public var probable = 0
    public var pending = 0
    public var missing = 0
    public var unreadable = 0
    /// The first few files of each kind that keeps the verdict from being all exact.
    public var pendingExamples: [String] = []
    public var missingExamples: [String] = []
    public var unreadableExamples: [String] = []
    /// Hidden and system files left out, the first few of them.
    public var hiddenLeftOut = 0
    public var hiddenExamples: [String] = []
    /// Files whose digests were taken from the catalog's scans, and how long ago the last scan
    /// ended (seconds).
    public var fromScan = 0
    public var lastScanAge: Double?
    /// Files whose digests were taken from hash lists on the volume.
    public var fromHashLists = 0
    /// The hash lists on the volume that could not be read (each `path: reason`): the answer is
    /// then never safe.
    public var unusableLists: [String] = []
    /// Each service's copies: how long ago its last complete crawl ended (seconds), and whether
    /// a later crawl of it failed.
    public var catalogued: [(service: String, age: Double?, laterFailed: Bool)] = []

    public init() {}

    /// How many examples the verdict names.
    static let examples = 5

    mutating func add(_ check: CopyCheck) {
        files += 1
        switch check.best {
        case .exact: exact += 1
        case .probable: probable += 1
        case .pending:
            pending += 1
            if pendingExamples.count < Self.examples { pendingExamples.append(check.path) }
        case nil where check.unreadable != nil:
            unreadable += 1
            if unreadableExamples.count < Self.examples { unreadableExamples.append(check.path) }
        case nil, .differs, .uncounted:
            missing += 1
            if missingExamples.count < Self.examples {
                let why =
                    check.copies.first { $0.match == .uncounted }.flatMap(\.note)
                    ?? check.copies.first { $0.match == .differs }.map { "its \($0.item.source.displayName) copy differs" }
                missingExamples.append(check.path + (why.map { " (\($0))" } ?? ""))
            }
        }
    }

    /// Whether every file has an exact copy (or a probable one, when those are accepted).
    public func allSafe(acceptingProbable: Bool) -> Bool {
        files > 0 && pending == 0 && missing == 0 && unreadable == 0 && unusableLists.isEmpty && (acceptingProbable || probable == 0)
    }
}

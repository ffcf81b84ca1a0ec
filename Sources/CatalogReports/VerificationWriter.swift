import CatalogCore
import Foundation

/// Writes `catalog verify`'s answer, one file at a time, in one ``OutputFormat``, and keeps the
/// totals for its verdict. Keys and columns are documented in docs/reports.md.
public struct VerificationWriter {
    /// CSV columns: one row per file; mismatches as `record algorithm recorded≠actual`, `; `-joined.
    public static let columns = ["path", "status", "size", "xxh64", "md5", "records", "mismatches", "reason"]

    private let format: OutputFormat
    private let width: Int
    private let sink: (borrowing [UInt8]) throws -> Void
    private var rows: [[String]] = []
    private var count = 0
    /// What was written, by status.
    public private(set) var totals: [FileVerification.Status: Int] = [:]
    /// The first few files that keep the verdict from being clean, with why.
    public private(set) var problems: [String] = []

    public init(format: OutputFormat, width: Int = 160, sink: @escaping (borrowing [UInt8]) throws -> Void) {
        self.format = format
        self.width = width
        self.sink = sink
    }

    /// `ascmhl xxh64 1a2b… ≠ 3c4d…` for each mismatch.
    static func mismatches(_ file: FileVerification) -> String {
        file.mismatches.map { "\($0.record) \($0.algorithm) \($0.recorded) ≠ \($0.actual)" }.joined(separator: "; ")
    }

    public mutating func begin() throws {
        switch format {
        case .csv: try sink(Array(CSV.row(Self.columns).utf8))
        case .json: try sink(Array(ItemWriter.envelope("verify", list: "files").utf8))
        case .ndjson, .table: break
        }
    }

    public mutating func write(_ file: FileVerification) throws {
        totals[file.status, default: 0] += 1
        if [.mismatched, .missing, .unreadable].contains(file.status), problems.count < 5 {
            problems.append(
                TerminalText.sanitize(file.path) + (file.status == .mismatched ? " (\(Self.mismatches(file)))" : " (\(file.status.rawValue))"))
        }
        switch format {
        case .csv:
            try sink(
                Array(
                    CSV.row([
                        file.path, file.status.rawValue, file.size.map(String.init) ?? "", file.xxh64 ?? "", file.md5 ?? "",
                        file.records.joined(separator: " "), Self.mismatches(file), file.reason ?? "",
                    ]).utf8))
        case .json, .ndjson:
            var w = JSONWriter()
            if format == .json, count > 0 { w.appendRaw(",") }
            w.appendRaw("{\"path\":")
            w.writeString(file.path)
            w.appendRaw(",\"status\":")
            w.writeString(file.status.rawValue)
            w.appendRaw(",\"size\":" + (file.size.map(String.init) ?? "null") + ",\"xxh64\":")
            if let xxh64 = file.xxh64 { w.writeString(xxh64) } else { w.appendRaw("null") }
            w.appendRaw(",\"md5\":")
            if let md5 = file.md5 { w.writeString(md5) } else { w.appendRaw("null") }
            w.appendRaw(",\"records\":[")
            for (i, record) in file.records.enumerated() {
                if i > 0 { w.appendRaw(",") }
                w.writeString(record)
            }
            w.appendRaw("],\"mismatches\":[")
            for (i, mismatch) in file.mismatches.enumerated() {
                w.appendRaw(i > 0 ? ",{\"record\":" : "{\"record\":")
                w.writeString(mismatch.record)
                w.appendRaw(",\"algorithm\":")
                w.writeString(mismatch.algorithm)
                w.appendRaw(",\"recorded\":")
                w.writeString(mismatch.recorded)
                w.appendRaw(",\"actual\":")
                w.writeString(mismatch.actual)
                w.appendRaw("}")
            }
            w.appendRaw("],\"reason\":")
            if let reason = file.reason { w.writeString(reason) } else { w.appendRaw("null") }
            w.appendRaw("}")
            if format == .ndjson { w.appendRaw("\n") }
            try sink(w.bytes)
        case .table:
            let detail = file.status == .mismatched ? Self.mismatches(file) : file.reason ?? file.records.joined(separator: ", ")
            rows.append([
                file.status.rawValue, TerminalText.sanitize(file.path), file.size.map(ByteCount.format) ?? "", TerminalText.sanitize(detail),
            ])
        }
        count += 1
    }

    public mutating func end() throws {
        switch format {
        case .json:
            // The hash lists that could not be read, so a program reading the report sees why
            // it is not clean as well as a person reading the verdict.
            var w = JSONWriter()
            w.appendRaw("],\"unusable_lists\":[")
            for (index, list) in unusableLists.enumerated() {
                if index > 0 { w.appendRaw(",") }
                w.writeString(list)
            }
            w.appendRaw("]}\n")
            try sink(w.bytes)
        case .table:
            let limits = [10, max(20, width / 3), 10, max(20, width - width / 3 - 26)]
            try sink(
                Array(
                    TableRenderer.grid(
                        header: ["STATUS", "FILE", "SIZE", "DETAIL"], rows: rows, limits: limits, rightAligned: [2], paths: [1], fitting: width
                    ).utf8))
        case .csv, .ndjson: break
        }
    }

    /// Whether nothing mismatched, went missing or could not be read, and something was held
    /// against a record (files that are all new were checked against nothing, unless a seal
    /// is recording them now).
    public var isClean: Bool {
        (totals[.mismatched] ?? 0) + (totals[.missing] ?? 0) + (totals[.unreadable] ?? 0) == 0 && unusableLists.isEmpty
            && !totals.isEmpty && (sealing || !comparedWithNothing)
    }

    /// Whether every file is new: no hash list or earlier scan records any of them.
    public var comparedWithNothing: Bool { (totals[.new] ?? 0) > 0 && totals.keys.allSatisfy { $0 == .new } }

    /// Whether a seal follows (`--seal`), recording the new files.
    public var sealing = false

    /// The hash lists that could not be read (`file: reason`): the files they describe were not
    /// held against them, so the folder is not verified.
    public var unusableLists: [String] = []
    /// Files a history's ignore patterns leave out (not verified, not sealed), for the verdict.
    public var ignoredFiles = 0

    /// `415 files: 410 verified, 2 mismatched, 1 missing, 2 new; A001C004.mov (ascmhl xxh64 … ≠ …), …`.
    public var verdict: String {
        let total = totals.values.reduce(0, +)
        let parts = FileVerification.Status.allCases.compactMap { status in totals[status].map { "\(Count.grouped($0)) \(status.rawValue)" } }
        var line = "\(Count.of(total, "file")): " + (parts.isEmpty ? "nothing to verify (is the drive mounted?)" : parts.joined(separator: ", "))
        line += problems.isEmpty ? "" : "; " + problems.joined(separator: ", ") + (problems.count < totalProblems ? ", …" : "")
        if comparedWithNothing && !sealing && unusableLists.isEmpty {
            line += "; no hash list or earlier scan records them, so nothing was compared (--seal starts a history)"
        }
        if ignoredFiles > 0 {
            line += "; \(Count.of(ignoredFiles, "file")) left out by the history's ignore patterns"
        }
        if !unusableLists.isEmpty {
            line +=
                """
                ; \(Count.of(unusableLists.count, "hash list")) could not be read, so \(unusableLists.count == 1 ? "its" : "their") files were \
                not checked against \(unusableLists.count == 1 ? "it" : "them"):\u{20}
                """
                + unusableLists.prefix(3).map { TerminalText.sanitize($0) }.joined(separator: ", ") + (unusableLists.count > 3 ? ", …" : "")
        }
        return line
    }

    private var totalProblems: Int { (totals[.mismatched] ?? 0) + (totals[.missing] ?? 0) + (totals[.unreadable] ?? 0) }
}

import ArgumentParser
import CatalogCore
import CatalogReports
import CatalogStore
import Foundation

/// `catalog export REPORT`: a report, streamed, to stdout or atomically to a file.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a report — inventory (every item), search QUERY, dupes or changes — as NDJSON, JSON or CSV.",
        discussion: """
            Examples: `catalog export inventory --format csv -o inventory.csv`,
            `catalog export search 'kind:file size:>1GB' --format json`, `catalog export dupes --min-size 100MB`,
            `catalog export changes --since 12`. Inventory, search and changes stream in constant
            memory. With --output the file is written to a temporary name and renamed when
            complete. Columns and keys: docs/reports.md.
            """)

    enum Report: String, ExpressibleByArgument, CaseIterable {
        case inventory, search, dupes, changes
    }

    @OptionGroup var global: GlobalOptions

    @Argument(help: "inventory (default), search, dupes or changes.")
    var report: Report = .inventory

    @Argument(help: "For search: the query (several arguments are joined with spaces).")
    var query: [String] = []

    @Option(help: "ndjson (default), json or csv.")
    var format: OutputFormat = .ndjson

    @Option(
        name: .shortAndLong,
        help: ArgumentHelp(
            "Write to this file instead of stdout (atomically; a FIFO or device is written through; - is stdout).", valueName: "file"))
    var output: String?

    @Flag(help: "When --output is a symbolic link, replace the link itself with the report.")
    var replaceLink = false

    @Option(help: "For search: the most results written.")
    var limit = 1_000_000

    @Option(help: ArgumentHelp("For changes: a crawl id (changes after it) or a date (changes since it).", valueName: "crawl-id|date"))
    var since: String?

    @OptionGroup(title: "For dupes (--source also for changes)") var dupes: DupesOptions

    func validate() throws {
        if format == .table { throw ValidationError("--format table is for the terminal; export writes ndjson, json or csv") }
        if report == .search, query.isEmpty { throw ValidationError("export search needs a query, e.g. catalog export search 'kind:file ext:mov'") }
        if report != .search, !query.isEmpty {
            throw ValidationError("unexpected argument '\(query.joined(separator: " "))': only export search takes a query")
        }
        guard (0...10_000_000).contains(limit) else { throw ValidationError("--limit must be between 0 and 10000000") }
        if since != nil, report != .changes { throw ValidationError("--since is for export changes") }
        _ = try dupes.filter()
    }

    func run() async throws {
        Catalog.bootstrapLogging(verbose: global.verbose)
        do {
            let database = try global.openDatabase()
            switch report {
            case .inventory:
                try AtomicOutput.write(to: OutputTarget(path: output, replacingLink: replaceLink)) { sink in
                    var writer = ItemWriter(format: format, report: "inventory", sink: sink)
                    try writer.begin()
                    try database.forEachItem(records: false) { try writer.write($0) }
                    try writer.end()
                }
            case .search:
                let parsed = try database.parseQuery(query.joined(separator: " "))
                let items = try database.search(parsed, limit: limit)
                try AtomicOutput.write(to: OutputTarget(path: output, replacingLink: replaceLink)) { sink in
                    var writer = ItemWriter(format: format, report: "search", sink: sink)
                    try writer.begin()
                    for item in items { try writer.write(item) }
                    try writer.end()
                }
            case .dupes:
                let summary = try DupesCommand.write(
                    database: database, filter: try dupes.filter(), format: format, output: OutputTarget(path: output, replacingLink: replaceLink))
                Terminal.error(DuplicateWriter.summaryLine(summary))
            case .changes:
                try ChangesCommand.write(
                    database: database, since: since, source: try dupes.filter().source, format: format,
                    output: OutputTarget(path: output, replacingLink: replaceLink))
            }
        } catch {
            throw ErrorReport.exit(error)
        }
    }
}

/// Where a report goes: stdout, a file written atomically, or straight through to a pipe or device.
struct OutputTarget {
    /// The `--output` path; nil or `-` for stdout.
    var path: String?
    /// Whether a symbolic link at `path` may be replaced by the file (`--replace-link`).
    var replacingLink = false
}

/// Writes a report where ``OutputTarget`` says, never turning a pipe, a device or a symbolic link
/// into a regular file behind the user's back:
/// - stdout for no path or `-`;
/// - a new path or a regular file: written to a temporary file in the same directory, then renamed
///   over it, so a reader never sees half a report;
/// - a FIFO or a character device (`/dev/stdout`, `/dev/null`, a named pipe): written through;
/// - a symbolic link: refused unless `--replace-link` (give the target's path to replace the target);
/// - a directory, socket or block device: refused.
enum AtomicOutput {
    static func write(to target: OutputTarget, _ body: (@escaping (borrowing [UInt8]) throws -> Void) throws -> Void) throws {
        guard let path = target.path, path != "-" else {
            try body { bytes in Terminal.writeOutput(bytes) }
            return
        }
        var info = stat()
        if lstat(path, &info) == 0 {
            switch info.st_mode & S_IFMT {
            case S_IFREG: break
            case S_IFLNK:
                // A link to a pipe or device (/dev/stdout is one on Linux) is written through.
                var resolved = stat()
                if stat(path, &resolved) == 0, [S_IFIFO, S_IFCHR].contains(resolved.st_mode & S_IFMT) {
                    try writeThrough(path, body)
                    return
                }
                guard target.replacingLink else {
                    let destination = (try? FileManager.default.destinationOfSymbolicLink(atPath: path)).map { " (to \($0))" } ?? ""
                    throw ConfigurationError(
                        description:
                            "\(path) is a symbolic link\(destination): give the path of the file it points to, or add --replace-link to replace the link itself with the report"
                    )
                }
            case S_IFIFO, S_IFCHR:
                try writeThrough(path, body)
                return
            default:
                throw ConfigurationError(
                    description: "\(path) is \(CatalogDatabase.nonRegularKind(info.st_mode) ?? "not a regular file"): choose a file path for --output"
                )
            }
        }
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp")
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil, attributes: [.posixPermissions: 0o600]),
            let handle = try? FileHandle(forWritingTo: temporary)
        else {
            throw ConfigurationError(description: "cannot write \(path): check that its directory exists and is writable")
        }
        do {
            try body { bytes in try bytes.withUnsafeBytes { try handle.write(contentsOf: Data($0)) } }
            try handle.synchronize()
            try handle.close()
            if rename(temporary.path, url.path) != 0 {
                throw ConfigurationError(description: "cannot rename the export into \(path): \(String(cString: strerror(errno)))")
            }
        } catch {
            try? handle.close()
            unlink(temporary.path)
            throw error
        }
    }

    /// Writes straight into a pipe or device, which is neither truncated nor replaced.
    private static func writeThrough(_ path: String, _ body: (@escaping (borrowing [UInt8]) throws -> Void) throws -> Void) throws {
        guard let handle = FileHandle(forWritingAtPath: path) else {
            throw ConfigurationError(description: "cannot write to \(path): \(String(cString: strerror(errno)))")
        }
        defer { try? handle.close() }
        // A terminal (`-o /dev/tty`) gets what stdout on a terminal gets: sanitized text.
        let isTerminal = isatty(handle.fileDescriptor) == 1
        try body { bytes in
            if isTerminal {
                let text = bytes.withUnsafeBufferPointer { String(decoding: $0, as: UTF8.self) }
                try handle.write(contentsOf: Data(TerminalText.sanitize(text, keepingLines: true).utf8))
            } else {
                try bytes.withUnsafeBytes { try handle.write(contentsOf: Data($0)) }
            }
        }
    }
}

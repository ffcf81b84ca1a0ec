import ArgumentParser
import CatalogCore
import CatalogReports
import CatalogStore
import Foundation

/// Where a report goes: stdout, a file written atomically, or straight through to a pipe or device.
struct OutputTarget {
    /// The `--output` path; nil or `-` for stdout.
    var path: String?
    /// Whether a symbolic link at `path` may be replaced by the file (`--replace-link`).
    var replacingLink = false
}

/// `--output` and `--replace-link`, for every command that writes a report.
struct OutputOptions: ParsableArguments {
    @Option(
        name: .shortAndLong,
        help: ArgumentHelp(
            "Write to this file instead of stdout (atomically; a FIFO or device is written through; - is stdout).", valueName: "file"),
        completion: .file())
    var output: String?

    @Flag(help: "When --output is a symbolic link, replace the link itself with the report.")
    var replaceLink = false

    /// Whether the report goes to stdout (no `--output`, or `-`).
    var isStdout: Bool { output == nil || output == "-" }

    /// The format the `--output` file's extension names (`.csv`, `.json`, `.ndjson` or `.jsonl`),
    /// for when `--format` is not given.
    var impliedFormat: OutputFormat? {
        guard let output, !isStdout else { return nil }
        switch (output as NSString).pathExtension.lowercased() {
        case "csv": return .csv
        case "json": return .json
        case "ndjson", "jsonl": return .ndjson
        default: return nil
        }
    }

    /// Where the report goes.
    var target: OutputTarget { OutputTarget(path: output, replacingLink: replaceLink) }
}

/// The `--format` values of a command that writes only some of the formats: its help lists
/// exactly those, and the parser refuses the others. Each case is named as the format it is.
protocol FormatChoice: CaseIterable, ExpressibleByArgument, RawRepresentable<String> {}

extension FormatChoice {
    /// The format written (every case's name is one of ``OutputFormat``'s).
    var output: OutputFormat { OutputFormat(rawValue: rawValue) ?? .table }
}

/// What a listing command says of its `--format` and `--limit` (``ListingOptions``).
protocol Listing {
    /// The `--format` help: which format is the default where.
    static var formatHelp: String { get }
    /// The `--limit` help: what is counted, in which order.
    static var limitHelp: String { get }
    /// The rows shown without `--limit` (0: all).
    static var defaultLimit: Int { get }
}

extension Listing {
    static var formatHelp: String { ReportOptions.formatHelp }
    static var defaultLimit: Int { 0 }
}

/// `--format`, `--limit` and `--output`, the flags every command that lists rows shares
/// (search, ls, changes, comments, dupes, fields): the same names, values and checks everywhere;
/// each command says in its own words what it lists (``Listing``).
struct ListingOptions<Command: Listing>: ParsableArguments {
    @Option(help: ArgumentHelp(Command.formatHelp, valueName: "format"))
    var format: OutputFormat?

    @Option(help: ArgumentHelp(Command.limitHelp, valueName: "n"))
    var limit = Command.defaultLimit

    @OptionGroup var output: OutputOptions

    /// The most `--limit` takes.
    static var maxLimit: Int { 1_000_000 }

    func validate() throws {
        guard (0...Self.maxLimit).contains(limit) else {
            throw ValidationError("--limit must be between 0 (all) and \(Count.grouped(Self.maxLimit))")
        }
    }

    /// The format written: `--format`, else the one the `--output` file's extension names, else
    /// a table on a terminal and `piped` (NDJSON unless the command says otherwise) to a pipe
    /// or file.
    func chosenFormat(piped: OutputFormat = .ndjson) -> OutputFormat {
        Terminal.format(format ?? output.impliedFormat, toStdout: output.isStdout, piped: piped)
    }
}

/// `--format` and `--output`, for the reports that list every row they check (`where`,
/// `verify`): a table on a terminal, NDJSON piped.
struct ReportOptions: ParsableArguments {
    /// What `--format` says of a report's formats (every listing's too, unless it says more).
    static let formatHelp = "table (default on a terminal), json, ndjson (default when piped) or csv; -o FILE.csv names it too."

    @Option(
        help: ArgumentHelp(Self.formatHelp, valueName: "format"))
    var format: OutputFormat?

    @OptionGroup var output: OutputOptions

    /// The format written: `--format`, else the one the `--output` file's extension names, else
    /// a table on a terminal and NDJSON to a pipe or file.
    var chosenFormat: OutputFormat { Terminal.format(format ?? output.impliedFormat, toStdout: output.isStdout) }
}

/// `--project`, read as `project:` is in a search: a project's name, case-insensitive, `*` a
/// wildcard, several separated by commas; or a project's or a scanned drive's id (changes,
/// comments, dupes, export).
struct ProjectOption: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Only inside projects of this name (as project: in a search: * a wildcard; several: a,b), or this project's or drive's id.",
            valueName: "name"))
    var project: String?

    /// The ids of the projects named, nil without `--project`; a name no project has is a
    /// usage error.
    func ids(in database: CatalogDatabase) throws -> [String]? { try resolve { try database.projectIDs(named: $0) } }

    /// The paths of the projects named (their items are below them), as ``ids(in:)``.
    func paths(in database: CatalogDatabase) throws -> [String]? { try resolve { try database.projectPaths(named: $0) } }

    private func resolve(_ lookup: ([String]) throws -> [String]) throws -> [String]? {
        guard let project else { return nil }
        let found = try lookup(project.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
        guard !found.isEmpty else {
            throw UsageError(description: "no project is called '\(TerminalText.sanitize(project))' (`catalog search kind:project` lists them)")
        }
        return found
    }
}

/// `--source`, for the commands that can keep to one service's items.
struct SourceOption: ParsableArguments {
    @Option(help: "Only this source.")
    var source: Source?
}

import ArgumentParser
import CatalogReports

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

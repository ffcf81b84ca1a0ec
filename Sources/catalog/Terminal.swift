import CatalogCore
import CatalogReports
import Crawler
import Foundation
import Synchronization

/// stderr output: progress lines (only on a terminal) and summaries.
enum Terminal {
    static let stderrIsTerminal = isatty(STDERR_FILENO) == 1
    static let stdoutIsTerminal = isatty(STDOUT_FILENO) == 1

    /// The width tables are fitted to: `COLUMNS` when it holds a sane number, else the terminal's
    /// width, else 160 (a table written to a file or pipe).
    static let columns = width(of: STDOUT_FILENO)

    /// The width help is written at: the terminal's, or `COLUMNS`; piped without `COLUMNS`, 80
    /// (what the argument parser does), not the 160 data tables get.
    static let helpColumns = columnsVariable ?? (stdoutIsTerminal ? columns : 80)

    /// `COLUMNS`, when it holds a sane number.
    private static let columnsVariable = ProcessInfo.processInfo.environment["COLUMNS"].flatMap(Int.init).flatMap {
        (20...1000).contains($0) ? $0 : nil
    }

    /// Writes to stdout, quietly: a closed or full stdout (`--help > /dev/full`) is the reader's
    /// choice, not a crash.
    static func writeQuietly(_ text: String) {
        try? FileHandle.standardOutput.write(contentsOf: Data(text.utf8))
    }

    /// A message for the person watching, on stderr: on a terminal each line wrapped at words
    /// (``DisplayWidth/wrapLines(_:width:)``); piped, one line a message for a script to read.
    static func say(_ text: String) {
        error(stderrIsTerminal ? DisplayWidth.wrapLines(text, width: errorColumns) : text)
    }

    /// The width messages on stderr are wrapped to, measured on stderr itself (with stdout piped
    /// to a file, errors on the terminal still wrap at the terminal's width).
    static let errorColumns = width(of: STDERR_FILENO)

    /// `COLUMNS` when it holds a sane number, else the width of the terminal `descriptor` writes
    /// to, else 160.
    private static func width(of descriptor: Int32) -> Int {
        if let columnsVariable { return columnsVariable }
        var size = winsize()
        if ioctl(descriptor, UInt(TIOCGWINSZ), &size) == 0, size.ws_col >= 20 { return Int(size.ws_col) }
        return 160
    }

    /// Writes a line to stdout (unbuffered, so it interleaves correctly with streamed results).
    /// On a terminal it goes through ``TerminalText/sanitize(_:keepingLines:)``; piped, the data
    /// (CSV, JSON) is written as it is.
    static func output(_ text: String) {
        let shown = stdoutIsTerminal ? TerminalText.sanitize(text, keepingLines: true) : text
        FileHandle.standardOutput.write(Data((shown + "\n").utf8))
    }

    /// Writes a writer's bytes to stdout: through ``TerminalText/sanitize(_:keepingLines:)`` on a
    /// terminal (a CSV or JSON of hostile names shown raw could drive it), as they are when piped.
    /// Writers flush whole records, so a chunk never ends inside a character.
    static func writeOutput(_ bytes: borrowing [UInt8]) {
        if stdoutIsTerminal {
            let chunk = copy bytes
            let shown: [UInt8] = jsonIndenter.withLock { state in
                guard var indenter = state else { return chunk }
                defer { state = indenter }
                return indenter.feed(chunk)
            }
            // CSV's CRLF line ends shown as line ends, not as a CR picture before each.
            let text = shown.withUnsafeBufferPointer { String(decoding: $0, as: UTF8.self) }.replacingOccurrences(of: "\r\n", with: "\n")
            FileHandle.standardOutput.write(Data(TerminalText.sanitize(text, keepingLines: true).utf8))
        } else {
            bytes.withUnsafeBytes { FileHandle.standardOutput.write(Data($0)) }
        }
    }

    /// Re-indents the JSON written to a terminal (`--format json` read by a person); piped, JSON
    /// stays compact.
    private static let jsonIndenter = Mutex<JSONIndenter?>(nil)

    /// The format a report is written in: the one asked for, else a table when it goes to a
    /// terminal and `piped` when it does not; JSON on a terminal is indented.
    static func format(_ asked: OutputFormat?, toStdout: Bool = true, piped: OutputFormat = .ndjson) -> OutputFormat {
        let chosen = asked ?? (toStdout && stdoutIsTerminal ? .table : piped)
        indentJSON(chosen)
        return chosen
    }

    /// Whether what follows on stdout is a JSON document to indent (on a terminal only).
    static func indentJSON(_ format: OutputFormat) {
        jsonIndenter.withLock { $0 = format == .json && stdoutIsTerminal ? JSONIndenter() : nil }
    }

    /// `text`'s lines as a person reads them on stdout: on a terminal each wrapped at words to
    /// its width, a continuation indented two past the line's own indent; piped, as they are.
    static func fitted(_ text: String) -> String {
        stdoutIsTerminal ? DisplayWidth.wrapLines(text, width: columns) : text
    }

    /// Writes a message to stderr through ``TerminalText/sanitize(_:keepingLines:)``, always:
    /// messages carry text from servers (error bodies, names, ids), and stderr is read by people.
    static func error(_ text: String) {
        FileHandle.standardError.write(Data((TerminalText.sanitize(text, keepingLines: true) + "\n").utf8))
    }
}

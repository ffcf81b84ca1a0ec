import ArgumentParser
import CatalogCore
import CatalogReports
import Foundation
import Logging
import Synchronization

/// `catalog`: an offline, searchable copy of a team's Frame.io and Dash holdings.
@main
struct Catalog: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catalog",
        abstract: "Keep an offline, searchable catalog of your Frame.io and Dash holdings.",
        discussion: """
            Crawl once with `catalog crawl` (sign in with `catalog login frameio` or set FRAMEIO_TOKEN, and/or set DASH_TOKEN), then search offline \
            with `catalog search`. Try it without an account: `catalog demo` crawls a local sandbox.

            Exit codes: 0 success, 1 error, 2 configuration or authentication error (token, URL), 3 catalog database error, 4 the service could not \
            be read completely, 64 bad usage.
            """,
        version: "0.1.0",
        subcommands: [
            CrawlCommand.self, SearchCommand.self, ShowCommand.self, LsCommand.self, OpenCommand.self, ServeCommand.self, DupesCommand.self,
            ChangesCommand.self, CommentsCommand.self, WhereCommand.self, VerifyCommand.self,
            ExportCommand.self, FieldsCommand.self, StatusCommand.self, PullCommand.self, TokensCommand.self, ConfigCommand.self, LoginCommand.self,
            LogoutCommand.self,
            SandboxCommand.self,
            DemoCommand.self,
        ]
    )

    /// The most command-line arguments accepted. swift-argument-parser's parsing grows with the
    /// square of their number (5 000 words took 22 s), so a pasted document is refused before it
    /// is parsed; a query needs no more than one quoted argument.
    static let maxArguments = 512

    /// Checks the size of the command line, then parses and runs it.
    static func main() async {
        Interrupts.install()
        let arguments = Array(CommandLine.arguments.dropFirst())
        guard arguments.count <= maxArguments else {
            Terminal.error(
                """
                catalog: \(arguments.count) arguments is more than the \(maxArguments) accepted. Quote a long query as one argument (it may \
                hold up to \(SearchQueryParser.maxLength) characters).
                """
            )
            Foundation.exit(64)
        }
        if let problem = unknownCommand(arguments) {
            Terminal.say("catalog: \(problem)")
            Foundation.exit(64)
        }
        let arranged = CrawlCommand.arranged(SearchCommand.arranged(arguments))
        var command: any ParsableCommand
        do {
            command = try parseAsRoot(arranged)
        } catch {
            report(parsing: error)
        }
        // Every catalog command that runs is asynchronous (`crawl` only groups its subcommands);
        // any other is the parser's own (`catalog help search`), whose outcome is its to print.
        guard var ours = command as? any AsyncParsableCommand else {
            // `--help` and `catalog help X` come back as the parser's own help command: the same
            // help, with its usage line wrapped like the rest.
            if type(of: command).configuration.commandName == "help" {
                let hidden = arranged.contains("--help-hidden")
                let help = helpMessage(for: helpedCommand(arranged), includeHidden: hidden, columns: Terminal.helpColumns)
                Terminal.writeQuietly(wrappingUsage(help, width: Terminal.helpColumns) + "\n")
                return
            }
            do { try command.run() } catch { report(parsing: error) }
            return
        }
        // Every command's errors are reported here, once: in this command line's words, with
        // the exit status of their class (ErrorReport). An exit status thrown is already
        // reported; help (bare `catalog`) is the parser's to print.
        do {
            try await ours.run()
        } catch let status as ExitCode {
            Foundation.exit(status.rawValue)
        } catch let clean as CleanExit {
            report(parsing: clean)
        } catch {
            Foundation.exit(ErrorReport.exit(error).rawValue)
        }
    }

    /// What the parser has to say (help, the version, a usage mistake), in catalog's style: help
    /// and the version on stdout; a mistake on stderr as every error is, `catalog: …` wrapped at
    /// words to the terminal, then the usage, whose line wraps between its options too.
    static func report(parsing error: any Error) -> Never {
        let code = exitCode(for: error)
        let message = fullMessage(for: error)
        if code == .success {
            Terminal.writeQuietly(wrappingUsage(message, width: Terminal.helpColumns) + "\n")
            Foundation.exit(code.rawValue)
        }
        var text = formatFlagMessage(message) ?? message
        if text.hasPrefix("Error: ") { text = "catalog: " + text.dropFirst("Error: ".count) }
        // The usage line wraps between its options; then every line at words, as every error does.
        Terminal.say(wrappingUsage(text, width: Terminal.errorColumns))
        Foundation.exit(code.rawValue)
    }

    /// `text` with its usage line (`USAGE: catalog dupes [--db <path>] …`) wrapped to `width`
    /// between its options, a bracketed option (`[--db <path>]`) never cut, continuation lines
    /// indented under the first option; every other line as it is.
    static func wrappingUsage(_ text: String, width: Int) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            guard line.hasPrefix("USAGE: ") || line.hasPrefix("Usage: "), DisplayWidth.of(String(line)) > width else { return String(line) }
            var tokens: [String] = []
            var token = ""
            var depth = 0
            for character in line {
                if character == " " && depth == 0 {
                    if !token.isEmpty { tokens.append(token) }
                    token = ""
                    continue
                }
                if "[<(".contains(character) { depth += 1 } else if "]>)".contains(character) { depth = max(0, depth - 1) }
                token.append(character)
            }
            if !token.isEmpty { tokens.append(token) }
            // `USAGE: catalog dupes` stays together; what follows is indented under its options.
            let head = tokens.prefix { !$0.hasPrefix("[") && !$0.hasPrefix("<") && !$0.hasPrefix("-") }
            let indent = String(repeating: " ", count: min(DisplayWidth.of(head.joined(separator: " ")) + 1, width / 2))
            var lines = [head.joined(separator: " ")]
            for token in tokens.dropFirst(head.count) {
                if DisplayWidth.of(lines[lines.count - 1]) + 1 + DisplayWidth.of(token) > width, lines[lines.count - 1] != indent {
                    lines.append(indent + token)
                } else {
                    lines[lines.count - 1] += (lines[lines.count - 1] == indent ? "" : " ") + token
                }
            }
            return lines.joined(separator: "\n")
        }.joined(separator: "\n")
    }

    /// The parser's message for `--json` (`--csv`, `--ndjson`, `--table`), which a user of gh or
    /// Datasette types: it is a value of `--format`, not the option the parser guessed.
    static func formatFlagMessage(_ message: String) -> String? {
        guard let format = OutputFormat.allCases.first(where: { message.contains("Unknown option '--\($0.rawValue)'") }) else { return nil }
        let unknown = "Unknown option '--\(format.rawValue)'"
        // The parser's guess (`Did you mean '--sort'?`) is dropped: the format is what was meant.
        let guessed = message.replacing(#/ Did you mean '[^']*'\?/#, with: "")
        return guessed.replacingOccurrences(of: unknown, with: unknown + ": the format is a value, --format \(format.rawValue)")
            .replacingOccurrences(of: "\(format.rawValue)..", with: "\(format.rawValue).")
    }

    /// The command whose help `arguments` ask for (`dupes --help`, `help crawl local`, `crawl
    /// local -h`): the deepest subcommand their words name.
    static func helpedCommand(_ arguments: [String]) -> any ParsableCommand.Type {
        var command: any ParsableCommand.Type = Catalog.self
        for word in arguments where !word.hasPrefix("-") && word != "help" {
            guard let sub = command.configuration.subcommands.first(where: { $0.configuration.commandName == word }) else { break }
            command = sub
        }
        return command
    }

    /// The subcommands' names.
    static var commandNames: [String] { configuration.subcommands.compactMap { $0.configuration.commandName } }

    /// What is wrong when the first argument names no subcommand (`catalog serch`, `catalog help
    /// nosuch`), with the closest names; nil when it is fine (a subcommand, a flag, nothing).
    static func unknownCommand(_ arguments: [String]) -> String? {
        var words = arguments
        if words.first == "help" { words.removeFirst() }
        guard let first = words.first, !first.hasPrefix("-"), !commandNames.contains(first) else { return nil }
        let close = Suggestions.closest(to: first, among: commandNames)
        let suggestion = Suggestions.didYouMean(close)
        return
            """
            '\(TerminalText.sanitize(first))' is not a catalog command.\(suggestion) Commands: \(commandNames.joined(separator: ", ")); see \
            `catalog --help`.
            """
    }

    /// `--verbose` logs at debug level; `CATALOG_LOG_LEVEL` (trace, debug, info, notice, warning,
    /// error, critical) overrides either, e.g. `trace` logs every request.
    private static let loggingBootstrapped = Mutex(false)

    static func bootstrapLogging(verbose: Bool) {
        // Once per process: `serve --refresh` runs crawls, which set it up too.
        guard
            loggingBootstrapped.withLock({ done in
                defer { done = true }
                return !done
            })
        else { return }
        let named = ProcessInfo.processInfo.environment["CATALOG_LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0.lowercased()) }
        let level = named ?? (verbose ? .debug : .warning)
        LoggingSystem.bootstrap { label in
            var handler = TerminalLogHandler(label: label)
            handler.logLevel = level
            return handler
        }
    }
}

import ArgumentParser
import CatalogCore
import CatalogReports
import CatalogServer
import Foundation

/// `catalog tokens`: the named read-only tokens of a team host (`catalog serve`), one per person.
struct TokensCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokens",
        abstract: "Make, list and revoke the named tokens a team host's readers carry.",
        discussion: """
            Each person pulling or browsing the host's catalog gets a token of their own, so that one can be revoked without the \
            others; `catalog serve` answers any of them (and logs each request under its name), and reads the file again when it \
            changes: a revoked token is refused from the next request on. The file (CATALOG_SERVE_TOKENS, else \
            ~/.config/catalog/serve-tokens.json, mode 0600) keeps each token's SHA-256, never the token. Everyone with a token sees \
            everything the host's crawls see: team.md (in share/doc/catalog/docs).

            Examples:
              catalog tokens add mei          # prints mei's token, once
              catalog tokens list
              catalog tokens revoke mei
            """,
        subcommands: [TokensAddCommand.self, TokensListCommand.self, TokensRevokeCommand.self])
}

/// The tokens file the options or the environment name.
struct TokensFileOption: ParsableArguments {
    @Option(
        name: .customLong("file"),
        help: ArgumentHelp("The tokens file (default: CATALOG_SERVE_TOKENS, else ~/.config/catalog/serve-tokens.json).", valueName: "path"))
    var path: String?

    func tokens() throws -> ReaderTokens {
        if let path { return ReaderTokens(path: path) }
        return ReaderTokens.fromEnvironment(try Settings.environment())
    }
}

struct TokensAddCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add", abstract: "Make a token for NAME and print it (once: only its hash is kept).")

    @OptionGroup var file: TokensFileOption

    @Argument(help: ArgumentHelp("Whose token it is: letters, digits and . _ @ - (e.g. mei or mei@studio).", valueName: "name"))
    var name: String

    @Flag(name: .shortAndLong, help: "Print the token alone, without the note on stderr.")
    var quiet = false

    func run() async throws {
        let tokens = try file.tokens()
        let token = try tokens.add(name: name)
        Terminal.output(token)
        if !quiet {
            Terminal.say(
                """
                a token for \(name), kept as its hash in \(tokens.path): give it to \(name) (catalog pull URL --token TOKEN, or \
                CATALOG_PULL_TOKEN). It is not shown again; `catalog tokens revoke \(name)` ends it.
                """)
        }
    }
}

struct TokensListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "The names of the tokens, and when each was made.")

    @OptionGroup var file: TokensFileOption

    func run() async throws {
        let tokens = try file.tokens()
        let entries = try tokens.entries()
        guard !entries.isEmpty else {
            Terminal.say("no tokens in \(tokens.path) (catalog tokens add NAME makes one)")
            return
        }
        let table = TableRenderer.grid(
            header: ["NAME", "MADE"], rows: entries.map { [TerminalText.sanitize($0.name), $0.created] }, limits: [64, 20])
        Terminal.output(String(table.dropLast()))
    }
}

struct TokensRevokeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke", abstract: "End NAME's token: the host refuses it from the next request on.")

    @OptionGroup var file: TokensFileOption

    @Argument(help: ArgumentHelp("Whose token to end.", valueName: "name"))
    var name: String

    func run() async throws {
        let tokens = try file.tokens()
        guard try tokens.revoke(name: name) else {
            throw UsageError(description: "no token named \(TerminalText.sanitize(name)) in \(tokens.path) (catalog tokens list)")
        }
        Terminal.say("revoked \(name)'s token: the host refuses it from the next request on.")
    }
}

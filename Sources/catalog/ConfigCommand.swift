import ArgumentParser
import CatalogCore
import CatalogReports
import Foundation
import HTTPSupport

/// `catalog config`: the settings in effect and where each came from.
struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Show the settings in effect and where each came from (secrets masked).",
        discussion: """
            Settings come from flags, then environment variables, then the config file ($CATALOG_CONFIG, else $XDG_CONFIG_HOME/catalog/config.toml, \
            else ~/.config/catalog/config.toml), then defaults. The file takes `db = "…"` and tables [frameio] (api_url, client_id, auth_url, \
            scopes), [dash] (api_url, auth_url, client_id, asset_url) and [crawl] (concurrency, stats). Secrets (tokens, client secrets) are refused \
            there: they stay in the environment or the 0600 credentials file. Example: configuration.md (in share/doc/catalog/docs).

            Examples:
              catalog config
              catalog config --format json | jq .settings
            """)

    /// What config writes: text for a person, or JSON for a script.
    enum Format: String, FormatChoice {
        case table, json
    }

    @Option(help: "table (the default, piped too) or json: {config_file, credentials, settings: [{name, value, from}]} (secrets: set or not).")
    var format: Format = .table

    func run() async throws {
        let settings = try Settings.current.get()
        let rows = Self.rows(settings)
        let credentials = CredentialsFile.fromEnvironment(settings.environment)
        if format == .json {
            let entries = rows.map { JSONValue.object([("name", .string($0.name)), ("value", .string($0.value)), ("from", .string($0.from))]) }
            let document = JSONValue.object([
                ("config_file", .string(settings.path)), ("config_file_exists", .bool(settings.fileExists)),
                ("credentials", .string(credentials.path)), ("settings", .array(entries)),
            ])
            Terminal.indentJSON(.json)
            Terminal.writeOutput(Array((JSONWriter.string(document, canonical: false) + "\n").utf8))
            return
        }
        Terminal.output(
            Terminal.fitted(
                "config file   \(settings.path) (\(settings.fileExists ? "read" : "none; every setting below is from the environment or a default"))")
        )
        let saved = ["frameio": "Frame.io", "dash": "Dash"].sorted { $0.key > $1.key }.compactMap { section, name in
            credentials.section(section)["refresh_token"] == nil ? nil : name
        }
        Terminal.output(
            Terminal.fitted(
                """
                credentials   \(credentials.path) \
                (\(saved.isEmpty ? "no refresh token saved" : "refresh tokens saved for \(saved.joined(separator: " and "))"); 0600)
                """
            ))
        Terminal.output("")
        // Values are what people came for: they are shown whole where the width allows, FROM
        // giving up room for them (down to 10 cells), then cut in their middle.
        let header = ["SETTING", "VALUE", "FROM"]
        let cells = rows.map { [$0.name, TerminalText.sanitize($0.shown), $0.from] }
        let natural = TableRenderer.naturalWidths(header: header, rows: cells)
        let room = Terminal.columns - natural[0] - 4
        let from = max(10, min(natural[2], room - natural[1]))
        let table = TableRenderer.grid(
            header: header, rows: cells, limits: [natural[0], max(10, room - from), from], paths: [1], fitting: Terminal.columns)
        Terminal.output(String(table.dropLast()))
    }

    /// Every setting: its value (`shown` as the table shows it: a secret's value never), and
    /// where it came from.
    static func rows(_ settings: Settings) -> [(name: String, value: String, shown: String, from: String)] {
        var rows = Settings.keys.map { key -> (name: String, value: String, shown: String, from: String) in
            let (value, origin) = settings.value(key)
            let from =
                switch origin {
                case .environment(let variable): "environment \(variable)"
                case .file: "config file"
                case .fallback: "default"
                }
            return (key.name, value, value, from)
        }
        for secret in Settings.secrets {
            let set = !(settings.processEnvironment[secret] ?? "").isEmpty
            rows.append((secret, set ? "set" : "not set", set ? "•••••• (set)" : "not set", set ? "environment" : "—"))
        }
        return rows
    }
}

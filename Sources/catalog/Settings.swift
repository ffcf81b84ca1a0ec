import CatalogCore
import Foundation
import FrameIOV4Client
import HTTPSupport

/// The settings a command runs with, and where each came from: flags > environment > the
/// config file > defaults.
///
/// The config file (`$CATALOG_CONFIG`, else `$XDG_CONFIG_HOME/catalog/config.toml`, else
/// `~/.config/catalog/config.toml`) holds what is the same from run to run: the default
/// catalog, API addresses, client ids, crawl concurrency. Each of its keys stands for an
/// environment variable (``Key/variable``), so the rest of the program reads one merged
/// environment in which a variable that is set wins over the file. Secrets are refused there:
/// they stay in the environment or in the 0600 credentials file.
struct Settings: Sendable {
    /// A setting the config file may hold.
    struct Key: Sendable {
        /// Its name in the file (`frameio.api_url`: key `api_url` of table `[frameio]`).
        var name: String
        /// The environment variable it stands for.
        var variable: String
        /// Its default, in words.
        var fallback: String
    }

    /// The keys the config file takes, in the order `catalog config` shows them.
    static let keys: [Key] = [
        Key(name: "db", variable: "CATALOG_DB", fallback: "$XDG_DATA_HOME/catalog/catalog.sqlite or ~/.local/share/catalog/catalog.sqlite"),
        Key(name: "frameio.api_url", variable: "FRAMEIO_API_URL", fallback: "https://api.frame.io/v4"),
        Key(name: "frameio.client_id", variable: "FRAMEIO_CLIENT_ID", fallback: "none"),
        Key(name: "frameio.auth_url", variable: "FRAMEIO_AUTH_URL", fallback: IMSAuth.defaultAuthURL),
        Key(name: "frameio.scopes", variable: "FRAMEIO_SCOPES", fallback: "the sign-in's defaults"),
        Key(name: "dash.api_url", variable: "DASH_API_URL", fallback: "https://api-v2.dash.app"),
        Key(name: "dash.auth_url", variable: "DASH_AUTH_URL", fallback: "https://login.dash.app"),
        Key(name: "dash.client_id", variable: "DASH_CLIENT_ID", fallback: "none"),
        Key(name: "dash.asset_url", variable: "DASH_ASSET_URL", fallback: "none (catalog open cannot open Dash assets)"),
        Key(name: "crawl.concurrency", variable: "CATALOG_CONCURRENCY", fallback: "8"),
        Key(name: "crawl.stats", variable: "CATALOG_STATS", fallback: "1m"),
        Key(name: "crawl.thumbnails", variable: "CATALOG_THUMBNAILS", fallback: "false"),
        Key(name: "crawl.comments", variable: "CATALOG_COMMENTS", fallback: "false"),
        Key(name: "crawl.thumbnail_cache_size", variable: "CATALOG_THUMBNAIL_CACHE_SIZE", fallback: "1GB"),
        Key(name: "serve.refresh", variable: "CATALOG_SERVE_REFRESH", fallback: "never"),
    ]

    /// The secrets, which only the environment (or the credentials file) may hold.
    static let secrets = [
        "FRAMEIO_TOKEN", "FRAMEIO_REFRESH_TOKEN", "FRAMEIO_CLIENT_SECRET", "DASH_TOKEN", "DASH_REFRESH_TOKEN", "DASH_CLIENT_SECRET",
    ]

    /// The config file's path.
    let path: String
    /// Whether it exists.
    let fileExists: Bool
    /// Its values by environment variable.
    let fileValues: [String: String]
    /// The process's environment.
    let processEnvironment: [String: String]

    /// The environment commands read: the process's, with the config file's values for the
    /// variables it does not set.
    var environment: [String: String] {
        processEnvironment.merging(fileValues) { set, _ in set }
    }

    /// Where a value came from.
    enum Origin: Equatable {
        case environment(String)
        case file
        case fallback
    }

    /// A setting's value and where it came from.
    func value(_ key: Key) -> (value: String, origin: Origin) {
        if let set = processEnvironment[key.variable], !set.isEmpty { return (set, .environment(key.variable)) }
        if let inFile = fileValues[key.variable] { return (inFile, .file) }
        return (key.fallback, .fallback)
    }

    /// The settings of this process (the config file read once; a broken file is an error
    /// each command reports).
    static let current: Result<Settings, ConfigurationError> = Result { try load(environment: ProcessInfo.processInfo.environment) }
        .mapError { $0 as? ConfigurationError ?? ConfigurationError(description: "\($0)") }

    /// The environment commands read (see ``environment``), or the config file's error.
    static func environment() throws -> [String: String] { try current.get().environment }

    /// Where the config file is for `environment`.
    static func path(environment: [String: String]) -> String {
        if let explicit = environment["CATALOG_CONFIG"], !explicit.isEmpty { return explicit }
        return ConfigDirectory.path(environment) + "/config.toml"
    }

    /// Reads the config file for `environment` (none is fine: every setting then has its default).
    static func load(environment: [String: String]) throws -> Settings {
        let path = path(environment: environment)
        guard FileManager.default.fileExists(atPath: path) else {
            return Settings(path: path, fileExists: false, fileValues: [:], processEnvironment: environment)
        }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw ConfigurationError(description: "the config file \(path) cannot be read as UTF-8 text. Fix or remove it.")
        }
        let table: [String: TOMLSubset.Value]
        switch Result(catching: { () throws(TOMLSubset.Failure) in try TOMLSubset.parse(text) }) {
        case .success(let parsed): table = parsed
        case .failure(let error):
            throw ConfigurationError(
                description: "the config file \(path), line \(error.line): \(error.message). Fix it, or remove it to use the defaults.")
        }
        var values: [String: String] = [:]
        for (name, value) in table.sorted(by: { $0.key < $1.key }) {
            guard let key = keys.first(where: { $0.name == name }) else {
                let secret = ["token", "refresh_token", "client_secret", "secret"].contains(name.split(separator: ".").last.map(String.init) ?? "")
                if secret {
                    throw ConfigurationError(
                        description:
                            """
                            the config file \(path) holds \(name), a secret. Secrets stay out of config files: set it in the environment, or \
                            sign in with `catalog login frameio` (the credentials file is 0600). Remove it from the file.
                            """
                    )
                }
                let close = Suggestions.closest(to: name, among: keys.map(\.name))
                throw ConfigurationError(
                    description:
                        """
                        the config file \(path) has an unknown setting \
                        '\(TerminalText.sanitize(name))'.\(Suggestions.didYouMean(close)) \
                        Settings: \(keys.map(\.name).joined(separator: ", ")).
                        """
                )
            }
            values[key.variable] = value.text
        }
        return Settings(path: path, fileExists: true, fileValues: values, processEnvironment: environment)
    }
}

/// The part of TOML a settings file needs: `[table]` headers, `key = value` with a basic or
/// literal string, an integer, a float or a boolean, and `#` comments. Anything else (arrays,
/// inline tables, dates, multi-line strings, dotted keys) is refused with its line number
/// rather than guessed at: the only TOML package available to this build (TOMLKit) depends on
/// a package outside the machine's set and cannot be resolved.
enum TOMLSubset {
    /// A value as written.
    enum Value: Equatable {
        case string(String)
        case number(String)
        case bool(Bool)

        /// The value as an environment variable would hold it.
        var text: String {
            switch self {
            case .string(let text), .number(let text): text
            case .bool(let value): value ? "true" : "false"
            }
        }
    }

    struct Failure: Error {
        var line: Int
        var message: String
    }

    /// The file's values by dotted name (`frameio.api_url`).
    static func parse(_ text: String) throws(Failure) -> [String: Value] {
        var values: [String: Value] = [:]
        var table = ""
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = index + 1
            let line = raw.trimmingCharacters(in: .whitespaces.union(CharacterSet(charactersIn: "\r")))
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("[") {
                guard !line.hasPrefix("[["), let close = line.firstIndex(of: "]") else {
                    throw Failure(line: number, message: "a table header is written [name] (arrays of tables are not settings)")
                }
                let name = line[line.index(after: line.startIndex)..<close].trimmingCharacters(in: .whitespaces)
                let rest = line[line.index(after: close)...].trimmingCharacters(in: .whitespaces)
                guard isBareKey(name), rest.isEmpty || rest.hasPrefix("#") else {
                    throw Failure(line: number, message: "'\(TerminalText.sanitize(String(line)))' is not a table header such as [frameio]")
                }
                table = name
                continue
            }
            guard let equals = line.firstIndex(of: "=") else {
                throw Failure(line: number, message: "expected key = value, a [table] or a # comment")
            }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces)
            guard isBareKey(key) else {
                throw Failure(line: number, message: "'\(TerminalText.sanitize(key))' is not a key (letters, digits, _ and -)")
            }
            let value = try parseValue(line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces), line: number)
            let name = table.isEmpty ? key : table + "." + key
            guard values.updateValue(value, forKey: name) == nil else { throw Failure(line: number, message: "\(name) is set twice") }
        }
        return values
    }

    private static func isBareKey(_ key: String) -> Bool {
        !key.isEmpty && key.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) && $0.isASCII || $0 == "_" || $0 == "-" }
    }

    /// A value and what may follow it on its line (a comment).
    private static func parseValue(_ text: String, line: Int) throws(Failure) -> Value {
        func rest(after index: String.Index) throws(Failure) {
            let tail = text[index...].trimmingCharacters(in: .whitespaces)
            guard tail.isEmpty || tail.hasPrefix("#") else {
                throw Failure(line: line, message: "unexpected '\(TerminalText.sanitize(tail))' after the value")
            }
        }
        if text.hasPrefix("\"\"\"") || text.hasPrefix("'''") { throw Failure(line: line, message: "multi-line strings are not settings") }
        if text.hasPrefix("'") {
            let body = text.dropFirst()
            guard let close = body.firstIndex(of: "'") else { throw Failure(line: line, message: "the string has no closing '") }
            try rest(after: body.index(after: close))
            return .string(String(body[..<close]))
        }
        if text.hasPrefix("\"") {
            var result = ""
            var index = text.index(after: text.startIndex)
            while index < text.endIndex {
                let c = text[index]
                if c == "\"" {
                    try rest(after: text.index(after: index))
                    return .string(result)
                }
                if c == "\\" {
                    index = text.index(after: index)
                    guard index < text.endIndex else { break }
                    switch text[index] {
                    case "\"": result.append("\"")
                    case "\\": result.append("\\")
                    case "n": result.append("\n")
                    case "t": result.append("\t")
                    default: throw Failure(line: line, message: "the escape \\\(text[index]) is not one a setting needs (\\\" \\\\ \\n \\t)")
                    }
                } else {
                    result.append(c)
                }
                index = text.index(after: index)
            }
            throw Failure(line: line, message: "the string has no closing \"")
        }
        let word = text.prefix { !$0.isWhitespace && $0 != "#" }
        try rest(after: word.endIndex)
        switch word {
        case "true": return .bool(true)
        case "false": return .bool(false)
        default:
            let digits = word.replacingOccurrences(of: "_", with: "")
            guard !digits.isEmpty, Double(digits) != nil, digits.allSatisfy({ $0.isNumber || "+-.eE".contains($0) }) else {
                throw Failure(
                    line: line,
                    message: "'\(TerminalText.sanitize(String(word)))' is not a setting's value: write a \"string\", a number or true/false")
            }
            return .number(digits)
        }
    }
}

extension Settings {
    /// The setting in `variable` (from the environment or the config file) read by `parse`, or
    /// `fallback` when unset; a value `parse` refuses is a configuration error naming both.
    /// A yes/no setting (`true` or `false`, any case), off when unset.
    static func flag(_ variable: String, in environment: [String: String]) throws -> Bool {
        try setting(variable, in: environment, default: false) { ["true": true, "false": false][$0.lowercased()] }
    }

    static func setting<T>(_ variable: String, in environment: [String: String], default fallback: T, _ parse: (String) -> T?) throws -> T {
        guard let text = environment[variable]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return fallback }
        guard let value = parse(text) else {
            let key = Settings.keys.first { $0.variable == variable }.map { " (the config file's \($0.name))" } ?? ""
            throw ConfigurationError(
                description:
                    "\(variable)\(key) is '\(TerminalText.sanitize(text))', which is not a value it takes. Fix it, or unset it for the default.")
        }
        return value
    }
}

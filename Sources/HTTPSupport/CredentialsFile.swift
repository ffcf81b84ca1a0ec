import CatalogCore
import Foundation

/// A small JSON file of secrets (mode 0600, in a 0700 directory) that outlive a process: a
/// rotated refresh token must be kept, or the next run cannot sign in. Never the catalog.
///
/// Location: `CATALOG_CREDENTIALS`, else `$XDG_CONFIG_HOME/catalog/credentials.json`, else
/// `~/.config/catalog/credentials.json`. Writes are atomic (temporary file, then rename).
public struct CredentialsFile: Sendable {
    /// The file's path.
    public let path: String

    /// A file at `path`.
    public init(path: String) { self.path = path }

    /// The file the environment names (see the type's documentation).
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> CredentialsFile {
        if let explicit = environment["CATALOG_CREDENTIALS"], !explicit.isEmpty { return CredentialsFile(path: explicit) }
        return CredentialsFile(path: ConfigDirectory.path(environment) + "/credentials.json")
    }

    /// The section `name` (e.g. `dash`): string keys to string values; empty when absent.
    public func section(_ name: String) -> [String: String] {
        guard let data = FileManager.default.contents(atPath: path), let json = try? JSONParser.parse(Array(data)),
            let members = json[name]?.objectMembers
        else { return [:] }
        var result: [String: String] = [:]
        for (key, value) in members { if let s = value.stringValue { result[key] = s } }
        return result
    }

    /// Replaces the section `name`, keeping the others.
    public func write(section name: String, _ values: [String: String]) throws {
        try rewrite(without: name, adding: (name, .object(values.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })))
    }

    /// Forgets the section `name`, keeping the others; whether there was one.
    @discardableResult
    public func remove(section name: String) throws -> Bool {
        guard !section(name).isEmpty else { return false }
        try rewrite(without: name, adding: nil)
        return true
    }

    /// Writes the file again (0600, atomically) without the section `name`, with `added` last.
    private func rewrite(without name: String, adding added: (key: String, value: JSONValue)?) throws {
        var members: [(key: String, value: JSONValue)] = []
        if let data = FileManager.default.contents(atPath: path), let json = try? JSONParser.parse(Array(data)),
            let existing = json.objectMembers
        {
            members = existing.filter { $0.key != name }
        }
        if let added { members.append(added) }
        try PrivateFile.write(Array(JSONWriter.string(.object(members)).utf8) + [0x0A], to: path)
    }
}

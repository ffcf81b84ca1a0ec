import CatalogCore
import Crypto
import Foundation
import Synchronization

/// The named read-only tokens of a team host (`catalog tokens add NAME`): one per person, so one
/// can be revoked without the others. The file keeps each token's SHA-256, never the token
/// (which is shown once, when made): `{"tokens":[{"name","sha256","created"}]}`, mode 0600.
///
/// Location: `CATALOG_SERVE_TOKENS`, else `$XDG_CONFIG_HOME/catalog/serve-tokens.json`, else
/// `~/.config/catalog/serve-tokens.json`.
public struct ReaderTokens: Sendable {
    public struct Entry: Sendable, Equatable {
        public var name: String
        /// Lowercase hex SHA-256 of the token.
        public var sha256: String
        public var created: String
    }

    public let path: String

    public init(path: String) { self.path = path }

    /// The file the environment names (see the type's documentation).
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> ReaderTokens {
        if let explicit = environment["CATALOG_SERVE_TOKENS"], !explicit.isEmpty { return ReaderTokens(path: explicit) }
        return ReaderTokens(path: ConfigDirectory.path(environment) + "/serve-tokens.json")
    }

    /// A file that cannot be used as it is.
    public struct Problem: CatalogFailure, Sendable {
        public var description: String
        public var failureClass: FailureClass = .configuration
    }

    /// The tokens in the file; none when there is no file.
    public func entries() throws(Problem) -> [Entry] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        guard let json = try? JSONParser.parse(Array(data)), let tokens = json["tokens"]?.arrayValue else {
            throw Problem(description: "\(path) is not a tokens file (written by catalog tokens add)")
        }
        return try tokens.map { (token: JSONValue) throws(Problem) -> Entry in
            guard let name = token["name"]?.stringValue, let hash = token["sha256"]?.stringValue, hash.count == 64,
                hash.allSatisfy(\.isHexDigit)
            else { throw Problem(description: "\(path) holds a token without a name or a SHA-256") }
            return Entry(name: name, sha256: hash.lowercased(), created: token["created"]?.stringValue ?? "")
        }
    }

    /// Makes a token for `name` and keeps its hash; returns the token (shown once).
    public func add(name: String, now: Date = Date()) throws -> String {
        guard Self.isName(name) else {
            throw Problem(
                description: "a token's name is 1 to 64 letters, digits and . _ @ - (e.g. mei or mei@studio), not '\(TerminalText.sanitize(name))'",
                failureClass: .usage)
        }
        var entries = try entries()
        guard !entries.contains(where: { $0.name == name }) else {
            throw Problem(
                description: "there is a token named \(name) already: revoke it first (catalog tokens revoke \(name))", failureClass: .usage)
        }
        var random = SystemRandomNumberGenerator()
        let token = "ctlg_" + (0..<24).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &random)) }.joined()
        entries.append(Entry(name: name, sha256: Self.hash(token), created: Timestamp.format(now)))
        try write(entries)
        return token
    }

    /// Forgets `name`'s token; whether there was one.
    @discardableResult
    public func revoke(name: String) throws -> Bool {
        let entries = try entries()
        guard entries.contains(where: { $0.name == name }) else { return false }
        try write(entries.filter { $0.name != name })
        return true
    }

    func write(_ entries: [Entry]) throws {
        let tokens = JSONValue.array(
            entries.map { .object([("name", .string($0.name)), ("sha256", .string($0.sha256)), ("created", .string($0.created))]) })
        try PrivateFile.write(Array(JSONWriter.string(.object([("tokens", tokens)]), canonical: false).utf8) + [0x0A], to: path)
    }

    static func isName(_ name: String) -> Bool {
        (1...64).contains(name.count)
            && name.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "._@-".unicodeScalars.contains($0)) }
    }

    /// Lowercase hex SHA-256 of `token`.
    public static func hash(_ token: String) -> String {
        SHA256.hash(data: Array(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}

/// The tokens a server takes: the shared one (`--token`), and the named ones of a tokens file,
/// read again whenever the file changes (a revoked token is refused from the next request on,
/// without a restart). A file that cannot be read refuses every named token until it is fixed.
final class TokenBook: Sendable {
    private struct State {
        var modified: Date?
        var size: Int = -1
        var entries: [ReaderTokens.Entry] = []
    }

    let shared: String?
    let file: ReaderTokens?
    private let state = Mutex(State())

    init(shared: String?, file: ReaderTokens?) {
        self.shared = shared
        self.file = file
    }

    /// Whether anything is asked of requests.
    var isEmpty: Bool { shared == nil && file == nil }

    /// The name of the token `given` is: `shared` for the shared token, a person's for a named
    /// one; nil when it is none of them. Compared in constant time, by hash for named tokens.
    func name(of given: String) -> String? {
        if let shared, TokenCheck.same(given, shared) { return "shared" }
        guard let file else { return nil }
        let hash = ReaderTokens.hash(given)
        var found: String?
        for entry in current(file) where TokenCheck.same(hash, entry.sha256) { found = entry.name }
        return found
    }

    private func current(_ file: ReaderTokens) -> [ReaderTokens.Entry] {
        let attributes = try? FileManager.default.attributesOfItem(atPath: file.path)
        let modified = attributes?[.modificationDate] as? Date
        let size = (attributes?[.size] as? Int) ?? -1
        return state.withLock { state in
            if state.modified != modified || state.size != size {
                state.entries = (try? file.entries()) ?? []
                state.modified = modified
                state.size = size
            }
            return state.entries
        }
    }
}

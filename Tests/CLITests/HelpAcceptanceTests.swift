import Foundation
import Testing

/// Issue 33: every flag and value a command's help lists is one the command accepts. Read from
/// the parser's own description of every command (`--experimental-dump-help`): each option is
/// given alone (each value it lists, or a value of its kind), followed by an option no command
/// has. The parser must stop at that last one, so nothing before it was refused and no command
/// ever runs.
@Suite struct HelpAcceptanceTests {
    static let sentinel = "--no-such-option-anywhere"

    /// A command's path and the arguments of its help.
    struct Command {
        var path: [String]
        var arguments: [[String: Any]]
    }

    static func commands(_ node: [String: Any], path: [String]) -> [Command] {
        let here = Command(path: path, arguments: node["arguments"] as? [[String: Any]] ?? [])
        let below = (node["subcommands"] as? [[String: Any]] ?? []).flatMap { sub in
            commands(sub, path: path + [sub["commandName"] as? String ?? ""])
        }
        return [here] + below
    }

    /// Values to try for an option that lists none, one of which each option's kind takes.
    static let samples = ["1", "name", "file", "100MB", "7d", "15m", "a", "http://127.0.0.1:1", "frameio"]

    /// Whether the parser refused `flag` (or the value given it) in `stderr`: "Unknown option
    /// '--x'", "The value 'v' is invalid for '--x <v>'", "Missing value for '--x <v>'".
    static func refused(_ flag: String, _ stderr: String) -> Bool {
        let first = (stderr.split(whereSeparator: \.isNewline).first.map(String.init) ?? "").lowercased()
        return first.contains("unknown option '\(flag)'") || first.contains("is invalid for '\(flag) ")
            || first.contains("missing value for '\(flag) ") || first.contains(", \(flag) <")
    }

    @Test func everyFlagAndValueInHelpIsAccepted() async throws {
        let dump = try await runCatalog(["--experimental-dump-help"])
        let root = try #require(try JSONSerialization.jsonObject(with: Data(dump.stdout.utf8)) as? [String: Any])
        let tree = try #require(root["command"] as? [String: Any])
        // Each case: the arguments to try in turn (one must be taken), and what it checks.
        var cases: [(flag: String, tries: [[String]], label: String)] = []
        for command in Self.commands(tree, path: []) {
            // Those --help-hidden lists too (the sandbox's faults).
            let arguments = command.arguments
            // Required positionals get a value (the first it lists, else a word).
            let positionals = arguments.filter { $0["kind"] as? String == "positional" && !($0["isOptional"] as? Bool ?? true) }.map {
                ($0["allValues"] as? [String])?.first ?? "x"
            }
            for argument in arguments where argument["kind"] as? String != "positional" {
                guard let preferred = argument["preferredName"] as? [String: Any], let name = preferred["name"] as? String,
                    !["help", "version", "experimental-dump-help"].contains(name)
                else { continue }
                let flag = (preferred["kind"] as? String == "short" ? "-" : "--") + name
                let base = command.path + positionals + [flag]
                let label = (["catalog"] + command.path + [flag]).joined(separator: " ")
                if argument["kind"] as? String == "flag" {
                    cases.append((flag, [base + [Self.sentinel]], label))
                } else if let listed = argument["allValues"] as? [String] {
                    // Every value the help lists is taken.
                    cases += listed.map { (flag, [base + [$0, Self.sentinel]], label + " " + $0) }
                } else {
                    cases.append((flag, Self.samples.map { base + [$0, Self.sentinel] }, label + " VALUE"))
                }
            }
        }
        // No command may run for real: none has a catalog or a sign-in to use.
        let environment = ["CATALOG_DB": "/nonexistent/catalog.sqlite", "XDG_CONFIG_HOME": "/nonexistent"]
        let refusals = try await withThrowingTaskGroup(of: String?.self) { group in
            var refusals: [String] = []
            var next = cases.makeIterator()
            func add() -> Bool {
                guard let (flag, tries, label) = next.next() else { return false }
                group.addTask {
                    var last = ""
                    for arguments in tries {
                        let run = try await runCatalog(arguments, environment: environment)
                        guard Self.refused(flag, run.stderr) else { return nil }
                        last = run.stderr
                    }
                    return "\(label): \(last.prefix(240))"
                }
                return true
            }
            for _ in 0..<6 where add() {}
            while let result = try await group.next() {
                if let result { refusals.append(result) }
                _ = add()
            }
            return refusals
        }
        print("checked \(cases.count) options and values of help")
        #expect(cases.count > 150)
        #expect(refusals.isEmpty, "\(refusals.count) refused:\n\(refusals.sorted().joined(separator: "\n"))")
    }
}

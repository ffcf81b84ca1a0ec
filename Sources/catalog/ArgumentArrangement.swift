import ArgumentParser
import CatalogCore
import CatalogReports

/// What a command's options are, read from the parser's own description of it (the JSON of
/// `--experimental-dump-help`), so the arrangements below never keep a list by hand.
enum CommandOptions {
    /// Refuses a `--word` among a command's query words: a mistyped option (`--limt 5`), never a
    /// query (only single-dash words are exclusions). Says which was meant and lists `known`,
    /// the command's options; `--project` and `--json` get what to write instead.
    /// `known` is read only when there is something to refuse: reading it parses the command
    /// line's description, which validates this command again.
    static func refuseOptions(
        among words: [String], command: String, known: @autoclosure () -> (values: Set<String>, flags: Set<String>)
    ) throws {
        let dashed = words.prefix(while: { $0 != "--" }).filter { $0.hasPrefix("--") && $0.count > 2 }
        guard !dashed.isEmpty else { return }
        let known = known()
        // A known option among the words was written after `--`: it is the query's.
        guard let option = dashed.first(where: { !known.values.contains($0) && !known.flags.contains($0) }) else { return }
        if let format = OutputFormat(rawValue: String(option.dropFirst(2))) {
            throw ValidationError("unknown option '\(option)': the format is a value, --format \(format.rawValue)")
        }
        if option == "--project", command == "search" {
            throw ValidationError("unknown option '--project': a search names projects in its query, project:NAME (project:\"Spring Spot\")")
        }
        let names = known.values.union(known.flags).filter { $0.hasPrefix("--") && $0 != "--help" }.sorted()
        throw ValidationError(
            "unknown option '\(option)'.\(Suggestions.didYouMean(Suggestions.closest(to: option, among: names))) "
                + "\(command)'s options: \(names.joined(separator: ", ")).")
    }

    /// The names (`--db`, `-o`) of the options that take a value and of the flags of the
    /// command at `path` under `root`.
    static func names(under root: any ParsableCommand.Type, path: [String]) -> (
        values: Set<String>, flags: Set<String>
    ) {
        let description: String
        do {
            _ = try root.parseAsRoot(path + ["--experimental-dump-help"])
            return ([], [])
        } catch {
            description = root.fullMessage(for: error)
        }
        var values: Set<String> = []
        var flags: Set<String> = []
        guard let arguments = (try? JSONParser.parse(description))?["command"]?["arguments"]?.arrayValue else { return ([], []) }
        for argument in arguments {
            let kind = argument["kind"]?.stringValue
            for name in argument["names"]?.arrayValue ?? [] {
                guard let text = name["name"]?.stringValue else { continue }
                let spelled = (name["kind"]?.stringValue == "short" ? "-" : "--") + text
                if kind == "option" { values.insert(spelled) } else if kind == "flag" { flags.insert(spelled) }
            }
        }
        return (values, flags)
    }

    /// `arguments` of a command whose positional arguments are words of a query (`search`,
    /// `comments`) with its options first and every other argument after a `--`, so that a word
    /// starting with `-` anywhere (`-draft`, `-flicker`) is a query word, not the flags
    /// `-d -r -a -f -t`. A run of short flags (`-qv`) stays flags.
    static func queryWordsLast(_ arguments: [String], values: Set<String>, flags: Set<String>) -> [String] {
        guard let command = arguments.first else { return arguments }
        let shortFlags = Set(flags.filter { $0.count == 2 && !$0.hasPrefix("--") }.compactMap(\.last))
        var options: [String] = []
        var words: [String] = []
        var index = 1
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if argument == "--" {
                words += arguments[index...]
                break
            }
            let name = String(argument.prefix { $0 != "=" })
            if values.contains(name) {
                options.append(argument)
                if name == argument, index < arguments.count {
                    options.append(arguments[index])
                    index += 1
                }
            } else if flags.contains(argument)
                || (argument.count > 2 && argument.hasPrefix("-") && !argument.hasPrefix("--")
                    && argument.dropFirst().allSatisfy(shortFlags.contains))
            {
                options.append(argument)
            } else {
                words.append(argument)
            }
        }
        return [command] + options + (words.isEmpty ? [] : ["--"] + words)
    }
}

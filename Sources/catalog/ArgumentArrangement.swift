import ArgumentParser
import CatalogCore

/// What a command's options are, read from the parser's own description of it (the JSON of
/// `--experimental-dump-help`), so the arrangements below never keep a list by hand.
enum CommandOptions {
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

import ArgumentParser
import Foundation

/// `catalog-bench`: the measurements behind docs/benchmarks.md, run by `scripts/bench`.
///
/// Not installed for users; it links the same libraries as `catalog` so what it measures is
/// the shipped code.
@main
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catalog-bench",
        abstract: "Benchmarks for catalog (see scripts/bench and docs/benchmarks.md).",
        subcommands: [SearchBench.self, IngestBench.self, HashBench.self, JSONBench.self])

    /// Appends lines to a file, creating it when missing.
    static func append(_ lines: [String], to path: String) throws {
        let text = lines.map { $0 + "\n" }.joined()
        if let handle = FileHandle(forWritingAtPath: path) {
            defer { try? handle.close() }
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(text.utf8))
        } else {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        }
    }
}

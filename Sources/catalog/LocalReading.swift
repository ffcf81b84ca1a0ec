import ArgumentParser
import CatalogReports
import Crawler
import Foundation
import LocalFiles

/// The options of the commands that read every file under a folder (`where`, `verify`).
struct LocalReadOptions: ParsableArguments {
    @Flag(help: "Include hidden and system files (.DS_Store, .Trashes, …).")
    var includeHidden = false

    @Option(help: "Files read at once (default: one per core).")
    var concurrency: Int?

    func validate() throws {
        if let concurrency, !(1...64).contains(concurrency) { throw ValidationError("--concurrency must be between 1 and 64") }
    }

    /// Files read at once.
    var hashers: Int { concurrency ?? ProcessInfo.processInfo.activeProcessorCount }
}

/// What `where` and `verify` show around reading a folder.
enum LocalReading {
    /// Runs `body` with its reading shown on standard error (bytes read, rate, time left) under
    /// `source`, unless `quiet`.
    @discardableResult
    static func withProgress<T>(_ source: String, quiet: Bool, _ body: (HashProgress) async throws -> T) async throws -> T {
        let display = ProgressDisplay(quiet: quiet, statsInterval: 0)
        let hashing = HashProgress()
        var progress = CrawlProgress(source: source)
        progress.phase = .hashing
        progress.hashing = hashing
        display.callback(progress)
        display.start()
        defer { display.finish() }
        return try await body(hashing)
    }

    /// The verdict line on standard error, wrapped at words on a terminal; nothing when `quiet`
    /// (the exit status stays).
    static func verdict(_ line: String, quiet: Bool) {
        guard !quiet else { return }
        Terminal.say(line)
    }
}

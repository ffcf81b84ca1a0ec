import ArgumentParser
import Foundation
import Logging

/// `catalog`: an offline, searchable copy of a team's Frame.io and Dash holdings.
@main
struct Catalog: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catalog",
        abstract: "Keep an offline, searchable catalog of your Frame.io and Dash holdings.",
        discussion: """
            Crawl once with `catalog crawl` (FRAMEIO_TOKEN and/or DASH_TOKEN must be set), then search
            offline with `catalog search`. Try it without an account: `catalog demo` crawls a local sandbox.
            Exit codes: 0 success, 1 error, 2 configuration or authentication error (token, URL),
            3 catalog database error, 4 the service could not be read completely, 64 bad usage.
            """,
        version: "0.1.0",
        subcommands: [
            CrawlCommand.self, SearchCommand.self, DupesCommand.self, ChangesCommand.self, ExportCommand.self, StatusCommand.self,
            SandboxCommand.self, DemoCommand.self,
        ]
    )

    /// `--verbose` logs at debug level; `CATALOG_LOG_LEVEL` (trace, debug, info, notice, warning,
    /// error, critical) overrides either, e.g. `trace` logs every request.
    static func bootstrapLogging(verbose: Bool) {
        let named = ProcessInfo.processInfo.environment["CATALOG_LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0.lowercased()) }
        let level = named ?? (verbose ? .debug : .warning)
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }
}

import ArgumentParser
import CatalogCore
import CatalogReports
import CatalogStore
import Crawler
import Foundation
import LocalChecks
import LocalFiles

/// `catalog where PATH`: is every file on this card or drive already in Frame.io or Dash?
struct WhereCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "where",
        abstract: "Is every file under a folder (a card, a drive) already in Frame.io or Dash?",
        discussion: """
            For every file under PATH: where the same content is catalogued. Exact: Frame.io v2 by XXH64, Dash by MD5. Probable: Frame.io V4 keeps \
            no checksum, so the same name and size. Pending: a Frame.io v2 file of that name and size whose checksum is not computed yet. Missing: \
            none of these.

            Digests come from the catalog for files `catalog crawl local` scanned and that are unchanged (size, modification time, inode; a file \
            renamed on a drive whose inode numbers last is found by its inode), or from a \
            hash list on the volume (ASC MHL ascmhl/, MHL 1.1 .mhl) that describes the file as it is; other files are read (XXH64, and MD5 when the \
            catalog holds Dash), several at once. The hash lists themselves are not checked.

            A one-line verdict goes to standard error. Exit 0 only when every file has an exact copy (with --allow-probable, an exact or probable \
            one), else 1 (an empty folder too): scriptable before wiping a card. Formats: reports.md (in share/doc/catalog/docs).

            Examples:
              catalog where /media/$USER/A001 && echo safe to wipe
              catalog where /media/$USER/A001 --rehash --format csv -o A001-copies.csv
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The folder (or file) to check.", valueName: "path"), completion: .directory)
    var path: String

    @Flag(help: "Count probable copies (Frame.io V4: same name and size) as safe for the exit status.")
    var allowProbable = false

    @Flag(help: "Read every file, even one the catalog holds unchanged or a hash list (ASC MHL, MHL 1.1) describes.")
    var rehash = false

    @OptionGroup var reading: LocalReadOptions

    @OptionGroup var report: ReportOptions

    func run() async throws {
        Catalog.bootstrapLogging(verbose: global.verbose)
        let totals: CopyCheckTotals
        let database = try global.openDatabase()
        let chosen = report.chosenFormat
        let checker = CopyChecker(
            database: database, scan: LocalScanOptions(includeHidden: reading.includeHidden, rehash: rehash, hashers: reading.hashers))
        var checks: [CopyCheck] = []
        let outcome = try await LocalReading.withProgress("where", quiet: global.quiet) { hashing in
            try await checker.check(path, progress: hashing) { checks.append($0) }
        }
        totals = try Self.write(checks, outcome, format: chosen, to: report.output.target)
        LocalReading.verdict(CopyCheckWriter.verdict(totals, acceptingProbable: allowProbable), quiet: global.quiet)
        if !totals.allSafe(acceptingProbable: allowProbable) { throw ExitCode(1) }
    }

    /// Writes each file's answer and returns the totals the verdict is made of: the answers',
    /// and what the check left out and took without reading (`catalog where` and `demo --card`).
    static func write(_ checks: [CopyCheck], _ outcome: CopyChecker.Outcome, format: OutputFormat, to output: OutputTarget) throws
        -> CopyCheckTotals
    {
        var written = CopyCheckTotals()
        try AtomicOutput.write(to: output) { sink in
            var writer = CopyCheckWriter(format: format, width: Terminal.columns, sink: sink)
            try writer.begin()
            for check in checks { try writer.write(check) }
            try writer.end()
            written = writer.totals
        }
        written.hiddenLeftOut = outcome.hiddenLeftOut
        written.hiddenExamples = outcome.hiddenExamples
        written.fromScan = outcome.fromScan
        written.lastScanAge = outcome.lastScan.map { Date().timeIntervalSince($0) }
        written.fromHashLists = outcome.fromHashLists
        written.unusableLists = outcome.unusableLists.map(\.description)
        written.catalogued = outcome.catalogued.map { ($0.service, $0.finished.map { Date().timeIntervalSince($0) }, $0.laterFailed) }
        return written
    }
}

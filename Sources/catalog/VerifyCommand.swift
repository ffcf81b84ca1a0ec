import ArgumentParser
import CatalogCore
import CatalogReports
import CatalogStore
import Crawler
import Foundation
import LocalChecks
import LocalFiles

/// `catalog verify PATH`: are the files under this folder still what their hash lists and the
/// catalog say?
struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Read every file under a folder again and compare it with its hash lists and the catalog.",
        discussion: """
            Every file under PATH is read (XXH64, and whatever else a record gives it in: MD5, SHA-1, XXH3, XXH128, C4) and held against the \
            folder's hash lists (ASC MHL ascmhl/ histories, MHL 1.1 .mhl files) and what `catalog crawl local` last recorded for it. Each file is \
            verified, mismatched (a record says X, the file is Y), missing (on record, not on the volume), new (on no record) or unreadable.

            With --seal, a new ASC MHL generation is then written for PATH (its ascmhl/ folder, created if need be), which the reference tool \
            (ascmhl) verifies. A subfolder with a history of its own gets its own generation, which PATH's names by reference, as ascmhl does; \
            directory hashes are recorded as ascmhl computes them.

            A one-line verdict goes to standard error. Exit 0 only when nothing mismatched, went missing or could not be read (hash lists included) \
            and something was held against a record (every file new: 1, unless --seal starts their history); else 1. Hidden files a record names are \
            verified; other hidden files are left out unless --include-hidden. As with ascmhl, links to files are followed and what a history's \
            ignore patterns name is left out. Without a catalog (none at --db or the default place), only the hash lists are used. Formats: \
            reports.md (in share/doc/catalog/docs).

            Examples:
              catalog verify /media/$USER/A001
              catalog verify /media/$USER/A001 --seal
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The folder to verify.", valueName: "path"), completion: .directory)
    var path: String

    @Flag(
        help:
            """
            Then write a new ASC MHL generation for PATH (PATH/ascmhl/): every file's XXH64, verified, failed (it differs from the history) or \
            original; hidden files included, .DS_Store left out, as ascmhl does.
            """
    )
    var seal = false

    @OptionGroup var reading: LocalReadOptions

    @OptionGroup var report: ReportOptions

    func run() async throws {
        Catalog.bootstrapLogging(verbose: global.verbose)
        let clean: Bool
        // A card is checked against its own hash lists with no catalog at all; the catalog's
        // last scan is one more witness when there is one.
        let (catalogPath, isDefault) = try global.databasePath()
        let database = FileManager.default.fileExists(atPath: catalogPath) ? try global.openDatabase() : nil
        if database == nil, !isDefault, !global.quiet {
            Terminal.error("no catalog at \(TerminalText.sanitize(catalogPath)): the files are held against their hash lists only")
        }
        let chosen = report.chosenFormat
        let verifier = Verifier(
            database: database, scan: LocalScanOptions(includeHidden: reading.includeHidden || seal, hashers: reading.hashers))
        var files: [FileVerification] = []
        let outcome = try await LocalReading.withProgress("verify", quiet: global.quiet) { hashing in
            try await verifier.verify(path, progress: hashing) { files.append($0) }
        }
        // A seal leaves out what ascmhl leaves out (`.DS_Store`, no record names it): the
        // verdict counts what is sealed.
        if seal { files.removeAll { $0.status == .new && ASCMHLWriter.isLeftOut($0.path) } }
        var verdict = ""
        var isClean = true
        try AtomicOutput.write(to: report.output.target) { sink in
            var writer = VerificationWriter(format: chosen, width: Terminal.columns, sink: sink)
            writer.unusableLists = outcome.unusableLists.map(\.description)
            writer.ignoredFiles = outcome.ignoredFiles
            writer.sealing = seal
            try writer.begin()
            for file in files { try writer.write(file) }
            try writer.end()
            (verdict, isClean) = (writer.verdict, writer.isClean)
        }
        LocalReading.verdict(verdict, quiet: global.quiet)
        if seal {
            // No card is sealed with something on it unread (a folder that cannot be listed, a
            // name in two Unicode forms): the generation would leave it out. (A file that does
            // not match a record the history lacks is refused by the writer, history by history.)
            let unread = files.filter { $0.status == .unreadable }.map(\.path)
            if !unread.isEmpty {
                throw ASCMHLWriter.Failure(
                    reason:
                        """
                        \(unread.count == 1 ? "1 file or folder" : "\(Count.grouped(unread.count)) files or folders") could not be read, and a \
                        new generation would leave \(unread.count == 1 ? "it" : "them") out:\u{20}
                        """
                            + unread.prefix(3).map { TerminalText.sanitize($0) }.joined(separator: ", ") + (unread.count > 3 ? ", …" : "")
                            + "; nothing was written")
            }
            // Nor while a hash list could not be read: what it holds was not checked.
            if !outcome.unusableLists.isEmpty {
                throw ASCMHLWriter.Failure(
                    reason:
                        """
                        \(Count.of(outcome.unusableLists.count, "hash list")) could not be read, so the files were not all checked; nothing \
                        was written
                        """
                )
            }
            let sealed = files.compactMap { file -> ASCMHLWriter.File? in
                guard file.status != .missing, let xxh64 = file.xxh64, let size = file.size, let modified = file.modified,
                    !ASCMHLWriter.isLeftOut(file.path)
                else { return nil }
                var others = file.otherDigests
                others["md5"] = file.md5
                var sealed = ASCMHLWriter.File(path: file.path, size: size, modified: modified, xxh64: xxh64, others: others)
                sealed.mismatched = file.status == .mismatched
                return sealed
            }
            let generations = try ASCMHLWriter.seal(
                sealed, folders: outcome.folders, folder: path, tool: "catalog", version: Catalog.configuration.version)
            for generation in generations {
                Terminal.error("sealed: \(Count.of(generation.files, "file")) in \(TerminalText.sanitize(path + "/" + generation.path))")
            }
        }
        clean = isClean
        if !clean { throw ExitCode(1) }
    }
}

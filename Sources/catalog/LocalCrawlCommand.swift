import ArgumentParser
import CatalogCore
import Crawler
import Foundation
import LocalFiles

/// `catalog crawl local PATH…`: scans folders on local drives and cards into the catalog.
struct LocalCrawlCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "local",
        abstract: "Scan folders on local drives and cards into the catalog.",
        discussion: """
            Every file's size, modification time and XXH64 (with --md5 also MD5, which Dash keeps), read once, files in parallel (--concurrency, \
            default one per core). A file whose size, modification time and inode are unchanged keeps its digests, and one an ASC MHL history \
            (ascmhl/) or MHL 1.1 list on the volume describes as it is (size, modification second) takes the list's (--rehash reads every file).

            Items are kept relative to the volume (its filesystem UUID or label, else the folder), so a card mounted elsewhere is the same \
            volume and an unplugged one stays searchable; only what is under the scanned folders is replaced. Hidden and system files are left \
            out (--include-hidden), links are not followed.

            Nothing in the catalog changes until the scan has read everything; a failed or interrupted scan leaves the previous catalog \
            searchable.

            Examples:
              catalog crawl local /media/$USER/A001
              catalog crawl local /mnt/raid/Project --md5 --concurrency 8
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The folders to scan (a card's or drive's root, or folders on it).", valueName: "path"))
    var paths: [String] = []

    @Flag(help: "Also compute MD5 (what Dash keeps; matches Dash assets), in the same read as XXH64.")
    var md5 = false

    @Flag(help: "Read every file, even one unchanged since the last scan or described by a hash list (ASC MHL, MHL 1.1).")
    var rehash = false

    /// --include-hidden and --concurrency, as `where` and `verify` read folders.
    @OptionGroup var reading: LocalReadOptions

    @Option(help: StatsInterval.help)
    var stats: StatsInterval?

    func validate() throws {
        guard !paths.isEmpty else { throw ValidationError("catalog crawl local needs the folders to scan, e.g. catalog crawl local /media/A001") }
    }

    func run() async throws {
        let scan = LocalScanOptions(md5: md5, includeHidden: reading.includeHidden, rehash: rehash, hashers: reading.hashers)
        try await CrawlRunner(global: global, stats: stats).run([.local]) { _, database, progress in
            try await LocalCrawler(folders: paths, database: database, options: CrawlOptions(progress: progress), scan: scan).run()
        }
    }
}

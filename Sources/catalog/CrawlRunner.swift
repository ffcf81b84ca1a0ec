import ArgumentParser
import CatalogCore
import CatalogStore
import Crawler
import Foundation

/// What every crawl command (`crawl`, `crawl local`) does around the crawls themselves: the
/// catalog opened for writing, and removed again when a first crawl fails (nothing would be in
/// it); the staging file removed on an interrupt; for each source in turn, the progress line,
/// the crawl, and its summary on stderr.
struct CrawlRunner {
    let global: GlobalOptions
    let environment: [String: String]
    let stats: StatsInterval

    init(global: GlobalOptions, stats: StatsInterval?) throws {
        Catalog.bootstrapLogging(verbose: global.verbose)
        self.global = global
        environment = try Settings.environment()
        self.stats =
            try stats ?? Settings.setting("CATALOG_STATS", in: environment, default: StatsInterval(seconds: 60)) { StatsInterval(argument: $0) }
    }

    /// Crawls each of `sources` into the catalog in turn; `crawl` runs one source's crawl with
    /// the catalog and the callback of its progress line.
    func run(
        _ sources: [Source], reports: ((CrawlReport) -> Void)? = nil,
        crawl: (Source, CatalogDatabase, @escaping @Sendable (CrawlProgress) -> Void) async throws -> CrawlReport
    ) async throws {
        let path = try global.databasePath().path
        // The crawl's staging file (CatalogStore's `<catalog>.staging`) goes if it is interrupted.
        Interrupts.removeOnInterrupt(path + ".staging")
        let existed = FileManager.default.fileExists(atPath: path)
        // Nor does a first crawl's new catalog, which holds nothing complete until it commits.
        let created = existed ? [] : [path, path + "-wal", path + "-shm", path + ".lock"]
        created.forEach(Interrupts.removeOnInterrupt)
        let database = try global.openDatabase(.readWrite)
        // A pulled catalog is the host's: its services are crawled there (a crawl here would
        // mix this machine's credentials into the host's copy, and the next pull replace it).
        if let origin = try database.pullOrigin(), let service = sources.first(where: { $0 != .local }) {
            throw UsageError(
                description: """
                    \(path) is pulled from the team host \(origin.url): \(service.displayName) is crawled there, and `catalog pull` \
                    brings the result here. To crawl it yourself, use another catalog (--db).
                    """)
        }
        do {
            for source in sources {
                let display = ProgressDisplay(quiet: global.quiet, statsInterval: stats.seconds)
                display.start()
                let report: CrawlReport
                do {
                    report = try await crawl(source, database, display.callback)
                    display.finish()
                    created.forEach(Interrupts.written)
                } catch {
                    display.finish()
                    throw error
                }
                if !global.quiet { Terminal.say(Summary.line(report)) }
                reports?(report)
                if global.verbose {
                    Terminal.error(
                        String(
                            format: "%@ timing: wall %.2f s, store %.2f s, HTTP %.2f s summed over concurrent requests",
                            report.source, report.elapsed, report.storeSeconds, report.transportSeconds))
                }
            }
        } catch {
            // A first crawl that failed leaves no catalog behind: nothing would be in it.
            if !existed, (try? Source.allCases.allSatisfy({ try database.lastCompleteCrawl(source: $0) == nil })) == true {
                for file in created { try? FileManager.default.removeItem(atPath: file) }
            }
            throw error
        }
    }
}

import ArgumentParser
import CatalogCore
import CatalogReports
import CatalogSandbox
import CatalogStore
import Crawler
import Foundation

/// `catalog demo`: the quick start — start the embedded sandbox, crawl it, search it.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Start the embedded sandbox, crawl it into a catalog, and run a search.",
        discussion: "Uses ./catalog-demo.sqlite unless --db is given; your real catalog is not touched.")

    @Option(name: .long, help: ArgumentHelp("The catalog file for the demo.", valueName: "path"))
    var db = "catalog-demo.sqlite"

    @OptionGroup var sandbox: SandboxOptions

    @Argument(help: "The search to run after the crawl.")
    var query: [String] = ["interview"]

    func run() async throws {
        Catalog.bootstrapLogging(verbose: false)
        do {
            let dataset = try sandbox.dataset()
            let server = SandboxServer(frameIO: dataset, configuration: sandbox.configuration())
            let database = try CatalogDatabase(path: db)
            let text = query.joined(separator: " ")
            let parsed = try SearchQueryParser().parse(text)
            let report = try await server.withRunning { url in
                Terminal.output("sandbox listening at \(url); crawling into \(database.path)")
                let crawler = CrawlerFactory.frameIO(
                    token: "sandbox-demo-token", baseURL: url, database: database,
                    options: CrawlOptions(progress: Terminal.progressPrinter(quiet: false)))
                return try await crawler.run()
            }
            Terminal.endProgress(quiet: false)
            Terminal.output(Summary.line(report))
            Terminal.output("\n$ catalog search --db \(db) \(text)")
            var writer = ItemWriter(format: .table, report: "search") { bytes in
                bytes.withUnsafeBytes { FileHandle.standardOutput.write(Data($0)) }
            }
            try writer.begin()
            for item in try database.search(parsed, limit: 20) { try writer.write(item) }
            try writer.end()
            Terminal.output("\nTry more: catalog search --db \(db) 'kind:file ext:mov' | 'label:approved' | 'size:>1GB' --format json")
        } catch {
            throw Failure.exit(error)
        }
    }
}

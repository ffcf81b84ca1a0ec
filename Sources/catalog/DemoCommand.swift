import ArgumentParser
import CatalogCore
import CatalogReports
import CatalogSandbox
import CatalogStore
import Crawler
import DashClient
import Foundation
import FrameIOV4Client
import HTTPSupport
import LocalChecks

/// `catalog demo`: the quick start — start the embedded sandbox, crawl it, search it.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Start the embedded sandbox, crawl it into a catalog, and run a search.",
        discussion: """
            Uses ./catalog-demo.sqlite unless --db is given; your real catalog is not touched.

            Examples:
              catalog demo
              catalog demo 'kind:file Rating:>=4' --db /tmp/demo.sqlite
            """)

    @Option(name: .long, help: ArgumentHelp("The catalog file for the demo.", valueName: "path"), completion: .file())
    var db = "catalog-demo.sqlite"

    @OptionGroup(title: "The data served") var data: SandboxData

    @Argument(help: "The search to run after the crawl.")
    var query: [String] = ["A001"]

    @Option(
        help: ArgumentHelp(
            """
            Also write a camera card (A002) to this new folder, some of its files uploaded to the sandbox's Dash and Frame.io V4, and run \
            catalog where on it.
            """,
            valueName: "folder"), completion: .directory)
    var card: String?

    func validate() throws {
        if let card, let contents = try? FileManager.default.contentsOfDirectory(atPath: card), !contents.isEmpty {
            throw ValidationError("--card \(card) is not empty: give a new folder for the demo card")
        }
    }

    func run() async throws {
        Catalog.bootstrapLogging(verbose: false)
        let dataset = try data.dataset()
        var v4 = data.v4Dataset()
        var dash = try data.dashDataset()
        let demoCard = SandboxCard.generated()
        if let card {
            try demoCard.write(to: card)
            demoCard.upload(to: &dash, &v4)
        }
        // The demo's sandbox: no limits, no faults, no sign-in (those are `catalog sandbox`'s flags).
        var configuration = try SandboxOptions.parse([]).configuration()
        configuration.dashAuth = nil  // the demo signs in with plain tokens
        configuration.ims = nil
        let server = SandboxServer(frameIO: dataset, frameIOV4: v4, dash: dash, configuration: configuration)
        let database = try CatalogDatabase(path: db)
        let text = query.joined(separator: " ")
        let reports = try await server.withRunning { urls in
            Terminal.say("sandbox listening at \(urls.frameIOV4) (Frame.io V4) and \(urls.dash) (Dash); crawling into \(database.path)")
            let display = ProgressDisplay(quiet: false, statsInterval: 0)
            var options = CrawlOptions(progress: display.callback)
            // Each run starts a new sandbox: a delta from the last run's would be held against
            // another service (`demo` then `demo --card` called every card file missing).
            options.mode = .full
            // The sandbox serves a picture per file: the demo's catalog shows them in catalog serve.
            options.thumbnails = ThumbnailFetcher(cache: ThumbnailCache(database: database))
            // And its review comments, for `catalog comments` and `comment:` searches.
            var frameIOOptions = options
            frameIOOptions.comments = true
            display.start()
            defer { display.finish() }
            let ims = IMSAuth(mode: .token("sandbox-demo-token"), transport: AsyncHTTPClientTransport(), credentials: nil)
            let frameIO = try await CrawlerFactory.frameIOV4(auth: ims, baseURL: urls.frameIOV4, database: database, options: frameIOOptions)
                .run()
            let auth = DashAuth(mode: .token("sandbox-demo-token"), transport: AsyncHTTPClientTransport(), credentials: nil)
            let dash = try await CrawlerFactory.dash(auth: auth, baseURL: urls.dash, database: database, options: options).run()
            return [frameIO, dash]
        }
        // What the crawls did goes where every crawl's summary goes, stderr: stdout is results.
        for report in reports { Terminal.say(Summary.line(report)) }
        let parsed = try database.parseQuery(text)
        Terminal.output("\n$ catalog search --db \(db) \(text)")
        let found = try database.search(parsed, limit: 20)
        try SearchCommand.print(found, of: parsed, format: .table, from: database)
        if found.isEmpty { Terminal.say("no results") }
        if let card {
            Terminal.output("\n$ catalog where --db \(db) \(card)")
            var checks: [CopyCheck] = []
            let outcome = try await CopyChecker(database: database).check(card) { checks.append($0) }
            let totals = try WhereCommand.write(checks, outcome, format: .table, to: OutputTarget())
            // The verdict goes where `catalog where` puts it: stderr.
            Terminal.say(CopyCheckWriter.verdict(totals))
        }
        // One command per line, each ready to paste.
        let queries = ["'kind:file ext:mov'", "'\"Review Status\":Approved'", "'size:>1GB' --format json", "'Brand:Acme state:live'"]
        Terminal.error(
            "\nTry more:\n" + queries.map { "  catalog search --db \(db) \($0)" }.joined(separator: "\n")
                + "\n  catalog comments --db \(db) logo   # review notes")
    }
}

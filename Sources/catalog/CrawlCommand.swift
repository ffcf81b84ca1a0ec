import ArgumentParser
import CatalogCore
import CatalogReports
import CatalogStore
import Crawler
import DashClient
import Foundation
import FrameIOClient
import FrameIOV4Client
import HTTPSupport
import LocalFiles

/// `catalog crawl`: refreshes the catalog from every configured service; `catalog crawl frameio`
/// and `catalog crawl dash` from one; `catalog crawl local PATH…` (``LocalCrawlCommand``) scans
/// folders on local volumes.
struct CrawlCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crawl",
        abstract: "Snapshot whole Frame.io trees and Dash tenants, or local drives and cards, into the catalog.",
        discussion: """
            After a service's first complete crawl, each crawl is a delta of what changed (Frame.io V4 reads it from the \
            accounts' audit logs); --full reads everything again. With no service named, every configured one is crawled: \
            Frame.io after `catalog login frameio` or with FRAMEIO_TOKEN, Dash with DASH_TOKEN (every variable: usage.md \
            in share/doc/catalog/docs). Nothing in the catalog changes until a crawl has read everything.

            Examples:
              catalog crawl                          # every configured service
              catalog crawl frameio --full           # Frame.io, read whole
              catalog crawl local /media/$USER/A001  # a card: see its --help
            """,
        subcommands: [AllCrawlCommand.self, FrameIOCrawlCommand.self, DashCrawlCommand.self, LocalCrawlCommand.self],
        defaultSubcommand: AllCrawlCommand.self)

    /// The options of the crawl commands that take a value (`--db PATH`): their values are not
    /// what is crawled. Read from the parser's own description of each subcommand (the JSON
    /// `--experimental-dump-help` prints), so an option added to a crawl command is known here.
    static let valueOptions: Set<String> = configuration.subcommands.reduce(into: []) { names, subcommand in
        names.formUnion(CommandOptions.names(under: CrawlCommand.self, path: [subcommand._commandName]).values)
    }

    /// `arguments` with what to crawl moved next to `crawl`, where the parser looks for it:
    /// `catalog crawl --full dash` and `catalog crawl --db X local /card` read as they did when
    /// crawl was one command.
    static func arranged(_ arguments: [String]) -> [String] {
        guard arguments.first == "crawl" else { return arguments }
        let names = configuration.subcommands.compactMap { $0.configuration.commandName }
        var index = 1
        while index < arguments.count {
            let argument = arguments[index]
            if argument == "--" { break }
            if names.contains(argument) {
                var moved = arguments
                moved.remove(at: index)
                moved.insert(argument, at: 1)
                return moved
            }
            index += valueOptions.contains(argument) ? 2 : 1
        }
        return arguments
    }
}

/// `catalog crawl [all]`: every configured service, one after the other.
struct AllCrawlCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "all", abstract: "Crawl every configured service, one after the other (the default).")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var crawl: CloudCrawlOptions

    func run() async throws { try await crawl.crawl(nil, global: global) }
}

/// `catalog crawl frameio`: Frame.io alone.
struct FrameIOCrawlCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "frameio", abstract: "Crawl Frame.io (V4, or v2 when FRAMEIO_API_URL ends in /v2).")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var crawl: CloudCrawlOptions

    func run() async throws { try await crawl.crawl(.frameio, global: global) }
}

/// `catalog crawl dash`: Dash alone.
struct DashCrawlCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "dash", abstract: "Crawl Dash.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var crawl: CloudCrawlOptions

    func run() async throws { try await crawl.crawl(.dash, global: global) }
}

/// The flags of a Frame.io or Dash crawl, and the crawl itself.
struct CloudCrawlOptions: ParsableArguments {

    @Option(name: .long, help: ArgumentHelp("The Frame.io API base URL, ending in /v4 or /v2 (overrides FRAMEIO_API_URL).", valueName: "url"))
    var frameioURL: String?

    @Option(name: .long, help: ArgumentHelp("The Dash API base URL (overrides DASH_API_URL).", valueName: "url"))
    var dashURL: String?

    @Option(help: "Pages fetched at once (default: CATALOG_CONCURRENCY, the config file's crawl.concurrency, else 8).")
    var concurrency: Int?

    @Flag(help: "A full crawl even when a delta refresh is possible.")
    var full = false

    @Flag(help: "Dash: a full pass that compares every asset (catches files replaced by older ones, whose date moves into the past).")
    var verify = false

    @Option(help: ArgumentHelp("Delta: ask for changes since this time instead of the last crawl's start.", valueName: "date"))
    var since: String?

    @Flag(help: "Apply a delta even when more than 10% of a source's items vanished at once.")
    var force = false

    @Option(help: "Page size asked of the service (it may honour less).")
    var pageSize = FrameIOClient.defaultPageSize

    @Option(help: StatsInterval.help)
    var stats: StatsInterval?

    @Option(help: "Seconds one request may take before it is abandoned and retried.")
    var timeout = 60.0

    @Flag(
        help: ArgumentHelp(
            """
            Also fetch each new or changed file's thumbnail into a cache beside the catalog (<catalog>.thumbnails), for catalog serve to show \
            offline (default: CATALOG_THUMBNAILS, crawl.thumbnails, else off).
            """
        ))
    var thumbnails = false

    @Flag(
        help: ArgumentHelp(
            """
            Frame.io V4: also read every file's review comments and replies, for comment: searches and catalog comments. One call \
            per file at 100 calls a minute: the first pass of a large account takes hours (it says how long, and resumes if \
            interrupted); later crawls read only the files whose comments changed (default: CATALOG_COMMENTS, crawl.comments, else \
            off).
            """
        ))
    var comments = false

    @Option(
        help: ArgumentHelp(
            """
            The most the thumbnail cache holds, e.g. 500MB or 2GiB; the oldest pictures go first (default: CATALOG_THUMBNAIL_CACHE_SIZE, \
            crawl.thumbnail_cache_size, else 1GB).
            """,
            valueName: "size"))
    var thumbnailCacheSize: ByteSize?

    var retry: RetryPolicy { RetryPolicy(timeout: .milliseconds(Int64(timeout * 1000))) }

    func validate() throws {
        if let concurrency, !(1...64).contains(concurrency) { throw ValidationError("--concurrency must be between 1 and 64") }
        if let since, Timestamp.parse(since) == nil {
            throw ValidationError("--since takes a date such as 2026-11-01 or 2026-11-01T09:00:00Z")
        }
        if since != nil, full || verify { throw ValidationError("--since is for a delta refresh; it cannot be combined with --full or --verify") }
        guard (1...10_000).contains(pageSize) else { throw ValidationError("--page-size must be between 1 and 10000") }
        guard (0.1...3600).contains(timeout) else { throw ValidationError("--timeout must be between 0.1 and 3600 seconds") }
    }

    /// Crawls `service`, or every configured service when nil.
    func crawl(_ service: Source?, global: GlobalOptions, reports: ((CrawlReport) -> Void)? = nil) async throws {
        let runner = try CrawlRunner(global: global, stats: stats)
        let environment = runner.environment
        let sources: [Source]
        if let service {
            sources = [service]
        } else {
            sources = Source.allCases.filter { SignIn.isConfigured($0, environment) }
            guard !sources.isEmpty else {
                throw ConfigurationError(
                    description:
                        """
                        no source is configured. Frame.io: `catalog login frameio` (with FRAMEIO_CLIENT_ID set), or FRAMEIO_TOKEN; Dash: \
                        DASH_TOKEN (or DASH_REFRESH_TOKEN with DASH_CLIENT_ID and DASH_CLIENT_SECRET); local drives: `catalog crawl local \
                        PATH`. To try catalog without an account: `catalog demo`.
                        """
                )
            }
        }
        let concurrency =
            try self.concurrency
            ?? Settings.setting("CATALOG_CONCURRENCY", in: environment, default: 8) { Int($0).flatMap { (1...64).contains($0) ? $0 : nil } }
        let fetchThumbnails =
            try thumbnails
            || Settings.flag("CATALOG_THUMBNAILS", in: environment)
        let readComments =
            try comments
            || Settings.flag("CATALOG_COMMENTS", in: environment)
        if readComments, service == .dash, comments {
            throw ValidationError(
                "--comments reads Frame.io V4 review comments; Dash has none to read (its API documents asset comments as coming soon)")
        }
        let cacheSize =
            try thumbnailCacheSize?.bytes
            ?? Settings.setting("CATALOG_THUMBNAIL_CACHE_SIZE", in: environment, default: ThumbnailCache.defaultCapacity) { ByteSize($0)?.bytes }
        try await runner.run(sources, reports: reports) { source, database, progress in
            var options = CrawlOptions(concurrency: concurrency, progress: progress)
            options.mode = full || verify ? .full : .automatic
            options.since = since.flatMap(Timestamp.parse)
            options.force = force
            options.typedLists = environment["CATALOG_V4_LISTS"] != "children"
            options.comments = readComments && source == .frameio
            if !global.quiet { options.notice = { Terminal.say($0) } }
            // Pictures follow --timeout too (at most 20 s each: a thumbnail is small), and are
            // read no further than the picture limit.
            if fetchThumbnails {
                options.thumbnails = ThumbnailFetcher(
                    cache: ThumbnailCache(database: database, capacity: cacheSize), timeout: .milliseconds(Int64(min(timeout, 20) * 1000)))
            }
            return source == .frameio
                ? try await crawlFrameIO(environment, database: database, options: options)
                : try await crawlDash(environment, database: database, options: options)
        }
    }

    func crawlFrameIO(_ environment: [String: String], database: CatalogDatabase, options: CrawlOptions) async throws -> CrawlReport {
        let name = frameioURL != nil ? "--frameio-url" : "FRAMEIO_API_URL"
        let baseURL = try SignIn.url(frameioURL ?? environment["FRAMEIO_API_URL"], default: FrameIOV4Client.defaultBaseURL, name: name)
        guard try SignIn.frameIOAPI(baseURL, name: name) == .v2 else {
            let transport = AsyncHTTPClientTransport()
            let auth = IMSAuth(
                mode: try SignIn.imsMode(environment), transport: transport, credentials: CredentialsFile.fromEnvironment(environment),
                timeout: .milliseconds(Int64(timeout * 1000)))
            let crawler = CrawlerFactory.frameIOV4(
                auth: auth, baseURL: baseURL, database: database, options: options, pageSize: min(pageSize, FrameIOV4Client.maxPageSize),
                transport: transport, retry: retry)
            return try await crawler.run()
        }
        if options.comments && comments {
            throw ValidationError("--comments reads Frame.io V4 review comments; \(baseURL) is the v2 API, which has ended")
        }
        guard let token = try SignIn.secret("FRAMEIO_TOKEN", in: environment) else {
            throw ConfigurationError(
                description:
                    """
                    FRAMEIO_TOKEN is not set. Export a Frame.io developer token (https://developer.frame.io) as FRAMEIO_TOKEN and run the \
                    crawl again; the catalog was not touched.
                    """
            )
        }
        let crawler = CrawlerFactory.frameIO(token: token, baseURL: baseURL, database: database, options: options, pageSize: pageSize, retry: retry)
        return try await crawler.run()
    }

    func crawlDash(_ environment: [String: String], database: CatalogDatabase, options: CrawlOptions) async throws -> CrawlReport {
        let mode = try SignIn.dashMode(environment)
        let baseURL = try SignIn.url(
            dashURL ?? SignIn.value("DASH_API_URL", in: environment), default: DashClient.defaultBaseURL, name: "--dash-url or DASH_API_URL")
        let transport = AsyncHTTPClientTransport()
        let auth = DashAuth(
            mode: mode, transport: transport, credentials: CredentialsFile.fromEnvironment(environment), timeout: .milliseconds(Int64(timeout * 1000))
        )
        let crawler = CrawlerFactory.dash(
            auth: auth, baseURL: baseURL, database: database, options: options, pageSize: min(pageSize, DashClient.defaultPageSize),
            transport: transport, retry: retry)
        return try await crawler.run()
    }

}

/// The one-line crawl summary.
enum Summary {
    static func line(_ report: CrawlReport) -> String {
        if let local = report.local { return localLine(report, local) }
        let s = report.stats
        let (c, h) = (s.changes, s.http)
        let g = Count.grouped
        return
            """
            \(report.source) \(report.mode): \(g(s.items)) items (\(g(c.added)) new, \(g(c.changed - c.moved)) changed, \(g(c.moved)) moved, \
            \(g(c.deleted)) deleted, \(g(c.unchanged)) unchanged),\u{20}
            """
                + "\(g(h.requests)) requests (minimum \(g(report.minimumRequests))), \(g(h.retries)) retries, \(g(h.throttled)) throttled (429), "
                + "\(h.rateLimitWaits) rate-limit waits, " + String(format: "%.1fs (store %.1fs)", report.elapsed, report.storeSeconds)
                + (report.thumbnails.map(thumbnails) ?? "") + (report.comments.map(comments) ?? "")
                + warnings(count: s.warningCount, kept: s.warnings)
    }

    /// `, comments (delta): N files read, N skipped, N failed; N comments (N new, N changed, N deleted)`.
    static func comments(_ c: CommentCounts) -> String {
        let g = Count.grouped
        let skipped = c.filesSkipped > 0 ? ", \(g(c.filesSkipped)) skipped" : ""
        let failed = c.filesFailed > 0 ? ", \(g(c.filesFailed)) failed" : ""
        return
            """
            , comments (\(c.mode)): \(Count.of(c.filesRead, "file")) read\(skipped)\(failed); \(Count.of(c.comments, "comment")) listed \
            (\(g(c.changes.added)) new, \(g(c.changes.changed)) changed, \(g(c.changes.deleted)) deleted)
            """
    }

    /// `local scan: 2,000 files (20.0 GB) in 12 folders on 1 volume; 1,990 hashed (19.9 GB at 512.0 MB/s), 10 reused; …`.
    static func localLine(_ report: CrawlReport, _ local: LocalScanCounts) -> String {
        let s = report.stats
        let c = s.changes
        let g = Count.grouped
        let rate = local.hashSeconds > 0 ? " at \(ByteCount.format(Int64(Double(local.hashedBytes) / local.hashSeconds)))/s" : ""
        var left: [String] = []
        if local.hidden > 0 { left.append("\(g(local.hidden)) hidden") }
        if local.special > 0 { left.append("\(g(local.special)) links or special files") }
        if local.otherVolumes > 0 { left.append("\(g(local.otherVolumes)) other volumes") }
        if local.unreadable > 0 { left.append("\(g(local.unreadable)) unreadable") }
        return
            """
            local scan: \(Count.of(local.files, "file")) (\(ByteCount.format(local.bytes))) in \(Count.of(local.folders, "folder")) on \
            \(Count.of(local.volumes, "volume"));\u{20}
            """
                + "\(g(local.hashed)) hashed (\(ByteCount.format(local.hashedBytes))\(rate)), \(g(local.reused)) reused"
                + (local.fromHashLists > 0 ? ", \(g(local.fromHashLists)) from hash lists" : "")
                + (local.failed > 0 ? ", \(g(local.failed)) unreadable files" : "")
                + (left.isEmpty ? "" : "; left out: " + left.joined(separator: ", "))
                // Items: the files and the folders (the counts before are files).
                + "; items: \(g(c.added)) new, \(g(c.changed - c.moved)) changed, \(g(c.moved)) moved, "
                + "\(g(c.deleted)) deleted, \(g(c.unchanged)) unchanged; "
                + String(format: "%.1fs (store %.1fs)", report.elapsed, report.storeSeconds) + warnings(count: s.warningCount, kept: s.warnings)
    }

    /// `, thumbnails: N fetched, N current, N failed, N evicted (cache N pictures, N MB)`.
    static func thumbnails(_ t: ThumbnailCounts) -> String {
        let g = Count.grouped
        return
            """
            , thumbnails: \(g(t.fetched)) fetched, \(g(t.current)) current, \(g(t.failed)) failed, \(g(t.evicted)) evicted (cache \
            \(g(t.files)) pictures, \(ByteCount.format(t.bytes)))
            """
    }

    /// `, N warnings` and the first few, one per line (the rest are in `catalog status`).
    static func warnings(count: Int, kept: [String]) -> String {
        guard count > 0 else { return "" }
        var text = ", \(count) warning\(count == 1 ? "" : "s")"
        for warning in kept.prefix(5) { text += "\n  warning: \(warning)" }
        if count > 5 { text += "\n  … and \(count - 5) more (catalog status lists \(min(count, CrawlStats.maxKeptWarnings)))" }
        return text
    }
}

/// An interval given as `90`, `30s`, `1m` or `2h` (`--stats`).
struct StatsInterval: ExpressibleByArgument {
    var seconds: Double

    init(seconds: Double) { self.seconds = seconds }

    init?(argument: String) {
        let text = argument.trimmingCharacters(in: .whitespaces).lowercased()
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600]
        let (number, unit) = text.last.flatMap { units[$0] }.map { (text.dropLast(), $0) } ?? (Substring(text), 1)
        guard let value = Double(number), value >= 0, value.isFinite, value * unit <= 86_400 else { return nil }
        seconds = value * unit
    }

    var defaultValueDescription: String { seconds.truncatingRemainder(dividingBy: 60) == 0 ? "\(Int(seconds / 60))m" : "\(Int(seconds))s" }

    /// The `--stats` flag's help, the same for every crawl.
    static let help = ArgumentHelp(
        """
        When stderr is not a terminal (a log, cron): a progress line this often (30s, 1m, 5m; 0 for none; default CATALOG_STATS, \
        crawl.stats, else 1m). On a terminal the line is redrawn live.
        """,
        valueName: "interval")
}

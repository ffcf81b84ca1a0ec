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

/// `catalog crawl [frameio|dash]`: refresh the catalog from the services; `catalog crawl local
/// PATH…`: scan folders on local volumes.
struct CrawlCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crawl",
        abstract: "Snapshot whole Frame.io trees and Dash tenants, or local drives and cards, into the catalog.",
        discussion: """
            After a complete crawl of a source, the next crawl of it is a delta refresh (only what changed since the last crawl started, minus 10 \
            minutes; Frame.io V4 reads it from the accounts' audit logs); --full or --verify force a full pass.

            With no source, crawls every configured one: Frame.io when FRAMEIO_TOKEN, FRAMEIO_REFRESH_TOKEN or FRAMEIO_CLIENT_ID is set (or `catalog \
            login frameio` saved a sign-in), Dash when DASH_TOKEN or DASH_REFRESH_TOKEN is set.

            Frame.io: FRAMEIO_API_URL (default \(FrameIOV4Client.defaultBaseURL)) ends in /v4 for Frame.io V4 or /v2 for accounts not yet moved. V4 \
            signs in through Adobe IMS (FRAMEIO_AUTH_URL, default \(IMSAuth.defaultAuthURL)): FRAMEIO_TOKEN (an access token, used as is), or \
            FRAMEIO_REFRESH_TOKEN + FRAMEIO_CLIENT_ID (+ FRAMEIO_CLIENT_SECRET), or FRAMEIO_CLIENT_ID + FRAMEIO_CLIENT_SECRET for server-to-server \
            (FRAMEIO_SCOPES, default \(IMSAuth.defaultServerScopes)), or the sign-in `catalog login frameio` saved. v2 takes FRAMEIO_TOKEN.

            Dash: DASH_TOKEN, or DASH_REFRESH_TOKEN + DASH_CLIENT_ID + DASH_CLIENT_SECRET (exchanged at DASH_AUTH_URL, default \
            \(DashClient.defaultAuthURL)); DASH_API_URL (default \(DashClient.defaultBaseURL)).

            Local: `catalog crawl local PATH…` scans folders (a camera card's or drive's root, or folders on it): every file's size, modification \
            time and XXH64 (with --md5 also MD5, which Dash keeps), read once, files in parallel (--concurrency, default one per core). A file whose \
            size, modification time and inode are unchanged keeps its digests, and one an ASC MHL history (ascmhl/) or MHL 1.1 list on the volume \
            describes as it is (size, modification second) takes the list's (--rehash reads every file). Items are kept relative to the volume (its \
            filesystem UUID or label, else the folder), so a card mounted elsewhere is the same volume and an unplugged one stays searchable; only \
            what is under the scanned folders is replaced. Hidden and system files are left out (--include-hidden), links are not followed.

            Nothing in the catalog changes until a crawl has read everything; a failed or interrupted crawl leaves the previous catalog searchable.
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The source to crawl: frameio, dash, or local and the folders to scan (default: every configured service).")
    var source: Source?

    @Argument(help: ArgumentHelp("local: the folders to scan (a card's or drive's root, or folders on it).", valueName: "path"))
    var paths: [String] = []

    @Flag(help: "local: also compute MD5 (what Dash keeps; matches Dash assets), in the same read as XXH64.")
    var md5 = false

    @Flag(help: "local: include hidden and system files and folders (.DS_Store, .Trashes, System Volume Information).")
    var includeHidden = false

    @Flag(help: "local: read every file, even one unchanged since the last scan or described by a hash list (ASC MHL, MHL 1.1).")
    var rehash = false

    @Option(name: .long, help: ArgumentHelp("The Frame.io API base URL, ending in /v4 or /v2 (overrides FRAMEIO_API_URL).", valueName: "url"))
    var frameioURL: String?

    @Option(name: .long, help: ArgumentHelp("The Dash API base URL (overrides DASH_API_URL).", valueName: "url"))
    var dashURL: String?

    @Option(
        help:
            """
            Pages fetched at once (default: CATALOG_CONCURRENCY, the config file's crawl.concurrency, else 8); local: files read at once \
            (default: one per core).
            """
    )
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

    @Option(
        help: ArgumentHelp(
            """
            When stderr is not a terminal (a log, cron): a progress line this often (30s, 1m, 5m; 0 for none; default CATALOG_STATS, \
            crawl.stats, else 1m). On a terminal the line is redrawn live.
            """,
            valueName: "interval"))
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
        if source == .local {
            guard !paths.isEmpty else { throw ValidationError("catalog crawl local needs the folders to scan, e.g. catalog crawl local /media/A001") }
            for (flag, given) in [("--full", full), ("--verify", verify), ("--since", since != nil), ("--thumbnails", thumbnails)] where given {
                throw ValidationError(
                    "\(flag) is for Frame.io and Dash; a local crawl reads the folders it is given whole (--rehash reads every file again)")
            }
        } else {
            if let path = paths.first { throw ValidationError("unexpected argument '\(path)': only catalog crawl local takes folders") }
            for (flag, given) in [("--md5", md5), ("--include-hidden", includeHidden), ("--rehash", rehash)] where given {
                throw ValidationError("\(flag) is for catalog crawl local")
            }
        }
        if let concurrency, !(1...64).contains(concurrency) { throw ValidationError("--concurrency must be between 1 and 64") }
        if let since, Timestamp.parse(since) == nil {
            throw ValidationError("--since takes a date such as 2026-11-01 or 2026-11-01T09:00:00Z")
        }
        if since != nil, full || verify { throw ValidationError("--since is for a delta refresh; it cannot be combined with --full or --verify") }
        guard (1...10_000).contains(pageSize) else { throw ValidationError("--page-size must be between 1 and 10000") }
        guard (0.1...3600).contains(timeout) else { throw ValidationError("--timeout must be between 0.1 and 3600 seconds") }
    }

    func run() async throws {
        Catalog.bootstrapLogging(verbose: global.verbose)
        let environment = try Settings.environment()
        let sources: [Source]
        if let source {
            sources = [source]
        } else {
            sources = Source.allCases.filter { Self.isConfigured($0, environment) }
            guard !sources.isEmpty else {
                throw ConfigurationError(
                    description:
                        """
                        no source is configured. Set FRAMEIO_TOKEN for Frame.io, and/or DASH_TOKEN (or DASH_REFRESH_TOKEN with DASH_CLIENT_ID \
                        and DASH_CLIENT_SECRET) for Dash, then run the crawl again.
                        """
                )
            }
        }
        let path = try global.databasePath().path
        // The crawl's staging file (CatalogStore's `<catalog>.staging`) goes if it is interrupted.
        Interrupts.removeOnInterrupt(path + ".staging")
        let existed = FileManager.default.fileExists(atPath: path)
        // Nor does a first crawl's new catalog, which holds nothing complete until it commits.
        let created = existed ? [] : [path, path + "-wal", path + "-shm", path + ".lock"]
        created.forEach(Interrupts.removeOnInterrupt)
        let database = try global.openDatabase(.readWrite)
        do {
            try await crawl(sources, into: database, environment: environment) { created.forEach(Interrupts.written) }
        } catch {
            // A first crawl that failed leaves no catalog behind: nothing would be in it.
            if !existed, (try? Source.allCases.allSatisfy({ try database.lastCompleteCrawl(source: $0) == nil })) == true {
                for file in [path, path + "-wal", path + "-shm", path + ".lock"] { try? FileManager.default.removeItem(atPath: file) }
            }
            throw error
        }
    }

    /// Crawls each of `sources` into `database` in turn, printing each one's summary.
    /// `committed` is called after the first source's crawl commits.
    func crawl(
        _ sources: [Source], into database: CatalogDatabase, environment: [String: String], committed: () -> Void = {}
    ) async throws {
        let concurrency =
            try self.concurrency
            ?? Self.setting("CATALOG_CONCURRENCY", in: environment, default: 8) { Int($0).flatMap { (1...64).contains($0) ? $0 : nil } }
        let stats =
            try self.stats ?? Self.setting("CATALOG_STATS", in: environment, default: StatsInterval(seconds: 60)) { StatsInterval(argument: $0) }
        let fetchThumbnails =
            try thumbnails
            || Self.setting("CATALOG_THUMBNAILS", in: environment, default: false) { ["true": true, "false": false][$0.lowercased()] }
        let cacheSize =
            try thumbnailCacheSize?.bytes
            ?? Self.setting("CATALOG_THUMBNAIL_CACHE_SIZE", in: environment, default: ThumbnailCache.defaultCapacity) { ByteSize($0)?.bytes }
        for source in sources {
            let display = ProgressDisplay(quiet: global.quiet, statsInterval: stats.seconds)
            var options = CrawlOptions(concurrency: concurrency, progress: display.callback)
            options.mode = full || verify ? .full : .automatic
            options.since = since.flatMap(Timestamp.parse)
            options.force = force
            options.typedLists = environment["CATALOG_V4_LISTS"] != "children"
            // Pictures follow --timeout too (at most 20 s each: a thumbnail is small), and are
            // read no further than the picture limit.
            if fetchThumbnails {
                options.thumbnails = ThumbnailFetcher(
                    cache: ThumbnailCache(database: database, capacity: cacheSize), timeout: .milliseconds(Int64(min(timeout, 20) * 1000)))
            }
            display.start()
            let report: CrawlReport
            do {
                report =
                    switch source {
                    case .frameio: try await crawlFrameIO(environment, database: database, options: options)
                    case .dash: try await crawlDash(environment, database: database, options: options)
                    case .local:
                        try await LocalCrawler(
                            folders: paths, database: database, options: options,
                            scan: LocalScanOptions(
                                md5: md5, includeHidden: includeHidden, rehash: rehash,
                                hashers: self.concurrency ?? ProcessInfo.processInfo.activeProcessorCount)
                        ).run()
                    }
                display.finish()
                committed()
            } catch {
                display.finish()
                throw error
            }
            if !global.quiet { Terminal.error(Summary.text(report, terminal: Terminal.stderrIsTerminal)) }
            if global.verbose {
                Terminal.error(
                    String(
                        format: "%@ timing: wall %.2f s, store %.2f s, HTTP %.2f s summed over concurrent requests",
                        report.source, report.elapsed, report.storeSeconds, report.transportSeconds))
            }
        }
    }

    /// The setting in `variable` (from the environment or the config file) read by `parse`, or
    /// `fallback` when unset; a value `parse` refuses is a configuration error naming both.
    static func setting<T>(_ variable: String, in environment: [String: String], default fallback: T, _ parse: (String) -> T?) throws -> T {
        guard let text = environment[variable]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return fallback }
        guard let value = parse(text) else {
            let key = Settings.keys.first { $0.variable == variable }.map { " (the config file's \($0.name))" } ?? ""
            throw ConfigurationError(
                description:
                    "\(variable)\(key) is '\(TerminalText.sanitize(text))', which is not a value it takes. Fix it, or unset it for the default.")
        }
        return value
    }

    static func isConfigured(_ source: Source, _ environment: [String: String]) -> Bool {
        func set(_ name: String) -> Bool { !(environment[name] ?? "").trimmingCharacters(in: .whitespaces).isEmpty }
        switch source {
        case .frameio:
            return set("FRAMEIO_TOKEN") || set("FRAMEIO_REFRESH_TOKEN") || set("FRAMEIO_CLIENT_ID")
                || CredentialsFile.fromEnvironment(environment).section(IMSAuth.credentialsSection)["refresh_token"] != nil
        case .dash: return set("DASH_TOKEN") || set("DASH_REFRESH_TOKEN")
        case .local: return false  // a local crawl is given its folders
        }
    }

    /// The Frame.io API a base URL names: `…/v4` or `…/v2`; anything else is refused, naming both.
    static func frameIOAPI(_ url: String, name: String) throws -> ServiceAPI {
        let trimmed = APIURL.base(url)
        if trimmed.hasSuffix("/v4") { return .v4 }
        if trimmed.hasSuffix("/v2") { return .v2 }
        throw ConfigurationError(
            description:
                """
                '\(url)' names neither Frame.io API: \(name) must end in /v4 for Frame.io V4 (e.g. \(FrameIOV4Client.defaultBaseURL)) or /v2 \
                for accounts not yet moved to V4 (e.g. \(FrameIOClient.defaultBaseURL)); the catalog was not touched.
                """
        )
    }

    /// How Frame.io V4 signs in, from the environment or the saved `catalog login frameio`.
    static func imsMode(_ environment: [String: String]) throws -> IMSAuth.Mode {
        func value(_ name: String) -> String? {
            environment[name].flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0.trimmingCharacters(in: .whitespaces) }
        }
        let authURL = try url(value("FRAMEIO_AUTH_URL"), default: IMSAuth.defaultAuthURL, name: "FRAMEIO_AUTH_URL")
        if let token = try secret("FRAMEIO_TOKEN", in: environment) { return .token(token) }
        let clientID = try secret("FRAMEIO_CLIENT_ID", in: environment)
        let clientSecret = try secret("FRAMEIO_CLIENT_SECRET", in: environment)
        if let refresh = try secret("FRAMEIO_REFRESH_TOKEN", in: environment) {
            guard let clientID else {
                throw ConfigurationError(
                    description:
                        """
                        FRAMEIO_REFRESH_TOKEN is set but FRAMEIO_CLIENT_ID is not. Set it to the client id of your Adobe Developer Console \
                        project (and FRAMEIO_CLIENT_SECRET for a confidential client), then run the crawl again; the catalog was not touched.
                        """
                )
            }
            return .refresh(clientID: clientID, clientSecret: clientSecret, refreshToken: refresh, authURL: authURL)
        }
        let saved = CredentialsFile.fromEnvironment(environment).section(IMSAuth.credentialsSection)
        if let refresh = saved["refresh_token"], let savedClient = saved["client_id"], clientID == nil || clientID == savedClient {
            return .refresh(
                clientID: savedClient, clientSecret: clientSecret, refreshToken: refresh,
                authURL: value("FRAMEIO_AUTH_URL") == nil ? (saved["auth_url"] ?? authURL) : authURL)
        }
        if let clientID, let clientSecret {
            return .clientCredentials(
                clientID: clientID, clientSecret: clientSecret, scopes: value("FRAMEIO_SCOPES") ?? IMSAuth.defaultServerScopes, authURL: authURL)
        }
        throw ConfigurationError(
            description:
                """
                Frame.io V4 is not configured. Run `catalog login frameio` (with FRAMEIO_CLIENT_ID set), or set FRAMEIO_TOKEN to an access \
                token, FRAMEIO_REFRESH_TOKEN with FRAMEIO_CLIENT_ID, or FRAMEIO_CLIENT_ID with FRAMEIO_CLIENT_SECRET, then run the crawl \
                again; the catalog was not touched.
                """
        )
    }

    /// The secret in the environment variable `name` (spaces around it trimmed), or nil when unset
    /// or blank. A secret holding a control character (a CR or LF pasted with it), a space or a
    /// non-ASCII character cannot be sent in an HTTP header: refused before any request, naming
    /// the variable and never the value.
    static func secret(_ name: String, in environment: [String: String]) throws -> String? {
        guard let value = environment[name]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        guard value.unicodeScalars.allSatisfy({ (0x21...0x7E).contains($0.value) }) else {
            throw ConfigurationError(
                description:
                    """
                    \(name) holds a line break, a control character, a space or a non-ASCII character, which no token has. Set it to the token \
                    alone (e.g. export \(name)=\"$(cat token.txt | tr -d '\\r\\n')\") and run the command again; the catalog was not touched.
                    """
            )
        }
        return value
    }

    func crawlFrameIO(_ environment: [String: String], database: CatalogDatabase, options: CrawlOptions) async throws -> CrawlReport {
        let name = frameioURL != nil ? "--frameio-url" : "FRAMEIO_API_URL"
        let baseURL = try Self.url(frameioURL ?? environment["FRAMEIO_API_URL"], default: FrameIOV4Client.defaultBaseURL, name: name)
        guard try Self.frameIOAPI(baseURL, name: name) == .v2 else {
            let transport = AsyncHTTPClientTransport()
            let auth = IMSAuth(
                mode: try Self.imsMode(environment), transport: transport, credentials: CredentialsFile.fromEnvironment(environment),
                timeout: .milliseconds(Int64(timeout * 1000)))
            let crawler = CrawlerFactory.frameIOV4(
                auth: auth, baseURL: baseURL, database: database, options: options, pageSize: min(pageSize, FrameIOV4Client.maxPageSize),
                transport: transport, retry: retry)
            return try await crawler.run()
        }
        guard let token = try Self.secret("FRAMEIO_TOKEN", in: environment) else {
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
        func value(_ name: String) -> String? {
            environment[name].flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }
        }
        let mode: DashAuth.Mode
        if let token = try Self.secret("DASH_TOKEN", in: environment) {
            mode = .token(token)
        } else if let refresh = try Self.secret("DASH_REFRESH_TOKEN", in: environment) {
            guard let clientID = try Self.secret("DASH_CLIENT_ID", in: environment),
                let secret = try Self.secret("DASH_CLIENT_SECRET", in: environment)
            else {
                throw ConfigurationError(
                    description:
                        """
                        DASH_REFRESH_TOKEN is set but DASH_CLIENT_ID or DASH_CLIENT_SECRET is not. Set both (from your Dash custom integration \
                        settings) and run the crawl again; the catalog was not touched.
                        """
                )
            }
            let authURL = try Self.url(value("DASH_AUTH_URL"), default: DashClient.defaultAuthURL, name: "DASH_AUTH_URL")
            mode = .refresh(clientID: clientID, clientSecret: secret, refreshToken: refresh, authURL: authURL)
        } else {
            throw ConfigurationError(
                description:
                    """
                    Dash is not configured. Set DASH_TOKEN to a bearer token, or DASH_REFRESH_TOKEN with DASH_CLIENT_ID and \
                    DASH_CLIENT_SECRET, and run the crawl again; the catalog was not touched.
                    """
            )
        }
        let baseURL = try Self.url(dashURL ?? value("DASH_API_URL"), default: DashClient.defaultBaseURL, name: "--dash-url or DASH_API_URL")
        let transport = AsyncHTTPClientTransport()
        let auth = DashAuth(
            mode: mode, transport: transport, credentials: CredentialsFile.fromEnvironment(environment), timeout: .milliseconds(Int64(timeout * 1000))
        )
        let crawler = CrawlerFactory.dash(
            auth: auth, baseURL: baseURL, database: database, options: options, pageSize: min(pageSize, DashClient.defaultPageSize),
            transport: transport, retry: retry)
        return try await crawler.run()
    }

    /// A checked http(s) base URL from a flag or the environment, or the default.
    static func url(_ given: String?, default fallback: String, name: String) throws -> String {
        let text = given.flatMap { $0.isEmpty ? nil : $0 } ?? fallback
        guard let url = URL(string: text), let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil else {
            throw ConfigurationError(description: "'\(text)' is not an http(s) URL. Fix \(name).")
        }
        return text
    }
}

/// The one-line crawl summary.
enum Summary {
    /// The summary for a terminal (wrapped at words to its width) or a log (one line per crawl,
    /// then its warnings).
    static func text(_ report: CrawlReport, terminal: Bool, width: Int = Terminal.errorColumns) -> String {
        let line = line(report)
        guard terminal else { return line }
        let first = line.split(separator: "\n", maxSplits: 1).first.map(String.init) ?? line
        return DisplayWidth.wrap(first, width: width, indent: 2).joined(separator: "\n") + line.dropFirst(first.count)
    }

    static func line(_ report: CrawlReport) -> String {
        if let local = report.local { return localLine(report, local) }
        let s = report.stats
        let (c, h) = (s.changes, s.http)
        let g = Count.grouped
        return
            """
            \(report.source) \(report.mode): \(g(s.items)) items (\(g(c.added)) new, \(g(c.changed - c.moved)) changed, \(g(c.moved)) moved, \
            \(g(c.deleted)) deleted, \(g(c.unchanged)) unchanged), 
            """
                + "\(g(h.requests)) requests (minimum \(g(report.minimumRequests))), \(g(h.retries)) retries, \(g(h.throttled)) throttled (429), "
                + "\(h.rateLimitWaits) rate-limit waits, " + String(format: "%.1fs (store %.1fs)", report.elapsed, report.storeSeconds)
                + (report.thumbnails.map(thumbnails) ?? "") + warnings(count: s.warningCount, kept: s.warnings)
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
            \(Count.of(local.volumes, "volume")); 
            """
                + "\(g(local.hashed)) hashed (\(ByteCount.format(local.hashedBytes))\(rate)), \(g(local.reused)) reused"
                + (local.fromHashLists > 0 ? ", \(g(local.fromHashLists)) from hash lists" : "")
                + (local.failed > 0 ? ", \(g(local.failed)) unreadable files" : "")
                + (left.isEmpty ? "" : "; left out: " + left.joined(separator: ", "))
                + "; \(g(c.added)) new, \(g(c.changed - c.moved)) changed, \(g(c.moved)) moved, \(g(c.deleted)) deleted, \(g(c.unchanged)) unchanged; "
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
}

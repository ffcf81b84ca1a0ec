import ArgumentParser
import CatalogCore
import CatalogServer
import CatalogStore
import Foundation
import Hummingbird

/// `catalog serve`: browse and search the catalog in a web browser.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Browse and search the catalog in a web browser (read-only).",
        discussion: """
            Serves search (the same query language, with facets), item pages, a folder browser, duplicates, changes and status at \
            http://127.0.0.1:8420, and their JSON under /api (/api/openapi.json). The catalog is opened read-only: serve runs while crawls write. \
            Listening on another address needs a token (--token or CATALOG_SERVE_TOKEN, or the named ones of `catalog tokens add`), \
            which every request must carry (Authorization: Bearer TOKEN, or the token as the password a browser asks for); each request a \
            token answered is logged on stderr under its name. Without a token, only requests addressed to loopback (127.0.0.1, localhost, \
            [::1]) or a name given with --allow-host are answered: a web page whose domain resolves to 127.0.0.1 cannot read the catalog. \
            Laptops copy the catalog with `catalog pull` (/api/snapshot, /api/sync; team.md in share/doc/catalog/docs).

            Examples:
              catalog serve --open
              catalog serve --host 0.0.0.0 --refresh 15m   # a team host (team.md)
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: "The port (0: any free one).")
    var port = 8420

    @Option(help: ArgumentHelp("The address to listen on; anything but loopback needs --token.", valueName: "address"))
    var host = "127.0.0.1"

    @Option(help: ArgumentHelp("The token every request must carry (default: CATALOG_SERVE_TOKEN).", valueName: "token"))
    var token: String?

    @Option(
        name: .customLong("allow-host"),
        help: ArgumentHelp(
            "A host name requests may be addressed to besides loopback (repeatable), e.g. the machine's name on the network.", valueName: "name"))
    var allowHosts: [String] = []

    @Option(
        help: ArgumentHelp(
            """
            Keep the catalog fresh: crawl each configured service (Frame.io, Dash) this often, one at a time, a delta after the first \
            (e.g. 15m, 1h; default CATALOG_SERVE_REFRESH, the config file's serve.refresh, else never).
            """, valueName: "interval"))
    var refresh: StatsInterval?

    @Flag(help: "Open the search page in the browser once listening.")
    var open = false

    func validate() throws {
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
    }

    func run() async throws {
        Catalog.bootstrapLogging(verbose: global.verbose)
        let environment = try Settings.environment()
        let token = self.token ?? environment["CATALOG_SERVE_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        // The named tokens (`catalog tokens add NAME`), when their file exists.
        let file = ReaderTokens.fromEnvironment(environment)
        let tokens = FileManager.default.fileExists(atPath: file.path) ? file : nil
        let named = try tokens?.entries().count ?? 0
        guard token != nil || named > 0 || CatalogServer.isLoopback(host) else {
            throw ConfigurationError(
                description:
                    """
                    serving on \(host) would show the catalog to anyone who can reach it. Give a token (--token or CATALOG_SERVE_TOKEN) that \
                    every request must carry, or serve on 127.0.0.1.
                    """
            )
        }
        if let token, token.count < 16 || token.unicodeScalars.contains(where: { !(0x21...0x7E).contains($0.value) }) {
            throw ConfigurationError(
                description: "the serve token must be at least 16 printable ASCII characters without spaces (e.g. openssl rand -hex 24)")
        }
        let database = try global.openDatabase()
        // The address it listens on is a name requests may use too. With a token and no
        // --allow-host, any name is answered (the token is the guard).
        let bound = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        let logLine: @Sendable (String) -> Void = { line in Terminal.error(Timestamp.format(Date()) + " " + line) }
        let accessLog = global.quiet ? nil : logLine
        let guarded = token != nil || tokens != nil
        // The host's own refreshes, when asked for and something is configured to crawl.
        let every =
            try refresh
            ?? Settings.setting("CATALOG_SERVE_REFRESH", in: environment, default: StatsInterval(seconds: 0)) {
                StatsInterval(argument: $0)
            }
        var refreshState: RefreshState?
        if every.seconds > 0 {
            guard every.seconds >= 10 else { throw ValidationError("--refresh must be at least 10s (each refresh is a crawl)") }
            let sources = TeamRefresher.sources(environment)
            guard !sources.isEmpty else {
                throw ConfigurationError(
                    description: """
                        --refresh crawls the configured services, and none is: `catalog login frameio` or FRAMEIO_TOKEN, DASH_TOKEN \
                        (usage.md in share/doc/catalog/docs).
                        """)
            }
            refreshState = RefreshState(interval: every.seconds, sources: sources)
        }
        let server = CatalogServer(
            database: database, link: try global.webLink(database), token: token, tokens: tokens,
            allowHosts: guarded && allowHosts.isEmpty ? [] : allowHosts + [bound], accessLog: accessLog, refresh: refreshState)
        Interrupts.removeFolderOnInterrupt(server.snapshotDirectory)
        let quiet = global.quiet
        let openIt = open
        // What the start line says it does: read, or crawl too; and which tokens it asks for.
        var mode = refreshState.map { "crawled every \(StatsInterval(seconds: $0.interval).defaultValueDescription)" } ?? "read-only"
        if named > 0 { mode += ", \(Count.of(named, "named token"))" + (token != nil ? " and the shared one" : "") }
        let startMode = mode
        let (path, _) = try global.databasePath()
        let refresher = refreshState.map { TeamRefresher(state: $0, databasePath: path, quiet: global.quiet) }
        let refreshing = Task { await refresher?.run() }
        defer { refreshing.cancel() }
        try await PortInUse.naming(host: host, port: port) {
            try await server.application(host: host, port: port) { url in
                if !quiet { Terminal.say("catalog serve: \(database.path) at \(url) (\(startMode); Ctrl-C stops)") }
                Terminal.output(url)
                if openIt, let launcher = OpenCommand.launcher() { try? OpenCommand.launch(launcher, url) }
            }.runService()
        }
        // The snapshots made for `catalog pull` are the server's own: they go with it.
        await server.removeSnapshots()
    }
}

/// A port another program listens on: said so, with what to do, instead of the socket call's
/// words (`bind(descriptor:ptr:bytes:): Address already in use) (errno: 98)`).
enum PortInUse {
    static func naming(host: String, port: Int, _ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch  where "\(error)".contains("Address already in use") {
            throw ConfigurationError(
                description:
                    "port \(port) on \(host) is taken (another catalog serve or sandbox?). Choose another with --port, or --port 0 for any free one.")
        }
    }
}

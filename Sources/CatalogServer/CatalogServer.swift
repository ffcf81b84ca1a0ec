import CatalogCore
import CatalogReports
import CatalogStore
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// `catalog serve`: the catalog in a web browser, read-only.
///
/// One Hummingbird router serves the pages (a single HTML page, its script and stylesheet,
/// embedded in the binary: no CDN, no build step, works offline) and the JSON API under `/api`
/// they are drawn from (documented in `/api/openapi.json`). Every answer carries a strict
/// Content-Security-Policy; the page writes every name as text, never as HTML; queries go
/// through the query language, as in the CLI. With a token set, every request must carry it
/// (`Authorization: Bearer TOKEN`, or HTTP Basic with TOKEN as the password).
public struct CatalogServer: Sendable {
    let database: CatalogDatabase
    let link: WebLink
    let token: String?
    let thumbnails: ThumbnailCache
    let logger: Logger
    /// The host names a request's `Host` may give (lower case, no port); nil: any.
    let allowedHosts: Set<String>?
    /// The snapshots of the catalog that `catalog pull` downloads.
    let snapshots: Snapshots
    /// The tokens requests may carry (none: requests carry none).
    let book: TokenBook
    /// The host's own refreshes, shown on `/api/status`.
    let refresh: RefreshState?
    /// Where a line goes for each request a token answered: who (the token's name), what, and
    /// the answer's status; never the token.
    let accessLog: (@Sendable (String) -> Void)?

    /// The names loopback answers to.
    public static let loopbackNames = ["localhost", "127.0.0.1", "[::1]"]

    /// A server for `database`, showing the pictures of `thumbnails` (by default the cache beside
    /// the catalog that `catalog crawl --thumbnails` fills). Without a token it answers only
    /// requests whose `Host` names loopback or one of `allowHosts`: a web page whose domain
    /// rebinds to 127.0.0.1 gets a 403, not the catalog. With a token, `Host` is checked only
    /// when `allowHosts` are given.
    public init(
        database: CatalogDatabase, link: WebLink, token: String?, tokens: ReaderTokens? = nil, thumbnails: ThumbnailCache? = nil,
        allowHosts: [String] = [], logger: Logger = Logger(label: "catalog.serve"), accessLog: (@Sendable (String) -> Void)? = nil,
        refresh: RefreshState? = nil
    ) {
        self.refresh = refresh
        self.database = database
        self.link = link
        self.token = token.flatMap { $0.isEmpty ? nil : $0 }
        self.book = TokenBook(shared: self.token, file: tokens)
        self.accessLog = accessLog
        self.thumbnails = thumbnails ?? ThumbnailCache(database: database)
        self.logger = logger
        let given = allowHosts.map { $0.lowercased() }
        self.allowedHosts = book.isEmpty || !given.isEmpty ? Set(Self.loopbackNames + given) : nil
        self.snapshots = Snapshots(database: database)
    }

    /// Where the snapshots made for `catalog pull` are written (`CATALOG.snapshots`).
    public var snapshotDirectory: String { snapshots.directory }

    /// Removes the snapshots made for `catalog pull` (when the server stops).
    public func removeSnapshots() async { await snapshots.removeAll() }

    /// The policy every answer carries: only this server's own script, styles and images.
    static let contentSecurityPolicy: ContentSecurityPolicy = [
        .defaultSrc(.none), .scriptSrc(.self), .styleSrc(.self), .imgSrc(.self, .scheme(.init(rawValue: "data:"))), .connectSrc(.self),
        .baseURI(.none), .formAction(.self), .frameAncestors(.none),
    ]

    /// The router: pages, assets and the API.
    public func router() -> Router<BasicRequestContext> {
        // HEAD is answered as GET is, without the body (Hummingbird makes each GET's HEAD).
        let router = Router(options: .autoGenerateHeadEndpoints)
        // Outermost first: the headers go on every answer, errors included, because the error
        // bodies are made inside them.
        router.add(middleware: ContentSecurityMiddleware(contentSecurityPolicy: Self.contentSecurityPolicy))
        router.add(middleware: FrameAndReferrerHeaders())
        router.add(middleware: ErrorBodies())
        router.add(middleware: ReadOnly())
        if let allowedHosts { router.add(middleware: HostCheck(allowed: allowedHosts)) }
        if !book.isEmpty { router.add(middleware: TokenCheck(book: book, accessLog: accessLog)) }
        let api = API(database: database, link: link, thumbnails: thumbnails, snapshots: snapshots, refresh: refresh)
        api.addRoutes(to: router.group("api"))
        let pages = Pages(api: api)
        for page in ["/item/{source}/{id}", "/browse", "/dupes", "/changes", "/status"] {
            router.get(RouterPath(page)) { _, _ in pages.page() }
        }
        // The search page holds its results for `?q=` as plain HTML, so curl, text browsers and
        // screen readers get them without the script (which draws over them when it runs).
        router.get("/") { request, context in
            let parameters = try API.parameters(request, context: context)
            return try await database.reading { try pages.search(parameters["q"] ?? "") }
        }
        router.get("/app.js") { _, _ in Self.asset(PackageResources.app_js, type: "text/javascript; charset=utf-8") }
        router.get("/app.css") { _, _ in Self.asset(PackageResources.app_css, type: "text/css; charset=utf-8") }
        let thumbnails = self.thumbnails
        router.get("/thumbnails/{file}") { _, context in
            // Only a cache file's own name (hex digest and extension): nothing else on disk is reachable.
            let name = try context.parameters.require("file")
            guard ThumbnailCache.isFileName(name), let type = ThumbnailCache.mediaType(ofFile: name), let path = try? thumbnails.filePath(name),
                let data = await BlockingIO.run({ FileManager.default.contents(atPath: path) })
            else { throw HTTPError(.notFound, message: "no thumbnail '\(name)' in the cache") }
            // Named by its content: it never changes, so browsers may keep it.
            return Response(
                status: .ok, headers: [.contentType: type, .cacheControl: "public, max-age=31536000, immutable"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: Array(data))))
        }
        return router
    }

    static func asset(_ bytes: [UInt8], type: String) -> Response {
        Response(status: .ok, headers: [.contentType: type, .cacheControl: "no-cache"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// How long a connection may send nothing before it is closed: a client that opens
    /// connections and never speaks (10 000 held 10 023 descriptors) cannot keep them.
    public static let idleTimeout: Duration = .seconds(30)

    /// The most connections open at once; one more is closed as it opens (a file-descriptor
    /// limit is 1 024 by default: the server must keep some for the catalog and its pictures).
    public static let maxConnections = 512

    /// The application listening on `host:port`; `onReady` gets the address it listens at.
    /// Connections that send nothing for `idleTimeout` are closed, and at most `maxConnections`
    /// are open at once.
    public func application(
        host: String, port: Int, idleTimeout: Duration = CatalogServer.idleTimeout, maxConnections: Int = CatalogServer.maxConnections,
        onReady: @escaping @Sendable (String) async -> Void
    ) -> some ApplicationProtocol {
        var quiet = logger
        quiet.logLevel = .warning
        let (seconds, attoseconds) = idleTimeout.components
        let open = ConnectionCap.Count()
        return Application(
            router: router(),
            server: .http1(
                configuration: .init(
                    additionalChannelHandlers: [ConnectionCap(count: open, limit: maxConnections)],
                    idleTimeout: .milliseconds(seconds * 1000 + attoseconds / 1_000_000_000_000_000))),
            configuration: .init(address: .hostname(host, port: port), serverName: "catalog"),
            onServerRunning: { channel in
                let shown = host.contains(":") ? "[\(host)]" : host
                await onReady("http://\(shown):\(channel.localAddress?.port ?? port)")
            },
            logger: quiet)
    }

    /// Whether `host` is a loopback address (serving there needs no token): `localhost`, `::1`,
    /// or an IPv4 address in 127.0.0.0/8 written as one (`127.example.com` is a name, which may
    /// resolve anywhere).
    public static func isLoopback(_ host: String) -> Bool {
        let name = host.lowercased()
        if name == "localhost" || name == "::1" || name == "[::1]" { return true }
        var address = in_addr()
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isNumber) }), inet_pton(AF_INET, name, &address) == 1 else {
            return false
        }
        return parts.first == "127"
    }
}

/// Requests whose `Host` names none of the allowed names are refused (403), before anything is
/// read: the defence against DNS rebinding that Jupyter and Datasette use.
struct HostCheck: RouterMiddleware {
    typealias Context = BasicRequestContext
    let allowed: Set<String>

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        // HTTP/1.1 carries Host in the authority; a client that sends none is no browser.
        if let authority = request.headers[HTTPField.Name("Host")!] ?? request.head.authority, !allowed.contains(Self.hostname(authority)) {
            throw APIProblem(
                .forbidden,
                """
                this catalog server answers only requests for \(allowed.sorted().joined(separator: ", ")) (a page on another domain cannot \
                read it; `catalog serve --allow-host NAME` adds a name)
                """
            )
        }
        return try await next(request, context)
    }

    /// The host name of a `Host` value, lower case, without its port (`[::1]:8420` → `[::1]`).
    static func hostname(_ authority: String) -> String {
        let value = authority.lowercased()
        if value.hasPrefix("["), let close = value.firstIndex(of: "]") { return String(value[...close]) }
        if let colon = value.lastIndex(of: ":"), value.firstIndex(of: ":") == colon { return String(value[..<colon]) }
        return value
    }
}

/// The headers the content-security middleware does not set: no referrer leaves the page, and
/// no other site may frame it.
struct FrameAndReferrerHeaders: RouterMiddleware {
    typealias Context = BasicRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        response.headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        return response
    }
}

/// Every error as the API documents it (``APIProblem``): those thrown by the routes and the
/// checks, and Hummingbird's own (no route, a missing path parameter), whose body would
/// otherwise have another shape.
struct ErrorBodies: RouterMiddleware {
    typealias Context = BasicRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let problem as APIProblem {
            return try problem.response(from: request, context: context)
        } catch let error as HTTPError {
            return try APIProblem(error.status, error.body ?? error.status.reasonPhrase, headers: error.headers).response(
                from: request, context: context)
        }
    }
}

/// Read-only: every page and API answers GET (and HEAD); anything else is refused before
/// routing, whatever the path.
struct ReadOnly: RouterMiddleware {
    typealias Context = BasicRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.method == .get || request.method == .head else {
            throw APIProblem(.methodNotAllowed, "this server is read-only: GET only", headers: [.allow: "GET, HEAD"])
        }
        return try await next(request, context)
    }
}

/// Requests without one of the tokens are refused (401, asking for Basic so a browser
/// prompts); each request a token answered is logged under the token's name.
struct TokenCheck: RouterMiddleware {
    typealias Context = BasicRequestContext
    let book: TokenBook
    let accessLog: (@Sendable (String) -> Void)?

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let given = Self.presented(request.headers[.authorization]), let name = book.name(of: given) else {
            // Refused requests are logged too (a revoked token still trying shows), under no name.
            let who = request.headers[.authorization] == nil ? "(no token)" : "(refused token)"
            accessLog?("\(who) \(request.method.rawValue) \(TerminalText.sanitize(request.uri.description)) 401")
            throw APIProblem(
                .unauthorized, "this catalog server needs its token: Authorization: Bearer TOKEN, or the token as the password",
                headers: [.wwwAuthenticate: "Basic realm=\"catalog\", charset=\"UTF-8\""])
        }
        guard let accessLog else { return try await next(request, context) }
        let what = "\(name) \(request.method.rawValue) \(TerminalText.sanitize(request.uri.description))"
        do {
            let response = try await next(request, context)
            accessLog("\(what) \(response.status.code)")
            return response
        } catch let error as any HTTPResponseError {
            accessLog("\(what) \(error.status.code)")
            throw error
        }
    }

    /// The token `authorization` carries: a bearer token, or a Basic password.
    static func presented(_ authorization: String?) -> String? {
        guard let authorization else { return nil }
        if authorization.lowercased().hasPrefix("bearer ") {
            return String(authorization.dropFirst(7)).trimmingCharacters(in: .whitespaces)
        }
        if authorization.lowercased().hasPrefix("basic "), let data = Data(base64Encoded: String(authorization.dropFirst(6))),
            let pair = String(data: data, encoding: .utf8), let colon = pair.firstIndex(of: ":")
        {
            return String(pair[pair.index(after: colon)...])
        }
        return nil
    }

    /// Whether two strings are equal, compared in constant time.
    static func same(_ given: String, _ expected: String) -> Bool {
        let a = Array(given.utf8)
        let b = Array(expected.utf8)
        var difference = a.count ^ b.count
        for i in 0..<max(a.count, b.count) { difference |= Int((i < a.count ? a[i] : 0) ^ (i < b.count ? b[i] : 0)) }
        return difference == 0
    }
}

/// Closes a connection that would make more than `limit` open at once, as soon as it opens.
final class ConnectionCap: ChannelInboundHandler, RemovableChannelHandler, Sendable {
    typealias InboundIn = Any

    /// The connections open now, shared by every connection's handler.
    final class Count: Sendable {
        let value = Mutex(0)
    }

    let count: Count
    let limit: Int
    /// Whether this connection was counted (a refused one is not).
    private let counted = Mutex(false)

    init(count: Count, limit: Int) {
        self.count = count
        self.limit = limit
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let admitted = count.value.withLock { open -> Bool in
            guard open < limit else { return false }
            open += 1
            return true
        }
        guard admitted else {
            context.close(promise: nil)
            return
        }
        counted.withLock { $0 = true }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        guard
            counted.withLock({ was in
                defer { was = false }
                return was
            })
        else { return }
        count.value.withLock { $0 -= 1 }
    }
}

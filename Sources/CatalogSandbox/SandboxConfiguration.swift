/// How the sandbox behaves: where it listens, which data it serves, and which limits and faults it imposes.
public struct SandboxConfiguration: Sendable {
    /// The address to bind (loopback unless told otherwise).
    public var host = "127.0.0.1"
    /// The port; 0 picks a free one.
    public var port = 0
    /// The largest `page_size` honoured; larger requests get this many.
    public var maxPageSize = 500
    /// The default page size when none is asked for (Frame.io's is 50).
    public var defaultPageSize = 50
    /// Requests allowed per window per token (leaky bucket), nil for no limit (headers are still sent).
    public var rateLimit: Int? = nil
    /// Limits of single endpoint classes (v2 `children`, `asset`, `search`, …; V4 `v4:children`,
    /// `v4:files`, …: each route names its class) as (requests, window in ms), overriding
    /// ``rateLimit`` for them. ``frameIOServiceRateLimits`` are the documented ones.
    public var endpointRateLimits: [String: (Int, Int)] = [:]
    /// The v2 reference's documented limits: children 40 a minute, asset reads 5 a second,
    /// search 200 a minute.
    public static let frameIOServiceRateLimits: [String: (Int, Int)] = [
        "children": (40, 60_000), "asset": (5, 1_000), "search": (200, 60_000),
    ]
    /// A `page_size` above this is refused with 422 (a service that will not clamp it), if set.
    public var refusePageSizeAbove: Int? = nil
    /// The base URL of the Frame.io API as clients reach it, for `link` headers (`/v2` paths).
    public var publicBaseURL = "/v2"
    /// The bucket's window in milliseconds.
    public var rateWindowMilliseconds = 1000
    /// Whether 429 responses carry `Retry-After`.
    public var sendRetryAfter = false
    /// Added latency per request, in milliseconds.
    public var latencyMilliseconds = 0
    /// Fraction of requests answered with a 500, 502 or 503 (0…1).
    public var failRate = 0.0
    /// When set, only this bearer token is accepted; otherwise any non-empty one is.
    public var requiredToken: String? = nil
    /// Seed for fault injection.
    public var faultSeed: UInt64 = 42
    /// The share of files whose thumbnail address the sandbox's CDN refuses as expired (403), the
    /// same files every time (``SandboxMedia/isExpired(_:)``).
    public var expiredThumbnailRate = 0.0
    /// Injected faults: each fault's fraction of requests (0…1). At most one fault hits a request.
    public var faults: [SandboxFault: Double] = [:]
    /// How long a ``SandboxFault/slow`` response takes, in milliseconds.
    public var slowMilliseconds = 3000
    /// How many consecutive requests a ``SandboxFault/throttleBurst`` refuses.
    public var burstLength = 5
    /// After this many requests every bearer token is refused with 401, as if it had expired
    /// (Dash access tokens issued later by the token endpoint are accepted again).
    public var tokenExpiresAfterRequests: Int? = nil

    /// The criterion types Dash's option search accepts, nil for all the sandbox knows. The real
    /// service documents `FIELD_EQUALS` and `FIELD_IS_EMPTY` on options; narrowing this shows how
    /// a crawl copes with a service that refuses the rest.
    public var dashOptionCriteria: Set<String>? = nil

    /// Creates the default configuration.
    public init() {}

    /// When set, the Dash API accepts only access tokens issued by its token endpoint, which
    /// exchanges (and rotates) refresh tokens for this client.
    public var dashAuth: OAuthClientSettings? = nil
    /// The fake Adobe IMS: when set, the V4 API accepts only access tokens it issued.
    public var ims: OAuthClientSettings? = nil
    /// V4: refuse the audit log (403), as the service does for a user who is not an account admin.
    public var auditLogForbidden = false
    /// V4: every file's metadata carries the referee's system field `Comment Count` (its live
    /// comments and replies), which the real API may or may not send.
    public var commentCounts = false

    /// The V4 limits the official SDK's docstrings give, per user: most calls 100 a minute, the
    /// typed folder lists 5 a second each, a file read 10 a second.
    public static let frameIOV4ServiceRateLimits: [String: (Int, Int)] = [
        "v4:me": (100, 60_000), "v4:accounts": (100, 60_000), "v4:workspaces": (100, 60_000), "v4:projects": (100, 60_000),
        "v4:invited_projects": (100, 60_000), "v4:project": (100, 60_000), "v4:users": (100, 60_000), "v4:children": (100, 60_000),
        "v4:files": (5, 1_000), "v4:folders": (5, 1_000), "v4:version_stacks": (5, 1_000), "v4:version_stack_children": (100, 60_000),
        "v4:file": (10, 1_000), "v4:folder": (100, 60_000), "v4:version_stack": (100, 60_000), "v4:field_definitions": (100, 60_000),
        "v4:file_metadata": (100, 60_000), "v4:recently_deleted": (5, 1_000), "v4:audit_logs": (100, 60_000),
        "v4:comments": (100, 60_000), "v4:comment": (100, 60_000),
    ]

    /// The documented limits of every API (v2 and V4), each window divided by `speedup` (60: a
    /// minute's allowance every second).
    public static func serviceRateLimits(speedup: Double = 1) -> [String: (Int, Int)] {
        frameIOServiceRateLimits.merging(frameIOV4ServiceRateLimits) { a, _ in a }.mapValues { limit, window in
            (limit, max(1, Int((Double(window) / max(speedup, 1e-3)).rounded())))
        }
    }
}

/// An OAuth client a sandbox token endpoint accepts (Dash's `/oauth/token`, the fake Adobe IMS).
public struct OAuthClientSettings: Sendable {
    /// The OAuth client id accepted.
    public var clientID: String
    /// Its secret (required for `client_credentials` and, when sent, checked on other grants).
    public var clientSecret: String
    /// The first refresh token accepted for the refresh grant (each use rotates it).
    public var refreshToken: String
    /// Seconds an access token lives.
    public var accessTokenLifetime: Double

    public init(clientID: String, clientSecret: String, refreshToken: String, accessTokenLifetime: Double = 3600) {
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.refreshToken = refreshToken
        self.accessTokenLifetime = accessTokenLifetime
    }
}

/// A fault the sandbox can inject into its answers (`catalog sandbox --fault NAME=RATE`).
public enum SandboxFault: String, CaseIterable, Sendable, Hashable {
    /// A burst of ``SandboxConfiguration/burstLength`` consecutive 429s (with `Retry-After` when
    /// ``SandboxConfiguration/sendRetryAfter`` is set).
    case throttleBurst = "throttle-burst"
    /// A 500, 502 or 503.
    case serverError = "server-error"
    /// The answer comes after ``SandboxConfiguration/slowMilliseconds`` (beyond a client's timeout).
    case slow
    /// The status line, headers and half the body are sent, then the connection is closed.
    case reset
    /// A 200 whose JSON body is cut in half (with a matching Content-Length).
    case truncated
    /// A 200 whose first listed element has an `id` of the wrong type (an object).
    case wrongType = "wrong-type"
    /// A 200 whose first listed element has no `id`.
    case missingField = "missing-field"
    /// A later page served as if an item had been added to (or removed from) the front of the
    /// list since page 1: shifted by one, with the `total` changed to match.
    case shiftedPage = "shifted-page"
    /// A later page that starts with the previous page's last item (and so ends one early),
    /// with the `total` unchanged: the same item on two pages.
    case duplicateItem = "duplicate-item"
    /// A page with no elements though the `total` says there are more.
    case emptyPage = "empty-page"

    /// Faults that change the body of a successful answer.
    var corruptsBody: Bool { [.reset, .truncated, .wrongType, .missingField].contains(self) }
    /// Faults that change which elements a page holds.
    var changesPage: Bool { [.shiftedPage, .duplicateItem, .emptyPage].contains(self) }

    /// Parses `NAME=RATE` (e.g. `truncated=0.05`); a bare name means every request.
    public static func parse(_ text: String) -> (SandboxFault, Double)? {
        let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
        guard let fault = SandboxFault(rawValue: parts[0]) else { return nil }
        guard parts.count == 2 else { return (fault, 1) }
        guard let rate = Double(parts[1]), (0...1).contains(rate) else { return nil }
        return (fault, rate)
    }
}

/// How one page of a list is served under a page fault.
struct PageFault: Sendable {
    let fault: SandboxFault
    /// +1 or -1 for ``SandboxFault/shiftedPage``.
    let direction: Int

    /// The elements `start..<end` of `count` to serve, and the total to report.
    func apply(start: Int, end: Int, count: Int, page: Int) -> (range: Range<Int>, total: Int) {
        switch fault {
        case .emptyPage where count > 0:
            return (start..<start, count)
        case .duplicateItem where page > 1 && start > 0:
            return ((start - 1)..<(end - 1), count)
        case .shiftedPage where page > 1 && start > 0:
            // An item added at the front pushes everything one place back: this page starts one
            // early; one removed pulls everything forward: it starts one late.
            let shifted = max(0, min(count, start - direction))
            return (shifted..<max(shifted, min(count, end - direction)), count + direction)
        default:
            return (start..<end, count)
        }
    }
}

import ArgumentParser
import CatalogSandbox

/// The flags that choose the sandbox's limits, sign-in and faults (`catalog sandbox` only).
struct SandboxOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Dash: require OAuth — issue access tokens to this client id at <dash-login>/oauth/token.", visibility: .hidden))
    var dashClientID: String?

    @Option(help: ArgumentHelp("Dash: the client secret the token endpoint accepts (with --dash-client-id).", visibility: .hidden))
    var dashClientSecret = "sandbox-secret"

    @Option(
        help: ArgumentHelp(
            "Dash: the first refresh token the token endpoint accepts; each use rotates it (with --dash-client-id).", visibility: .hidden))
    var dashRefreshToken = "sandbox-refresh-1"

    @Option(help: ArgumentHelp("Dash: seconds an issued access token lives.", visibility: .hidden))
    var dashTokenLifetime = 300.0

    @Option(help: ArgumentHelp("V4: require Adobe IMS tokens — a fake IMS under /ims issues them to this client id.", visibility: .hidden))
    var imsClientID: String?

    @Option(help: ArgumentHelp("V4: the client secret the fake IMS accepts (with --ims-client-id).", visibility: .hidden))
    var imsClientSecret = "sandbox-ims-secret"

    @Option(help: ArgumentHelp("V4: the first refresh token the fake IMS accepts; each use rotates it (with --ims-client-id).", visibility: .hidden))
    var imsRefreshToken = "sandbox-ims-refresh-1"

    @Option(help: ArgumentHelp("V4: seconds an IMS access token lives.", visibility: .hidden))
    var imsTokenLifetime = 3600.0

    @Option(
        help: ArgumentHelp(
            "With --service-rate-limits: every window divided by this (60: a minute's allowance each second).", valueName: "factor",
            visibility: .hidden))
    var rateSpeedup = 1.0

    @Flag(help: ArgumentHelp("V4: refuse the audit log (403), as the service does for a user who is not an account admin.", visibility: .hidden))
    var v4AuditForbidden = false

    @Flag(
        help: ArgumentHelp("V4: every file's metadata carries the system field Comment Count, which the real API may not send.", visibility: .hidden))
    var v4CommentCounts = false

    @Option(help: ArgumentHelp("Largest page_size honoured.", visibility: .hidden))
    var maxPageSize = 500

    @Option(help: ArgumentHelp("Requests allowed per window on each endpoint, per user (leaky bucket); unlimited when absent.", visibility: .hidden))
    var rateLimit: Int?

    @Flag(
        help: ArgumentHelp(
            """
            Limit endpoints as the Frame.io v2 reference documents: children 40 a minute, asset reads 5 a second, search 200 a minute (each \
            its own bucket).
            """, visibility: .hidden)
    )
    var serviceRateLimits = false

    @Option(
        help: ArgumentHelp("Refuse (422) a page_size above this, as a service that will not clamp it would.", valueName: "n", visibility: .hidden))
    var refusePageSizeAbove: Int?

    @Option(help: ArgumentHelp("The rate-limit window in milliseconds.", visibility: .hidden))
    var rateWindowMs = 1000

    @Flag(help: ArgumentHelp("Send Retry-After with 429 responses.", visibility: .hidden))
    var retryAfter = false

    @Option(help: ArgumentHelp("Latency added to every response, in milliseconds.", visibility: .hidden))
    var latencyMs = 0

    @Option(help: ArgumentHelp("Fraction of requests answered 500/502/503 (0 to 1).", visibility: .hidden))
    var failRate = 0.0

    @Option(help: ArgumentHelp("Accept only this bearer token (default: any).", visibility: .hidden))
    var requireToken: String?

    @Option(
        name: .customLong("fault"),
        help: ArgumentHelp(
            """
            Inject a fault into this fraction of requests (repeatable), e.g. truncated=0.05. Faults: \
            \(SandboxFault.allCases.map(\.rawValue).joined(separator: ", ")).
            """,
            valueName: "name=rate", visibility: .hidden))
    var faults: [String] = []

    @Option(help: ArgumentHelp("How long a 'slow' fault makes a response wait, in milliseconds.", visibility: .hidden))
    var slowMs = 3000

    @Option(help: ArgumentHelp("How many consecutive 429s a 'throttle-burst' fault sends.", visibility: .hidden))
    var burstLength = 5

    @Option(help: ArgumentHelp("Refuse every static bearer token with 401 after this many requests, as if it had expired.", visibility: .hidden))
    var tokenExpiresAfter: Int?

    @Option(
        help: ArgumentHelp(
            "Fraction of files whose thumbnail address the sandbox's CDN refuses as expired (403), the same files every time (0 to 1).",
            visibility: .hidden))
    var expiredThumbnails = 0.0

    func parsedFaults() throws -> [SandboxFault: Double] {
        var parsed: [SandboxFault: Double] = [:]
        for text in faults {
            guard let (fault, rate) = SandboxFault.parse(text) else {
                throw ValidationError(
                    """
                    --fault \(text): expected NAME=RATE with a rate from 0 to 1 and NAME one of \
                    \(SandboxFault.allCases.map(\.rawValue).joined(separator: ", "))
                    """
                )
            }
            parsed[fault] = rate
        }
        guard parsed.values.reduce(0, +) <= 1 else { throw ValidationError("--fault rates add up to more than 1") }
        return parsed
    }

    func validate() throws {
        guard imsTokenLifetime >= 1 else { throw ValidationError("--ims-token-lifetime must be at least 1 second") }
        guard (0.001...10_000).contains(rateSpeedup) else { throw ValidationError("--rate-speedup must be between 0.001 and 10000") }
        guard dashTokenLifetime >= 1 else { throw ValidationError("--dash-token-lifetime must be at least 1 second") }
        guard (1...100_000).contains(maxPageSize) else { throw ValidationError("--max-page-size must be between 1 and 100000") }
        if let rateLimit, rateLimit < 1 { throw ValidationError("--rate-limit must be at least 1") }
        guard rateWindowMs >= 1 else { throw ValidationError("--rate-window-ms must be at least 1") }
        guard (0...1).contains(failRate) else { throw ValidationError("--fail-rate must be between 0 and 1") }
        guard (0...1).contains(expiredThumbnails) else { throw ValidationError("--expired-thumbnails must be between 0 and 1") }
        guard (0...60_000).contains(latencyMs) else { throw ValidationError("--latency-ms must be between 0 and 60000") }
        guard (0...600_000).contains(slowMs) else { throw ValidationError("--slow-ms must be between 0 and 600000") }
        guard burstLength >= 1 else { throw ValidationError("--burst-length must be at least 1") }
        if let tokenExpiresAfter, tokenExpiresAfter < 0 { throw ValidationError("--token-expires-after must not be negative") }
        _ = try parsedFaults()
    }

    func configuration(host: String = "127.0.0.1", port: Int = 0) throws -> SandboxConfiguration {
        var configuration = SandboxConfiguration()
        configuration.host = host
        configuration.port = port
        configuration.maxPageSize = maxPageSize
        configuration.rateLimit = rateLimit
        if serviceRateLimits { configuration.endpointRateLimits = SandboxConfiguration.serviceRateLimits(speedup: rateSpeedup) }
        configuration.refusePageSizeAbove = refusePageSizeAbove
        configuration.rateWindowMilliseconds = rateWindowMs
        configuration.sendRetryAfter = retryAfter
        configuration.latencyMilliseconds = latencyMs
        configuration.failRate = failRate
        configuration.requiredToken = requireToken
        configuration.faults = try parsedFaults()
        configuration.slowMilliseconds = slowMs
        configuration.burstLength = burstLength
        configuration.tokenExpiresAfterRequests = tokenExpiresAfter
        configuration.expiredThumbnailRate = expiredThumbnails
        if let dashClientID {
            configuration.dashAuth = OAuthClientSettings(
                clientID: dashClientID, clientSecret: dashClientSecret, refreshToken: dashRefreshToken,
                accessTokenLifetime: dashTokenLifetime)
        }
        configuration.auditLogForbidden = v4AuditForbidden
        configuration.commentCounts = v4CommentCounts
        if let imsClientID {
            configuration.ims = OAuthClientSettings(
                clientID: imsClientID, clientSecret: imsClientSecret, refreshToken: imsRefreshToken, accessTokenLifetime: imsTokenLifetime)
        }
        return configuration
    }
}

/// The flags that choose the sandbox's data: the hand-written fixtures, or generated ones of a
/// size (`catalog sandbox` and `catalog demo`).
struct SandboxData: ParsableArguments {
    @Option(help: "Serve a generated tree of about this many assets instead of the hand-written fixture.")
    var assets: Int?

    @Option(help: "Serve a generated Dash tenant of this many assets instead of the hand-written fixture.")
    var dashAssets: Int?

    @Option(help: "Serve a generated Frame.io V4 account of about this many assets instead of the hand-written V4 fixture.")
    var v4Assets: Int?

    @Option(
        help: ArgumentHelp(
            "With --v4-assets: version stacks per 100 assets placed (default 2; 0: folders and files only).", valueName: "percent"))
    var v4Stacks = 2

    @Option(help: "Seed of the generated tree and tenant.")
    var seed: UInt64 = 1

    func validate() throws {
        if let assets, !(0...5_000_000).contains(assets) { throw ValidationError("--assets must be between 0 and 5000000") }
        if let dashAssets, !(0...5_000_000).contains(dashAssets) { throw ValidationError("--dash-assets must be between 0 and 5000000") }
        if let v4Assets, !(0...5_000_000).contains(v4Assets) { throw ValidationError("--v4-assets must be between 0 and 5000000") }
        guard (0...95).contains(v4Stacks) else { throw ValidationError("--v4-stacks must be between 0 and 95") }
    }

    func v4Dataset() -> FrameIOV4Dataset {
        if let v4Assets { return FrameIOV4Dataset.generated(assets: v4Assets, seed: seed, stacks: v4Stacks) }
        return FrameIOV4Dataset.fixture()
    }

    func dashDataset() throws -> DashDataset {
        if let dashAssets { return DashDataset.generated(assets: dashAssets, seed: seed) }
        return try DashDataset.bundledFixture()
    }

    func dataset() throws -> FrameIODataset {
        if let assets { return FrameIODataset.generated(assets: assets, seed: seed) }
        return try FrameIODataset.bundledFixture()
    }
}

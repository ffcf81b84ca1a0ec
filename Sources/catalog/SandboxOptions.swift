import ArgumentParser
import CatalogSandbox

/// The flags that choose the sandbox's dataset, limits and faults.
struct SandboxOptions: ParsableArguments {
    @Option(help: "Serve a generated tree of about this many assets instead of the hand-written fixture.")
    var assets: Int?

    @Option(help: "Serve a generated Dash tenant of this many assets instead of the hand-written fixture.")
    var dashAssets: Int?

    @Option(help: "Dash: require OAuth — issue access tokens to this client id at <dash-login>/oauth/token.")
    var dashClientID: String?

    @Option(help: "Dash: the client secret the token endpoint accepts (with --dash-client-id).")
    var dashClientSecret = "sandbox-secret"

    @Option(help: "Dash: the first refresh token the token endpoint accepts; each use rotates it (with --dash-client-id).")
    var dashRefreshToken = "sandbox-refresh-1"

    @Option(help: "Dash: seconds an issued access token lives.")
    var dashTokenLifetime = 300.0

    @Option(help: "Seed of the generated tree and tenant.")
    var seed: UInt64 = 1

    @Option(help: "Largest page_size honoured.")
    var maxPageSize = 500

    @Option(help: "Requests allowed per window per token (leaky bucket); unlimited when absent.")
    var rateLimit: Int?

    @Option(help: "The rate-limit window in milliseconds.")
    var rateWindowMs = 1000

    @Flag(help: "Send Retry-After with 429 responses.")
    var retryAfter = false

    @Option(help: "Latency added to every response, in milliseconds.")
    var latencyMs = 0

    @Option(help: "Fraction of requests answered 500/502/503 (0 to 1).")
    var failRate = 0.0

    @Option(help: "Accept only this bearer token (default: any).")
    var requireToken: String?

    func validate() throws {
        if let assets, !(0...5_000_000).contains(assets) { throw ValidationError("--assets must be between 0 and 5000000") }
        if let dashAssets, !(0...5_000_000).contains(dashAssets) { throw ValidationError("--dash-assets must be between 0 and 5000000") }
        guard dashTokenLifetime >= 1 else { throw ValidationError("--dash-token-lifetime must be at least 1 second") }
        guard (1...100_000).contains(maxPageSize) else { throw ValidationError("--max-page-size must be between 1 and 100000") }
        if let rateLimit, rateLimit < 1 { throw ValidationError("--rate-limit must be at least 1") }
        guard rateWindowMs >= 1 else { throw ValidationError("--rate-window-ms must be at least 1") }
        guard (0...1).contains(failRate) else { throw ValidationError("--fail-rate must be between 0 and 1") }
        guard (0...60_000).contains(latencyMs) else { throw ValidationError("--latency-ms must be between 0 and 60000") }
    }

    func configuration(host: String = "127.0.0.1", port: Int = 0) -> SandboxConfiguration {
        var configuration = SandboxConfiguration()
        configuration.host = host
        configuration.port = port
        configuration.maxPageSize = maxPageSize
        configuration.rateLimit = rateLimit
        configuration.rateWindowMilliseconds = rateWindowMs
        configuration.sendRetryAfter = retryAfter
        configuration.latencyMilliseconds = latencyMs
        configuration.failRate = failRate
        configuration.requiredToken = requireToken
        if let dashClientID {
            configuration.dashAuth = DashAuthSettings(
                clientID: dashClientID, clientSecret: dashClientSecret, refreshToken: dashRefreshToken,
                accessTokenLifetime: dashTokenLifetime)
        }
        return configuration
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

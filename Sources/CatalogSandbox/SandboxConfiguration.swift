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

    /// Creates the default configuration.
    public init() {}

    /// When set, the Dash API accepts only access tokens issued by its token endpoint, which
    /// exchanges (and rotates) refresh tokens for this client.
    public var dashAuth: DashAuthSettings? = nil
}

/// The Dash sandbox's OAuth client and token lifetimes.
public struct DashAuthSettings: Sendable {
    /// The client id the token endpoint accepts.
    public var clientID: String
    /// The client secret it accepts.
    public var clientSecret: String
    /// The first refresh token it accepts (each use rotates it).
    public var refreshToken: String
    /// Seconds an access token lives.
    public var accessTokenLifetime: Double

    /// Creates the settings.
    public init(clientID: String, clientSecret: String, refreshToken: String, accessTokenLifetime: Double = 300) {
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.refreshToken = refreshToken
        self.accessTokenLifetime = accessTokenLifetime
    }
}

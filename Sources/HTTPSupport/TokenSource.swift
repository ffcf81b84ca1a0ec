import CatalogCore
import Logging

/// Where a service's bearer tokens come from: a sign-in (``FixedToken``, Dash's and Adobe IMS's
/// OAuth sign-ins) as ``APIRequester`` uses it.
public protocol TokenSource: Sendable {
    /// A valid access token; `rejected` is the token a 401 refused, if any.
    func token(rejected: String?) async throws -> String
    /// Whether a 401 can be cured by asking for a new token.
    var canRefresh: Bool { get }
    /// The configured secrets, to redact from messages (issued tokens are redacted by shape).
    var secrets: [String] { get }
}

/// A token used as it is (a developer token): never refreshed, so a 401 is final.
public struct FixedToken: TokenSource {
    let value: String

    public init(_ value: String) { self.value = value }

    public func token(rejected: String?) async throws -> String { value }
    public var canRefresh: Bool { false }
    public var secrets: [String] { [value] }
}

extension APIRequester {
    /// A requester whose tokens come from `auth`.
    public init(
        service: String, credentials: CredentialService?, transport: any HTTPTransport, auth: some TokenSource, retry: RetryPolicy = RetryPolicy(),
        clock: any Clock<Duration> = ContinuousClock(), stats: RequestStats = RequestStats(), logger: Logger = Logger(label: "catalog.http")
    ) {
        self.init(
            service: service, credentials: credentials, transport: transport, token: { rejected in try await auth.token(rejected: rejected) },
            canRefreshToken: auth.canRefresh, secrets: auth.secrets, retry: retry, clock: clock, stats: stats, logger: logger)
    }
}

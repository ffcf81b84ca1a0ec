import CatalogCore
import Foundation
import HTTPSupport
import HTTPTypes

/// Where Dash access tokens come from: a fixed bearer token, or a refresh token exchanged at
/// `{authURL}/oauth/token` for short-lived access tokens, refreshed before they expire and once
/// on a 401. A rotated refresh token is saved to the credentials file at once (the old one no
/// longer works), keyed to the refresh token the user configured, so a new one set in the
/// environment wins over an old saved rotation.
public actor DashAuth: TokenSource {
    /// The configured way to sign in.
    public enum Mode: Sendable {
        /// `DASH_TOKEN`.
        case token(String)
        /// `DASH_REFRESH_TOKEN` with the OAuth client.
        case refresh(clientID: String, clientSecret: String, refreshToken: String, authURL: String)
    }

    private let mode: Mode
    private let transport: any HTTPTransport
    private let credentials: CredentialsFile?
    /// How long each token request may take (a crawl's `--timeout`).
    private let timeout: Duration
    private var refreshToken: RotatingRefreshToken?
    private let accessToken = AccessTokenCache()
    /// Access tokens issued during this run (for redaction checks in tests).
    public private(set) var refreshCount = 0

    /// The credentials file section.
    static let credentialsSection = "dash"

    /// Creates the token source; `credentials` keeps rotated refresh tokens.
    public init(mode: Mode, transport: any HTTPTransport, credentials: CredentialsFile?, timeout: Duration = .seconds(30)) {
        self.mode = mode
        self.timeout = timeout
        self.transport = transport
        self.credentials = credentials
        if case .refresh(let clientID, _, let configured, _) = mode {
            refreshToken = RotatingRefreshToken(
                clientID: clientID, configured: configured, section: Self.credentialsSection, credentials: credentials)
        }
    }

    public nonisolated var canRefresh: Bool {
        if case .refresh = mode { return true }
        return false
    }

    public nonisolated var secrets: [String] {
        switch mode {
        case .token(let token): [token]
        case .refresh(_, let secret, let refresh, _): [secret, refresh]
        }
    }

    public func token(rejected: String? = nil) async throws -> String {
        if case .token(let token) = mode { return token }
        return try await accessToken.token(rejected: rejected) { try await self.exchange() }
    }

    private func exchange() async throws -> AccessToken {
        guard case .refresh(let clientID, let clientSecret, _, let authURL) = mode, let current = refreshToken?.current else {
            // Only a refresh-token mode exchanges; a static token is returned as it is above.
            throw APIError.unauthorized(service: "Dash", what: "the access token", credentials: .dash)
        }
        let json = try await OAuthTokenEndpoint.post(
            form: [("grant_type", "refresh_token"), ("client_id", clientID), ("client_secret", clientSecret), ("refresh_token", current)],
            to: APIURL.base(authURL) + "/oauth/token", transport: transport, service: "Dash", what: "the token refresh", credentials: .dash,
            timeout: timeout)
        guard let token = AccessToken(answer: json) else {
            throw APIError.unauthorized(service: "Dash", what: "the token refresh (no access token in the answer)", credentials: .dash, signIn: true)
        }
        refreshCount += 1
        try refreshToken?.adopt(from: json)
        return token
    }
}

import CatalogCore
import Foundation
import HTTPSupport
import HTTPTypes

/// Where Frame.io V4 access tokens come from (Adobe IMS): a fixed bearer token; a refresh token
/// exchanged at `{authURL}/ims/token/v3` for short-lived access tokens; or the server-to-server
/// `client_credentials` grant. Tokens are refreshed a minute before they expire and once on a
/// 401. A rotated refresh token is saved to the credentials file at once (the old one stops
/// working), keyed to the refresh token it descends from, so a new one set in the environment
/// wins over an old saved rotation.
public actor IMSAuth: TokenSource {
    /// The configured way to sign in.
    public enum Mode: Sendable {
        /// `FRAMEIO_TOKEN`: used as it is.
        case token(String)
        /// `FRAMEIO_REFRESH_TOKEN` with `FRAMEIO_CLIENT_ID` (and the secret, for confidential clients).
        case refresh(clientID: String, clientSecret: String?, refreshToken: String, authURL: String)
        /// `FRAMEIO_CLIENT_ID` with `FRAMEIO_CLIENT_SECRET` and no refresh token: server to server.
        case clientCredentials(clientID: String, clientSecret: String, scopes: String, authURL: String)
    }

    /// `https://ims-na1.adobelogin.com`.
    public static let defaultAuthURL = "https://ims-na1.adobelogin.com"
    /// The scopes asked for by the server-to-server grant unless `FRAMEIO_SCOPES` says otherwise.
    public static let defaultServerScopes = "openid,AdobeID,frame.s2s.all"
    /// The scopes of the user login.
    public static let defaultUserScopes = "openid,AdobeID,profile,email,offline_access,additional_info.roles"
    /// The credentials file section.
    public static let credentialsSection = "frameio"

    private let mode: Mode
    private let transport: any HTTPTransport
    private let credentials: CredentialsFile?
    /// How long each token request may take (a crawl's `--timeout`).
    private let timeout: Duration
    private var refreshToken: RotatingRefreshToken?
    private let accessToken = AccessTokenCache()
    /// Access tokens obtained during this run.
    public private(set) var exchanges = 0

    public init(mode: Mode, transport: any HTTPTransport, credentials: CredentialsFile?, timeout: Duration = .seconds(30)) {
        self.mode = mode
        self.timeout = timeout
        self.transport = transport
        self.credentials = credentials
        if case .refresh(let clientID, _, let configured, let authURL) = mode {
            refreshToken = RotatingRefreshToken(
                clientID: clientID, configured: configured, section: Self.credentialsSection, credentials: credentials, extra: ["auth_url": authURL])
        }
    }

    public nonisolated var canRefresh: Bool {
        if case .token = mode { return false }
        return true
    }

    public nonisolated var secrets: [String] {
        switch mode {
        case .token(let token): [token]
        case .refresh(_, let secret, let refresh, _): [refresh] + (secret.map { [$0] } ?? [])
        case .clientCredentials(_, let secret, _, _): [secret]
        }
    }

    public func token(rejected: String? = nil) async throws -> String {
        if case .token(let token) = mode { return token }
        return try await accessToken.token(rejected: rejected) { try await self.exchange() }
    }

    private func exchange() async throws -> AccessToken {
        var form: [(String, String)]
        let authURL: String
        switch mode {
        case .token(let token):
            return AccessToken(value: token, expiresAt: .distantFuture)
        case .refresh(let clientID, let secret, _, let url):
            guard let current = refreshToken?.current else {
                throw APIError.unauthorized(service: "Adobe IMS", what: "the refresh token", credentials: .frameIOV4, signIn: true)
            }
            form = [("grant_type", "refresh_token"), ("client_id", clientID), ("refresh_token", current)]
            if let secret { form.append(("client_secret", secret)) }
            authURL = url
        case .clientCredentials(let clientID, let secret, let scopes, let url):
            form = [("grant_type", "client_credentials"), ("client_id", clientID), ("client_secret", secret), ("scope", scopes)]
            authURL = url
        }
        let json = try await Self.post(form: form, authURL: authURL, transport: transport, timeout: timeout)
        guard let token = AccessToken(answer: json) else {
            throw APIError.malformedResponse(service: "Adobe IMS", what: "the token answer", detail: "no access_token")
        }
        exchanges += 1
        try refreshToken?.adopt(from: json)
        return token
    }

    /// Posts a form to `{authURL}/ims/token/v3` and returns its JSON answer (see
    /// ``OAuthTokenEndpoint/post(form:to:transport:service:what:credentials:)``).
    public static func post(
        form: [(String, String)], authURL: String, transport: any HTTPTransport, timeout: Duration = .seconds(30)
    ) async throws -> JSONValue {
        try await OAuthTokenEndpoint.post(
            form: form, to: APIURL.base(authURL) + "/ims/token/v3", transport: transport, service: "Adobe IMS", what: "the token request",
            credentials: .frameIOV4, timeout: timeout)
    }
}

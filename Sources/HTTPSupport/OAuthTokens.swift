import CatalogCore
import Foundation
import HTTPTypes

/// The token endpoint of an OAuth 2.0 service (Dash's `/oauth/token`, Adobe IMS's
/// `/ims/token/v3`): what every sign-in that exchanges a refresh token or client credentials
/// needs, in one copy.
public enum OAuthTokenEndpoint {
    /// Posts `form` (form-encoded) to `url` and returns the JSON of its 200 answer, each attempt
    /// within `timeout` (a crawl's `--timeout`). Transport failures, 5xx and 429 are tried three times; any other answer is a refusal,
    /// ``APIError/unauthorized(service:what:credentials:signIn:)`` (a refused sign-in to
    /// `credentials`) naming the status and the service's `error`.
    public static func post(
        form: [(String, String)], to url: String, transport: any HTTPTransport, service: String, what: String,
        credentials: CredentialService, timeout: Duration = .seconds(30)
    ) async throws -> JSONValue {
        let request = APIRequest(
            method: .post, url: url, headerFields: [.contentType: "application/x-www-form-urlencoded", .accept: "application/json"],
            body: Array(APIURL.form(form).utf8), redirects: .none)
        var lastFailure = ""
        for attempt in 1...3 {
            let response: APIResponse
            do {
                response = try await transport.send(request, timeout: timeout)
            } catch let error as TransportError {
                lastFailure = error.reason
                try await Task.sleep(for: .milliseconds(200 * attempt))
                continue
            }
            if response.status.code >= 500 || response.status == .tooManyRequests {
                lastFailure = "HTTP \(response.status.code)"
                try await Task.sleep(for: .milliseconds(200 * attempt))
                continue
            }
            let json = try? JSONParser.parse(response.body)
            guard response.status == .ok, let json else {
                let reason = json?["error"]?.stringValue.map { " (\(TerminalText.sanitize($0)))" } ?? ""
                throw APIError.unauthorized(
                    service: service, what: "\(what) at \(url) (HTTP \(response.status.code)\(reason))", credentials: credentials, signIn: true)
            }
            return json
        }
        throw APIError.gaveUp(service: service, what: "\(what) at \(url)", attempts: 3, lastFailure: lastFailure)
    }
}

/// An access token as a sign-in keeps it: the value and when it stops being good.
public struct AccessToken: Sendable {
    public var value: String
    public var expiresAt: Date
    /// How long the token is refreshed before it expires: a quarter of its lifetime, at most
    /// ``margin``. A fixed minute refreshed an 8-second token before every call (277 token
    /// requests for 561 API requests).
    public var refreshBefore: TimeInterval

    /// A token is refreshed at most this long before it expires.
    public static let margin: TimeInterval = 60

    public init(value: String, expiresAt: Date, lifetime: TimeInterval? = nil) {
        self.value = value
        self.expiresAt = expiresAt
        refreshBefore = lifetime.map { min(Self.margin, $0 / 4) } ?? Self.margin
    }

    /// The token of a token answer (`access_token`, `expires_in` in seconds, default an hour,
    /// at most 30 days); nil when it holds none.
    public init?(answer: JSONValue, now: Date = Date()) {
        guard let value = answer["access_token"]?.stringValue, !value.isEmpty else { return nil }
        Secrets.register(value)
        self.value = value
        let lifetime = answer["expires_in"]?.int64Value.map { Double(min(max($0, 1), 86_400 * 30)) } ?? 3600
        expiresAt = now.addingTimeInterval(lifetime)
        refreshBefore = min(Self.margin, lifetime / 4)
    }

    /// The token, unless it is about to expire or is the one a 401 just refused (requests
    /// refused together then share one refresh: a token refused earlier is not the current one).
    public func usable(rejected: String?, now: Date = Date()) -> String? {
        guard now < expiresAt.addingTimeInterval(-refreshBefore), rejected == nil || rejected != value else { return nil }
        return value
    }
}

/// The access token of a sign-in that exchanges tokens, and the one exchange in progress:
/// requests that find the token about to expire, or refused together by a 401, share one
/// exchange instead of each starting their own.
public actor AccessTokenCache {
    private var current: AccessToken?
    private var exchanging: Task<AccessToken, any Error>?

    public init() {}

    /// The current token unless it is about to expire or is `rejected` (the one a 401 refused);
    /// otherwise the one `exchange` gets.
    public func token(rejected: String?, exchange: @escaping @Sendable () async throws -> AccessToken) async throws -> String {
        if let exchanging { return try await exchanging.value.value }
        if let usable = current?.usable(rejected: rejected) { return usable }
        let task = Task { try await exchange() }
        exchanging = task
        defer { exchanging = nil }
        let token = try await task.value
        current = token
        return token.value
    }
}

/// The refresh token of a sign-in whose service rotates it on every use: the configured one, or
/// the rotation the credentials file keeps for it; each new one an answer carries is saved at
/// once, as the old one no longer works.
public struct RotatingRefreshToken: Sendable {
    /// The refresh token to send next.
    public private(set) var current: String
    let clientID: String
    let configured: String
    let section: String
    let credentials: CredentialsFile?
    let extra: [String: String]

    /// The refresh token for `clientID`: the rotation saved in the credentials file's `section`
    /// when it descends from `configured` (see ``CredentialsFile/refreshToken(section:clientID:configured:)``),
    /// else `configured`. `extra` values are saved with each rotation.
    public init(clientID: String, configured: String, section: String, credentials: CredentialsFile?, extra: [String: String] = [:]) {
        self.clientID = clientID
        self.configured = configured
        self.section = section
        self.credentials = credentials
        self.extra = extra
        current = credentials?.refreshToken(section: section, clientID: clientID, configured: configured) ?? configured
    }

    /// Takes up the refresh token a token answer carries, when it is a new one, and saves it.
    public mutating func adopt(from answer: JSONValue) throws {
        guard let rotated = answer["refresh_token"]?.stringValue, !rotated.isEmpty, rotated != current else { return }
        Secrets.register(rotated)
        current = rotated
        try credentials?.saveRotation(section: section, clientID: clientID, configured: configured, rotated: rotated, extra: extra)
    }
}

extension CredentialsFile {
    /// The refresh token to use for `clientID`: the rotation saved in `section` when it descends
    /// from the `configured` one (a new token set in the environment wins over an old rotation),
    /// else the configured one.
    public func refreshToken(section: String, clientID: String, configured: String) -> String {
        let saved = self.section(section)
        if saved["client_id"] == clientID, saved["origin"] == Self.fingerprint(configured), let rotated = saved["refresh_token"] {
            return rotated
        }
        return configured
    }

    /// Saves a rotated refresh token (the old one no longer works) with the fingerprint of the
    /// configured token it descends from, and `extra` values.
    public func saveRotation(section: String, clientID: String, configured: String, rotated: String, extra: [String: String] = [:]) throws {
        try write(
            section: section,
            extra.merging(["client_id": clientID, "origin": Self.fingerprint(configured), "refresh_token": rotated]) { _, new in new })
    }

    /// A non-secret fingerprint of a token (XXH64), to recognise it later without storing it.
    public static func fingerprint(_ token: String) -> String { Digest.xxh64(token).hex }
}

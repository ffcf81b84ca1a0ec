import CatalogCore
import Foundation
import HTTPSupport
import HTTPTypes

/// Where Dash access tokens come from: a fixed bearer token, or a refresh token exchanged at
/// `{authURL}/oauth/token` for short-lived access tokens, refreshed before they expire and once
/// on a 401. A rotated refresh token is saved to the credentials file at once (the old one no
/// longer works), keyed to the refresh token the user configured, so a new one set in the
/// environment wins over an old saved rotation.
public actor DashAuth {
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
    private var refreshToken: String?
    private var accessToken: String?
    private var expiresAt = Date.distantPast
    private var refreshing: Task<String, any Error>?
    /// Access tokens issued during this run (for redaction checks in tests).
    public private(set) var refreshCount = 0

    /// Refresh this long before the access token expires.
    static let margin: TimeInterval = 60

    /// Creates the token source; `credentials` keeps rotated refresh tokens.
    public init(mode: Mode, transport: any HTTPTransport, credentials: CredentialsFile?) {
        self.mode = mode
        self.transport = transport
        self.credentials = credentials
        if case .refresh(let clientID, _, let configured, _) = mode {
            let saved = credentials?.section("dash") ?? [:]
            // Use the saved rotation only if it descends from the refresh token configured now.
            if saved["client_id"] == clientID, saved["origin"] == Self.fingerprint(configured), let rotated = saved["refresh_token"] {
                refreshToken = rotated
            } else {
                refreshToken = configured
            }
        }
    }

    /// Whether a 401 can be cured by refreshing.
    public nonisolated var canRefresh: Bool {
        if case .refresh = mode { return true }
        return false
    }

    /// The secrets to redact from messages (the configured ones; issued tokens are redacted by shape).
    public nonisolated var secrets: [String] {
        switch mode {
        case .token(let token): [token]
        case .refresh(_, let secret, let refresh, _): [secret, refresh]
        }
    }

    /// A valid access token; `rejected` is the token a 401 refused, if any.
    public func token(rejected: String? = nil) async throws -> String {
        if case .token(let token) = mode { return token }
        if let refreshing { return try await refreshing.value }
        // After a 401, refresh only if the refused token is still the current one: requests
        // refused together share one refresh.
        if let accessToken, Date() < expiresAt.addingTimeInterval(-Self.margin), rejected == nil || rejected != accessToken {
            return accessToken
        }
        let task = Task { try await self.exchange() }
        refreshing = task
        defer { refreshing = nil }
        return try await task.value
    }

    private func exchange() async throws -> String {
        guard case .refresh(let clientID, let clientSecret, let configured, let authURL) = mode, let current = refreshToken else {
            // Only a refresh-token mode exchanges; a static token is returned as it is above.
            throw APIError.unauthorized(service: "Dash", what: "the access token", hint: DashClient.unauthorizedHint)
        }
        var base = authURL
        while base.hasSuffix("/") { base.removeLast() }
        let form = [
            ("grant_type", "refresh_token"), ("client_id", clientID), ("client_secret", clientSecret), ("refresh_token", current),
        ]
        .map { "\($0.0)=\(Self.formEscape($0.1))" }.joined(separator: "&")
        let request = APIRequest(
            method: .post, url: base + "/oauth/token",
            headerFields: [.contentType: "application/x-www-form-urlencoded", .accept: "application/json"], body: Array(form.utf8))
        var lastFailure = ""
        for attempt in 1...3 {
            let response: APIResponse
            do {
                response = try await transport.send(request, timeout: .seconds(30))
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
            guard response.status == .ok, let json = try? JSONParser.parse(response.body),
                let access = json["access_token"]?.stringValue, !access.isEmpty
            else {
                throw APIError.unauthorized(
                    service: "Dash", what: "the token refresh at \(base)/oauth/token (HTTP \(response.status.code))",
                    hint:
                        "The refresh token, client id or client secret was refused. Sign in again to get a new DASH_REFRESH_TOKEN (or set DASH_TOKEN), then run the crawl again."
                )
            }
            let lifetime = json["expires_in"]?.int64Value.map(Double.init) ?? 3600
            accessToken = access
            expiresAt = Date().addingTimeInterval(lifetime)
            refreshCount += 1
            if let rotated = json["refresh_token"]?.stringValue, !rotated.isEmpty, rotated != current {
                refreshToken = rotated
                try credentials?.write(
                    section: "dash", ["client_id": clientID, "origin": Self.fingerprint(configured), "refresh_token": rotated])
            }
            return access
        }
        throw APIError.gaveUp(service: "Dash", what: "the token refresh at \(base)/oauth/token", attempts: 3, lastFailure: lastFailure)
    }

    /// A non-secret fingerprint of a token (XXH64), to recognise it later without storing it.
    static func fingerprint(_ token: String) -> String { Digest.xxh64(token).hex }

    static func formEscape(_ value: String) -> String {
        value.addingPercentEncoding(
            withAllowedCharacters: CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~"))
            ?? value
    }
}

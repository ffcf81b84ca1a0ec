import CatalogCore
import Crypto
import Foundation
import Hummingbird
import Synchronization

/// A fake Adobe IMS (`/ims/authorize/v2`, `/ims/token/v3`): the authorization-code grant with
/// PKCE (S256) and a loopback redirect, the refresh-token grant (each refresh token works once
/// and is rotated), and the server-to-server `client_credentials` grant. Access tokens expire
/// after ``OAuthClientSettings/accessTokenLifetime``; the V4 API accepts only live ones.
public final class IMSSandbox: Sendable {
    let settings: OAuthClientSettings
    private let state: Mutex<State>

    struct State {
        var refreshTokens: Set<String>
        var accessTokens: [String: Date] = [:]
        /// Authorization codes: their PKCE challenge, redirect URI and client.
        var codes: [String: (challenge: String, redirect: String, clientID: String)] = [:]
        var issued = 0
    }

    public init(settings: OAuthClientSettings) {
        self.settings = settings
        state = Mutex(State(refreshTokens: [settings.refreshToken]))
    }

    /// Access tokens issued so far.
    public var issuedTokens: Int { state.withLock { $0.issued } }

    /// Whether `token` is an access token this IMS issued that has not expired.
    func accepts(_ token: String) -> Bool { state.withLock { ($0.accessTokens[token] ?? .distantPast) > Date() } }

    /// Expires every access token issued so far (to test refresh on 401).
    public func expireAccessTokens() { state.withLock { $0.accessTokens.removeAll() } }

    /// Adds `/ims/authorize/v2` and `/ims/token/v3` to `group` (mounted at `/ims`).
    func addRoutes<Context: RequestContext>(to group: RouterGroup<Context>) {
        group.sandbox(.get, "authorize/v2") { [self] request in authorize(request.query) }
        group.sandbox(.post, "token/v3", bodyLimit: 1 << 16) { [self] request in token(form: SandboxRequest.form(request.body)) }
    }

    /// The user "consents" at once: redirects to `redirect_uri` with a code (and the state).
    func authorize(_ query: [String: String]) -> SandboxResponse {
        guard query["client_id"] == settings.clientID else { return Self.error(400, "invalid_client", "Unknown client_id") }
        guard query["response_type"] == "code" else { return Self.error(400, "unsupported_response_type", "response_type must be code") }
        guard let redirect = query["redirect_uri"], let url = URLComponents(string: redirect),
            ["127.0.0.1", "localhost", "[::1]"].contains(url.host ?? ""), url.scheme == "http"
        else { return Self.error(400, "invalid_request", "redirect_uri must be an http loopback URL") }
        guard let challenge = query["code_challenge"], query["code_challenge_method"] == "S256", challenge.count >= 43 else {
            return Self.error(400, "invalid_request", "PKCE is required: code_challenge with code_challenge_method=S256")
        }
        let code = "ims-code-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        state.withLock { $0.codes[code] = (challenge, redirect, settings.clientID) }
        var location = url
        location.queryItems =
            (url.queryItems ?? []) + [URLQueryItem(name: "code", value: code)]
            + (query["state"].map { [URLQueryItem(name: "state", value: $0)] } ?? [])
        return SandboxResponse(status: 302, headers: [("Location", location.string ?? redirect)])
    }

    /// `POST /ims/token/v3` (form-encoded).
    func token(form: [String: String]) -> SandboxResponse {
        guard form["client_id"] == settings.clientID else { return Self.error(401, "invalid_client", "Unknown client_id") }
        if let secret = form["client_secret"], secret != settings.clientSecret {
            return Self.error(401, "invalid_client", "Wrong client_secret")
        }
        switch form["grant_type"] {
        case "authorization_code":
            guard let code = form["code"], let verifier = form["code_verifier"] else {
                return Self.error(400, "invalid_request", "code and code_verifier are required")
            }
            let entry = state.withLock { $0.codes.removeValue(forKey: code) }
            guard let entry else { return Self.error(400, "invalid_grant", "Unknown or already used code") }
            guard Self.challenge(for: verifier) == entry.challenge else { return Self.error(400, "invalid_grant", "code_verifier does not match") }
            guard form["redirect_uri"] == nil || form["redirect_uri"] == entry.redirect else {
                return Self.error(400, "invalid_grant", "redirect_uri does not match")
            }
            return issue(refresh: true)
        case "refresh_token":
            guard let presented = form["refresh_token"], state.withLock({ $0.refreshTokens.remove(presented) }) != nil else {
                return Self.error(400, "invalid_grant", "Unknown, expired or already used refresh token")
            }
            return issue(refresh: true)
        case "client_credentials":
            guard form["client_secret"] == settings.clientSecret else { return Self.error(401, "invalid_client", "client_secret is required") }
            return issue(refresh: false)
        default:
            return Self.error(400, "unsupported_grant_type", "grant_type must be authorization_code, refresh_token or client_credentials")
        }
    }

    private func issue(refresh: Bool) -> SandboxResponse {
        let (access, rotated) = state.withLock { state -> (String, String?) in
            state.issued += 1
            let access = "ims-access-\(state.issued)-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
            state.accessTokens[access] = Date().addingTimeInterval(settings.accessTokenLifetime)
            guard refresh else { return (access, nil) }
            let rotated = "ims-refresh-\(state.issued)-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
            state.refreshTokens.insert(rotated)
            return (access, rotated)
        }
        var members: [(key: String, value: JSONValue)] = [
            ("access_token", .string(access)), ("token_type", .string("bearer")),
            ("expires_in", .integer(Int64(settings.accessTokenLifetime))),
        ]
        if let rotated { members.append(("refresh_token", .string(rotated))) }
        return .json(.object(members))
    }

    /// The S256 challenge of a PKCE verifier: base64url(SHA-256(verifier)), unpadded.
    static func challenge(for verifier: String) -> String {
        Data(SHA256.hash(data: Data(verifier.utf8))).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func error(_ status: Int, _ code: String, _ description: String) -> SandboxResponse {
        .json(.object([("error", .string(code)), ("error_description", .string(description))]), status: status)
    }
}

import CatalogCore
import DashClient
import Foundation
import FrameIOClient
import FrameIOV4Client
import HTTPSupport

/// How each service is signed in to, from the environment, the config file and the sign-in
/// `catalog login` saved: which sources are configured, which Frame.io API a URL names, the
/// IMS and Dash modes, and the checks every secret and URL passes. `crawl` and `login` read it.
enum SignIn {
    /// Whether `source` has what it needs to be crawled without naming it.
    static func isConfigured(_ source: Source, _ environment: [String: String]) -> Bool {
        func set(_ name: String) -> Bool { value(name, in: environment) != nil }
        switch source {
        case .frameio:
            return set("FRAMEIO_TOKEN") || set("FRAMEIO_REFRESH_TOKEN") || set("FRAMEIO_CLIENT_ID")
                || CredentialsFile.fromEnvironment(environment).section(IMSAuth.credentialsSection)["refresh_token"] != nil
        case .dash: return set("DASH_TOKEN") || set("DASH_REFRESH_TOKEN")
        case .local: return false  // a local crawl is given its folders
        }
    }

    /// The Frame.io API a base URL names: `…/v4` or `…/v2`; anything else is refused, naming both.
    static func frameIOAPI(_ url: String, name: String) throws -> ServiceAPI {
        let trimmed = APIURL.base(url)
        if trimmed.hasSuffix("/v4") { return .v4 }
        if trimmed.hasSuffix("/v2") { return .v2 }
        throw ConfigurationError(
            description:
                """
                '\(url)' names neither Frame.io API: \(name) must end in /v4 for Frame.io V4 (e.g. \(FrameIOV4Client.defaultBaseURL)) or /v2 \
                for accounts not yet moved to V4 (e.g. \(FrameIOClient.defaultBaseURL)); the catalog was not touched.
                """
        )
    }

    /// How Frame.io V4 signs in, from the environment or the saved `catalog login frameio`.
    static func imsMode(_ environment: [String: String]) throws -> IMSAuth.Mode {
        let authURL = try url(value("FRAMEIO_AUTH_URL", in: environment), default: IMSAuth.defaultAuthURL, name: "FRAMEIO_AUTH_URL")
        if let token = try secret("FRAMEIO_TOKEN", in: environment) { return .token(token) }
        let clientID = try secret("FRAMEIO_CLIENT_ID", in: environment)
        let clientSecret = try secret("FRAMEIO_CLIENT_SECRET", in: environment)
        if let refresh = try secret("FRAMEIO_REFRESH_TOKEN", in: environment) {
            guard let clientID else {
                throw ConfigurationError(
                    description:
                        """
                        FRAMEIO_REFRESH_TOKEN is set but FRAMEIO_CLIENT_ID is not. Set it to the client id of your Adobe Developer Console \
                        project (and FRAMEIO_CLIENT_SECRET for a confidential client), then run the crawl again; the catalog was not touched.
                        """
                )
            }
            return .refresh(clientID: clientID, clientSecret: clientSecret, refreshToken: refresh, authURL: authURL)
        }
        let saved = CredentialsFile.fromEnvironment(environment).section(IMSAuth.credentialsSection)
        if let refresh = saved["refresh_token"], let savedClient = saved["client_id"], clientID == nil || clientID == savedClient {
            return .refresh(
                clientID: savedClient, clientSecret: clientSecret, refreshToken: refresh,
                authURL: value("FRAMEIO_AUTH_URL", in: environment) == nil ? (saved["auth_url"] ?? authURL) : authURL)
        }
        if let clientID, let clientSecret {
            return .clientCredentials(
                clientID: clientID, clientSecret: clientSecret, scopes: value("FRAMEIO_SCOPES", in: environment) ?? IMSAuth.defaultServerScopes,
                authURL: authURL)
        }
        throw ConfigurationError(
            description:
                """
                Frame.io V4 is not configured. Run `catalog login frameio` (with FRAMEIO_CLIENT_ID set), or set FRAMEIO_TOKEN to an access \
                token, FRAMEIO_REFRESH_TOKEN with FRAMEIO_CLIENT_ID, or FRAMEIO_CLIENT_ID with FRAMEIO_CLIENT_SECRET, then run the crawl \
                again; the catalog was not touched.
                """
        )
    }

    /// The secret in the environment variable `name` (spaces around it trimmed), or nil when unset
    /// or blank. A secret holding a control character (a CR or LF pasted with it), a space or a
    /// non-ASCII character cannot be sent in an HTTP header: refused before any request, naming
    /// the variable and never the value.
    static func secret(_ name: String, in environment: [String: String]) throws -> String? {
        guard let value = environment[name]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        guard value.unicodeScalars.allSatisfy({ (0x21...0x7E).contains($0.value) }) else {
            throw ConfigurationError(
                description:
                    """
                    \(name) holds a line break, a control character, a space or a non-ASCII character, which no token has. Set it to the token \
                    alone (e.g. export \(name)=\"$(cat token.txt | tr -d '\\r\\n')\") and run the command again; the catalog was not touched.
                    """
            )
        }
        return value
    }

    /// How Dash signs in: a bearer token, or a refresh token with the integration's client.
    static func dashMode(_ environment: [String: String]) throws -> DashAuth.Mode {
        if let token = try secret("DASH_TOKEN", in: environment) { return .token(token) }
        guard let refresh = try secret("DASH_REFRESH_TOKEN", in: environment) else {
            throw ConfigurationError(
                description:
                    """
                    Dash is not configured. Set DASH_TOKEN to a Dash access token, or DASH_REFRESH_TOKEN with DASH_CLIENT_ID and \
                    DASH_CLIENT_SECRET, and run the crawl again; the catalog was not touched.
                    """
            )
        }
        guard let clientID = try secret("DASH_CLIENT_ID", in: environment), let clientSecret = try secret("DASH_CLIENT_SECRET", in: environment)
        else {
            throw ConfigurationError(
                description:
                    """
                    DASH_REFRESH_TOKEN is set but DASH_CLIENT_ID or DASH_CLIENT_SECRET is not. Set both (from your Dash custom integration \
                    settings) and run the crawl again; the catalog was not touched.
                    """
            )
        }
        let authURL = try url(value("DASH_AUTH_URL", in: environment), default: DashClient.defaultAuthURL, name: "DASH_AUTH_URL")
        return .refresh(clientID: clientID, clientSecret: clientSecret, refreshToken: refresh, authURL: authURL)
    }

    /// The variable `name`, spaces around it trimmed; nil when unset or blank.
    static func value(_ name: String, in environment: [String: String]) -> String? {
        environment[name].flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0.trimmingCharacters(in: .whitespaces) }
    }

    /// A checked http(s) base URL from a flag or the environment, or the default.
    static func url(_ given: String?, default fallback: String, name: String) throws -> String {
        let text = given.flatMap { $0.isEmpty ? nil : $0 } ?? fallback
        guard let url = URL(string: text), let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil else {
            throw ConfigurationError(description: "'\(text)' is not an http(s) URL. Fix \(name).")
        }
        return text
    }
}

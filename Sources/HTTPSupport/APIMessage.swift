import Foundation
public import HTTPTypes

/// A request as the API clients build it, independent of any HTTP library: the method and
/// header fields as swift-http-types has them, the absolute URL, the body, and the service's
/// rate-limit group.
public struct APIRequest: Sendable, Equatable {
    /// `GET`, `POST`, …
    public var method: HTTPRequest.Method
    /// The absolute URL.
    public var url: String
    /// Header fields (the transport adds none but `Content-Length`).
    public var headerFields: HTTPFields
    /// The body, if any.
    public var body: [UInt8]?
    /// The service's rate-limit bucket this request draws on (e.g. `children`, `asset`, `search`):
    /// services limit each endpoint separately, so each group is paced on its own.
    public var rateLimitGroup: String
    /// Which redirects are followed (up to five): to the same origin only (API calls), or none
    /// (a token request: its form carries the client secret and refresh token, which must never
    /// reach another address).
    public var redirects: Redirects

    /// Which redirects a request follows.
    public enum Redirects: Sendable, Equatable {
        /// Those to the same scheme, host and port; one elsewhere is the answer as it came.
        case sameOrigin
        /// Any (a GET that carries no credential: a signed CDN address for a thumbnail).
        case any
        /// None: a redirect is the answer as it came.
        case none
    }

    /// Creates a request.
    public init(
        method: HTTPRequest.Method = .get, url: String, headerFields: HTTPFields = [:], body: [UInt8]? = nil, rateLimitGroup: String = "",
        redirects: Redirects = .sameOrigin
    ) {
        self.method = method
        self.url = url
        self.headerFields = headerFields
        self.body = body
        self.rateLimitGroup = rateLimitGroup
        self.redirects = redirects
    }
}

/// A response: status and header fields as swift-http-types has them, and the whole body.
public struct APIResponse: Sendable {
    /// The status.
    public var status: HTTPResponse.Status
    /// Header fields as received.
    public var headerFields: HTTPFields
    /// The body bytes.
    public var body: [UInt8]

    /// Creates a response.
    public init(status: HTTPResponse.Status, headerFields: HTTPFields = [:], body: [UInt8] = []) {
        self.status = status
        self.headerFields = headerFields
        self.body = body
    }

    /// The integer value of the header field `name`, when present and numeric.
    public func intHeader(_ name: HTTPField.Name) -> Int? {
        headerFields[name].flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
    }
}

extension HTTPField.Name {
    /// `x-ratelimit-limit`: requests allowed per window.
    public static let rateLimitLimit = HTTPField.Name("x-ratelimit-limit")!
    /// `x-ratelimit-remaining`: requests left in the window.
    public static let rateLimitRemaining = HTTPField.Name("x-ratelimit-remaining")!
    /// `x-ratelimit-window`: the window in milliseconds.
    public static let rateLimitWindow = HTTPField.Name("x-ratelimit-window")!
}

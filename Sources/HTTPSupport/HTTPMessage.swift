import Foundation

/// An HTTP request as the API clients build it, independent of any HTTP library.
public struct HTTPRequest: Sendable, Equatable {
    /// `GET`, `POST`, …
    public var method: String
    /// The absolute URL.
    public var url: String
    /// Header fields (the transport adds none but `Content-Length`).
    public var headers: [(name: String, value: String)]
    /// The body, if any.
    public var body: [UInt8]?
    /// The service's rate-limit bucket this request draws on (e.g. `children`, `asset`, `search`):
    /// services limit each endpoint separately, so each group is paced on its own.
    public var rateLimitGroup: String

    /// Creates a request.
    public init(
        method: String = "GET", url: String, headers: [(name: String, value: String)] = [], body: [UInt8]? = nil, rateLimitGroup: String = ""
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.rateLimitGroup = rateLimitGroup
    }

    public static func == (lhs: HTTPRequest, rhs: HTTPRequest) -> Bool {
        lhs.method == rhs.method && lhs.url == rhs.url && lhs.body == rhs.body
            && lhs.headers.map { "\($0.name):\($0.value)" } == rhs.headers.map { "\($0.name):\($0.value)" }
    }
}

/// An HTTP response: status, headers and the whole body.
public struct HTTPResponse: Sendable {
    /// The status code.
    public var status: Int
    /// Header fields as received.
    public var headers: [(name: String, value: String)]
    /// The body bytes.
    public var body: [UInt8]

    /// Creates a response.
    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The first value of the header `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        let lowered = name.lowercased()
        return headers.first { $0.name.lowercased() == lowered }?.value
    }

    /// The integer value of the header `name`, when present and numeric.
    public func intHeader(_ name: String) -> Int? {
        header(name).flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
    }
}

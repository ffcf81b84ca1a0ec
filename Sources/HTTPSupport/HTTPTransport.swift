/// Sends one HTTP request and returns the whole response.
///
/// The API clients talk to services only through this protocol, so tests can inject a fake and
/// the HTTP library stays replaceable. Implementations throw ``TransportError`` for failures
/// below HTTP (connection refused or reset, timeout, truncated body).
public protocol HTTPTransport: Sendable {
    /// Sends `request`, giving up after `timeout`.
    func send(_ request: APIRequest, timeout: Duration) async throws -> APIResponse
}

/// A failure below HTTP: no status code was received.
public struct TransportError: Error, Sendable, CustomStringConvertible {
    /// What happened, for people (never holds header values).
    public var reason: String
    /// Whether the request timed out.
    public var isTimeout: Bool
    /// Whether nothing answered at the address: the connection was refused, the host is unknown
    /// or cannot be routed to (rather than a connection that broke or an answer that was bad).
    public var isUnreachable: Bool

    /// Creates a transport error.
    public init(reason: String, isTimeout: Bool = false, isUnreachable: Bool = false) {
        self.reason = reason
        self.isTimeout = isTimeout
        self.isUnreachable = isUnreachable
    }

    /// The reason.
    public var description: String { reason }
}

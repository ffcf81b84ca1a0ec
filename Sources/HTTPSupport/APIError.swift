/// Failures talking to a service's API, with messages that say what failed and what to do.
/// Messages never contain tokens.
public enum APIError: Error, Sendable, CustomStringConvertible {
    /// The token is missing, wrong or expired (401).
    case unauthorized(service: String, what: String, hint: String)
    /// The service refused the request (4xx other than 401 and 429).
    case rejected(service: String, what: String, status: Int, message: String)
    /// A request kept failing (429, 5xx, timeouts, connection errors) after every retry.
    case gaveUp(service: String, what: String, attempts: Int, lastFailure: String)
    /// The response could not be understood.
    case malformedResponse(service: String, what: String, detail: String)

    /// A message for people.
    public var description: String {
        switch self {
        case .unauthorized(let service, let what, let hint):
            "\(service) refused the token (401) for \(what). \(hint) Nothing was committed: the catalog is unchanged."
        case .rejected(let service, let what, let status, let message):
            "\(service) answered \(status) for \(what)\(message.isEmpty ? "" : ": \(message)"). Nothing was committed: the catalog is unchanged."
        case .gaveUp(let service, let what, let attempts, let lastFailure):
            "could not read \(what) from \(service) after \(attempts) attempts (last: \(lastFailure)). Nothing was skipped: the crawl stopped and the catalog is unchanged; try again later, lower --concurrency or raise --timeout."
        case .malformedResponse(let service, let what, let detail):
            "\(service) sent a response for \(what) that catalog cannot read: \(detail). The crawl stopped and the catalog is unchanged."
        }
    }
}

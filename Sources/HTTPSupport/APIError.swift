import CatalogCore

/// Failures talking to a service's API, with messages that say what failed. Messages never
/// contain tokens.
public enum APIError: CatalogFailure, Sendable {
    /// The token is missing, wrong or expired (401), or a sign-in was refused: `credentials`
    /// names whose credential to fix (nil when the caller did not say).
    case unauthorized(service: String, what: String, credentials: CredentialService?, signIn: Bool = false)
    /// Nothing answered at the service's address since the crawl began (connection refused,
    /// unknown host): the address is wrong or the service is down. `credentials` names whose
    /// address it is.
    case unreachable(service: String, what: String, address: String, reason: String, credentials: CredentialService?)
    /// The service refused the request (4xx other than 401 and 429).
    case rejected(service: String, what: String, status: Int, message: String)
    /// A request kept failing (429, 5xx, timeouts, connection errors) after every retry.
    case gaveUp(service: String, what: String, attempts: Int, lastFailure: String)
    /// The response could not be understood.
    case malformedResponse(service: String, what: String, detail: String)

    /// A message for people.
    public var description: String {
        switch self {
        case .unauthorized(let service, let what, _, let signIn):
            "\(service) refused \(signIn ? "the sign-in" : "the token (401)") for \(what). Nothing was committed: the catalog is unchanged."
        case .unreachable(let service, let what, let address, let reason, _):
            "nothing answers at \(address) (\(reason)), the address of \(service), reading \(what). Nothing was committed: the catalog is unchanged."
        case .rejected(let service, let what, let status, let message):
            "\(service) answered \(status) for \(what)\(message.isEmpty ? "" : ": \(message)"). Nothing was committed: the catalog is unchanged."
        case .gaveUp(let service, let what, let attempts, let lastFailure):
            """
            could not read \(what) from \(service) after \(attempts) attempts (last: \(lastFailure)). Nothing was skipped: the crawl stopped \
            and the catalog is unchanged.
            """
        case .malformedResponse(let service, let what, let detail):
            "\(service) sent a response for \(what) that catalog cannot read: \(detail). The crawl stopped and the catalog is unchanged."
        }
    }

    public var failureClass: FailureClass {
        if case .unauthorized = self { return .configuration }
        return .service
    }

    public var remedy: Remedy? {
        switch self {
        case .unauthorized(_, _, let credentials, let signIn): credentials.map { .credentials(service: $0, signIn: signIn) }
        case .gaveUp: .easeOff
        case .unreachable(_, _, _, _, let credentials): credentials.map(Remedy.checkAddress)
        default: nil
        }
    }
}

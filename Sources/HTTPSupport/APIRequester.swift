import CatalogCore
import Foundation
import HTTPTypes
import Logging

/// Sends a service's requests with authentication, pacing, retries and accounting.
///
/// Every request waits for the ``RateLimitPacer``; 429s wait for `Retry-After` (or ~1 s, then
/// exponential backoff with jitter); 5xx, 408, timeouts and connection errors are retried up to
/// ``RetryPolicy/maxAttempts``; after that the request fails with ``APIError/gaveUp(service:what:attempts:lastFailure:)``
/// naming what could not be read. Tokens never reach logs or errors.
public struct APIRequester: Sendable {
    /// Supplies the bearer token for each attempt; after a 401 it is given the refused token.
    public typealias TokenProvider = @Sendable (_ rejected: String?) async throws -> String

    /// The service's name in messages (`Frame.io`, `Dash`).
    public let service: String
    /// Whose credential a 401 refuses (what the person is told to fix).
    public let credentials: CredentialService?
    let transport: any HTTPTransport
    let token: TokenProvider
    let canRefreshToken: Bool
    /// One pacer per rate-limit group (``APIRequest/rateLimitGroup``), shared by every request of
    /// that group: the services limit each endpoint separately (Frame.io: children 40 a minute,
    /// asset reads 5 a second, search 200 a minute), so a throttled endpoint does not hold back
    /// the others.
    public let pacers: RateLimitPacers
    /// Retry policy.
    public let retry: RetryPolicy
    /// Counters.
    public let stats: RequestStats
    let clock: ElapsedTime
    /// The logger of this service's requests.
    public let logger: Logger
    let redact: Redactor

    /// Creates a requester.
    public init(
        service: String,
        credentials: CredentialService?,
        transport: any HTTPTransport,
        token: @escaping TokenProvider,
        canRefreshToken: Bool = false,
        secrets: [String] = [],
        retry: RetryPolicy = RetryPolicy(),
        clock: any Clock<Duration> = ContinuousClock(),
        stats: RequestStats = RequestStats(),
        logger: Logger = Logger(label: "catalog.http")
    ) {
        self.service = service
        self.credentials = credentials
        self.transport = transport
        self.token = token
        self.canRefreshToken = canRefreshToken
        self.retry = retry
        self.clock = ElapsedTime(clock)
        self.pacers = RateLimitPacers(clock: clock)
        self.stats = stats
        self.logger = logger
        self.redact = Redactor(secrets: secrets)
    }

    /// `scheme://host[:port]` of `url`, for messages (no path, query or credentials).
    static func origin(of url: String) -> String {
        guard let components = URLComponents(string: url), let scheme = components.scheme, let host = components.host else { return url }
        return "\(scheme)://\(host)" + (components.port.map { ":\($0)" } ?? "")
    }

    /// Sends `request` (an `Authorization` header is added) and returns a 2xx response.
    ///
    /// - Parameter what: names the resource in errors, e.g. `children of folder 123 (page 4)`.
    public func send(_ request: APIRequest, what: String) async throws -> APIResponse {
        var attempt = 0
        var refreshes = 0
        var rejected: String?
        var lastFailure = ""
        let begun = clock.now()
        /// Fails the request when waiting `delay` more would spend more than its retry budget.
        func withinBudget(_ delay: Double) throws {
            let spent = clock.now() - begun
            guard spent + delay > retry.budgetSeconds else { return }
            throw APIError.gaveUp(
                service: service, what: what, attempts: attempt,
                lastFailure: lastFailure
                    + """
                    ; waiting \(Int(delay.rounded(.up))) s more would pass the \(Int(retry.budgetSeconds)) s this request may take in all (10 \
                    × --timeout)
                    """
            )
        }
        attempts: while true {
            attempt += 1
            try Task.checkCancellation()
            let pacer = await pacers.pacer(for: request.rateLimitGroup)
            let waited = try await pacer.acquire()
            if waited > 0 {
                stats.update {
                    $0.rateLimitWaits += 1
                    $0.rateLimitWaitSeconds += waited
                }
            }
            var authorized = request
            let bearer = try await token(rejected)
            authorized.headerFields[.authorization] = "Bearer \(bearer)"
            stats.update {
                $0.requests += 1
                if attempt > 1 { $0.retries += 1 }
            }
            let started = clock.now()
            let response: APIResponse
            do {
                response = try await transport.send(authorized, timeout: retry.timeout)
            } catch let error as TransportError {
                lastFailure = redact(error.isTimeout ? "timeout (\(error.reason))" : error.reason)
                logger.debug("request failed", metadata: ["what": "\(what)", "failure": "\(lastFailure)", "attempt": "\(attempt)"])
                // Nothing has ever answered at this address: after one quick second try, it is the
                // address that is wrong, not the moment (a server gone mid-crawl is waited for).
                if error.isUnreachable, stats.snapshot.responses == 0, attempt >= 2 {
                    throw APIError.unreachable(
                        service: service, what: what, address: Self.origin(of: request.url), reason: lastFailure, credentials: credentials)
                }
                guard attempt < retry.maxAttempts else { break attempts }
                let delay = retry.delay(afterAttempt: attempt, throttled: false)
                try withinBudget(delay + retry.timeoutSeconds)
                stats.noteRetry(RetryNotice(attempt: attempt + 1, maxAttempts: retry.maxAttempts, reason: lastFailure))
                try await clock.sleep(seconds: delay)
                continue
            }
            let elapsed = clock.now() - started
            stats.update {
                $0.transportSeconds += elapsed
                $0.bytes += response.body.count
                $0.responses += 1
            }
            if let claimed = await pacer.observe(
                limit: response.intHeader(.rateLimitLimit), remaining: response.intHeader(.rateLimitRemaining),
                windowMilliseconds: response.intHeader(.rateLimitWindow))
            {
                logger.warning(
                    """
                    \(service) claims a rate limit of \(claimed) for \(request.rateLimitGroup.isEmpty ? "its API" : request.rateLimitGroup), \
                    far below any it documents: paced at 10 requests a minute instead (its 429s are still obeyed)
                    """
                )
            }
            logger.trace("response", metadata: ["what": "\(what)", "status": "\(response.status.code)", "group": "\(request.rateLimitGroup)"])
            switch response.status.code {
            case 200..<300:
                if stats.retrying != nil { stats.noteRetry(nil) }
                return response
            case 401:
                // A refreshable token may expire again during a long crawl: refresh up to three
                // times for one request; a token refused right after its refresh is a real refusal.
                if canRefreshToken && refreshes < 3 {
                    refreshes += 1
                    rejected = bearer
                    attempt -= 1
                    continue
                }
                throw APIError.unauthorized(service: service, what: what, credentials: credentials)
            case 429:
                stats.update { $0.throttled += 1 }
                let asked = Self.retryAfter(response)
                let delay = asked ?? retry.delay(afterAttempt: attempt, throttled: true)
                lastFailure =
                    "429 Too Many Requests" + (asked.map { " (Retry-After: \(Int($0.rounded(.up))) s)" } ?? "")
                    + (Self.errorMessage(response.body).map { ": \(redact($0))" } ?? "")
                // A wait the budget cannot hold fails now, not after it.
                try withinBudget(min(delay, retry.maxDelay * 4))
                await pacer.throttled(for: min(delay, retry.maxDelay * 4), remaining: response.intHeader(.rateLimitRemaining))
                guard attempt < retry.maxAttempts + 4 else { break attempts }  // throttling is expected: allow more patience
                stats.noteRetry(
                    RetryNotice(
                        attempt: attempt + 1, maxAttempts: retry.maxAttempts + 4,
                        reason: "throttled (429), waiting \(Int(min(delay, retry.maxDelay * 4).rounded(.up)))s"))
                continue
            case 408, 500..<600:
                lastFailure = "HTTP \(response.status.code)\(Self.errorMessage(response.body).map { ": \($0)" } ?? "")"
                lastFailure = redact(lastFailure)
                guard attempt < retry.maxAttempts else { break attempts }
                let delay = retry.delay(afterAttempt: attempt, throttled: false)
                try withinBudget(delay)
                stats.noteRetry(RetryNotice(attempt: attempt + 1, maxAttempts: retry.maxAttempts, reason: lastFailure))
                try await clock.sleep(seconds: delay)
                continue
            default:
                throw APIError.rejected(
                    service: service, what: what, status: response.status.code,
                    message: redact(Self.errorMessage(response.body) ?? ""))
            }
        }
        throw APIError.gaveUp(service: service, what: what, attempts: attempt, lastFailure: lastFailure)
    }

    /// Sends `request` and decodes the answer with `decode`. An answer that cannot be decoded
    /// (``APIError/malformedResponse(service:what:detail:)``: truncated JSON, a missing or mistyped
    /// member) is asked for again up to ``RetryPolicy/malformedAttempts`` times, since proxies and
    /// overloaded services do send broken bodies now and then; if it stays broken, the error is thrown.
    public func send<T>(_ request: APIRequest, what: String, decode: (APIResponse) throws -> T) async throws -> T {
        var attempt = 0
        while true {
            attempt += 1
            let response = try await send(request, what: what)
            do {
                return try decode(response)
            } catch let error as APIError {
                guard case .malformedResponse = error else { throw error }
                stats.update { $0.retries += 1 }  // the next attempt is a retry like any other
                logger.debug("malformed response", metadata: ["what": "\(what)", "error": "\(error)", "attempt": "\(attempt)"])
                guard attempt < retry.malformedAttempts else { throw error }
                try await clock.sleep(seconds: retry.delay(afterAttempt: attempt, throttled: false))
            }
        }
    }

    /// Seconds from a `Retry-After` header (delta-seconds or an HTTP date), if present and sane.
    static func retryAfter(_ response: APIResponse) -> Double? {
        guard let value = response.headerFields[.retryAfter]?.trimmingCharacters(in: .whitespaces) else { return nil }
        if let seconds = Double(value), seconds >= 0, seconds.isFinite { return min(seconds, 300) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        if let date = formatter.date(from: value) { return min(max(0, date.timeIntervalSinceNow), 300) }
        return nil
    }

    /// A short message from a JSON error body (`message`, `error`, or the first `errors[].detail`),
    /// on one line with control and bidi characters made visible: it is the service's text, and
    /// a line break in it could forge a line of catalog's own output.
    static func errorMessage(_ body: [UInt8]) -> String? {
        rawErrorMessage(body).map { TerminalText.sanitize($0) }
    }

    private static func rawErrorMessage(_ body: [UInt8]) -> String? {
        guard !body.isEmpty, body.count < 65536, let object = try? JSONParser.parse(body), object.objectMembers != nil else { return nil }
        if let first = object["errors"]?.arrayValue?.first {
            if let detail = first["detail"]?.stringValue { return String(detail.prefix(300)) }
            if let title = first["title"]?.stringValue { return String(title.prefix(300)) }
        }
        if let message = object["message"]?.stringValue { return String(message.prefix(300)) }
        if let error = object["error"]?.stringValue { return String(error.prefix(300)) }
        return nil
    }
}

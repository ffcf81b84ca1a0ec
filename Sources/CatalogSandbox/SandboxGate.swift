import CatalogCore
import Foundation
import Synchronization

/// What every sandbox API does before answering: added latency, the bearer-token check, the
/// per-token leaky bucket with its `x-ratelimit-*` headers and 429s, and injected faults; and,
/// after answering, the faults that corrupt a successful body.
final class SandboxGate: Sendable {
    /// The outcome for one request.
    enum Verdict {
        /// Answer it, adding these headers; a page fault changes which elements a list page holds.
        case admit(headers: [(name: String, value: String)], pageFault: PageFault?, bodyFault: SandboxFault?)
        /// Refuse it with this status, reason and headers.
        case refuse(status: Int, reason: String, headers: [(name: String, value: String)])
    }

    let configuration: SandboxConfiguration
    /// One bucket per endpoint class: ``SandboxConfiguration/endpointRateLimits`` where given,
    /// else ``SandboxConfiguration/rateLimit`` for each class separately. Keyed by user, not by
    /// token: the service limits a user across all of the user's tokens.
    private let buckets: Mutex<[String: LeakyBucket]> = Mutex([:])
    private let counters = Mutex(SandboxCounters())
    private let random: Mutex<SeededGenerator>
    /// 429s still to send in the current burst.
    private let burst = Mutex(0)

    init(configuration: SandboxConfiguration) {
        self.configuration = configuration
        random = Mutex(SeededGenerator(seed: configuration.faultSeed))
    }

    var counts: SandboxCounters { counters.withLock { $0 } }

    /// Checks one request; `accepts` says whether a bearer token is valid. `expiring`: the token
    /// is a static one that ``SandboxConfiguration/tokenExpiresAfterRequests`` expires.
    /// The bucket of `endpoint`, made on first use; nil when it is not limited.
    private func bucket(_ endpoint: String) -> LeakyBucket? {
        buckets.withLock { buckets in
            if let bucket = buckets[endpoint] { return bucket }
            let limit = configuration.endpointRateLimits[endpoint] ?? configuration.rateLimit.map { ($0, configuration.rateWindowMilliseconds) }
            guard let limit else { return nil }
            let bucket = LeakyBucket(limit: limit.0, windowMilliseconds: limit.1)
            buckets[endpoint] = bucket
            return bucket
        }
    }

    func check(authorization: String?, endpoint: String = "", expiring: Bool = true, accepts: (String) -> Bool) async -> Verdict {
        let number = counters.withLock {
            $0.requests += 1
            return $0.requests
        }
        let fault = roll()
        let delay = configuration.latencyMilliseconds + (fault == .slow ? configuration.slowMilliseconds : 0)
        if delay > 0 { try? await Task.sleep(for: .milliseconds(delay)) }
        guard let authorization, authorization.hasPrefix("Bearer "), authorization.count > 7 else {
            return .refuse(status: 401, reason: "Missing bearer token", headers: [])
        }
        let token = String(authorization.dropFirst(7))
        guard accepts(token) else { return .refuse(status: 401, reason: "Invalid or expired token", headers: []) }
        if expiring, let limit = configuration.tokenExpiresAfterRequests, number > limit {
            return .refuse(status: 401, reason: "Token expired", headers: [])
        }
        var headers: [(name: String, value: String)]
        var throttled = false
        if let bucket = bucket(endpoint) {
            // Every token of the sandbox belongs to its one user: one bucket per endpoint for all of them.
            let verdict = bucket.take("user")
            headers = [
                ("x-ratelimit-limit", String(bucket.limit)), ("x-ratelimit-remaining", String(verdict.remaining)),
                ("x-ratelimit-window", String(bucket.windowMilliseconds)),
            ]
            if !verdict.allowed {
                throttled = true
                if configuration.sendRetryAfter { headers.append(("Retry-After", String(Int(verdict.retryAfterSeconds.rounded(.up))))) }
            }
        } else {
            headers = [("x-ratelimit-limit", "100000"), ("x-ratelimit-remaining", "100000"), ("x-ratelimit-window", "60000")]
        }
        let inBurst = burst.withLock { remaining in
            if fault == .throttleBurst { remaining = max(remaining, configuration.burstLength) }
            guard remaining > 0 else { return false }
            remaining -= 1
            return true
        }
        if inBurst && !throttled {
            throttled = true
            if configuration.sendRetryAfter { headers.append(("Retry-After", "1")) }
        }
        if throttled {
            counters.withLock { $0.throttled += 1 }
            return .refuse(status: 429, reason: "Rate limit exceeded", headers: headers)
        }
        var failed = fault == .serverError
        if !failed, configuration.failRate > 0 {
            failed = random.withLock { Double($0.next() % 1_000_000) / 1_000_000 } < configuration.failRate
        }
        if failed {
            counters.withLock { $0.failures += 1 }
            let status = [500, 502, 503][Int(random.withLock { $0.next() } % 3)]
            return .refuse(status: status, reason: "Injected failure", headers: headers)
        }
        guard let fault, fault.corruptsBody || fault.changesPage else { return .admit(headers: headers, pageFault: nil, bodyFault: nil) }
        counters.withLock { $0.faults += 1 }
        if fault.changesPage {
            let direction = random.withLock { $0.next() % 2 == 0 } ? 1 : -1
            return .admit(headers: headers, pageFault: PageFault(fault: fault, direction: direction), bodyFault: nil)
        }
        return .admit(headers: headers, pageFault: nil, bodyFault: fault)
    }

    /// The fault (if any) that hits this request: one roll against the configured rates in turn.
    private func roll() -> SandboxFault? {
        guard !configuration.faults.isEmpty else { return nil }
        let roll = random.withLock { Double($0.next() % 1_000_000) / 1_000_000 }
        var threshold = 0.0
        for fault in SandboxFault.allCases {
            threshold += configuration.faults[fault] ?? 0
            if roll < threshold { return fault }
        }
        return nil
    }

    /// Applies a body fault to a successful JSON answer.
    static func corrupt(_ response: SandboxResponse, with fault: SandboxFault?) -> SandboxResponse {
        guard let fault, (200..<300).contains(response.status) else { return response }
        var response = response
        switch fault {
        case .truncated:
            response.body = Array(response.body.prefix(response.body.count / 2))
        case .reset:
            response.resetAfter = response.body.count / 2
        case .wrongType, .missingField:
            guard let json = try? JSONParser.parse(response.body) else { return response }
            let changed = json.changingFirstElement { element in
                guard case .object(var members) = element else { return element }
                members.removeAll { $0.0 == "id" }
                if fault == .wrongType { members.insert(("id", .object([("unexpected", .bool(true))])), at: 0) }
                return .object(members)
            }
            response.body = Array(JSONWriter.string(changed, canonical: false).utf8)
        default:
            break
        }
        return response
    }
}

extension JSONValue {
    /// The value with its first listed element changed: the first element of a top-level array,
    /// of a `results` array (Dash searches) or the `result` inside it, or the object itself.
    fileprivate func changingFirstElement(_ change: (JSONValue) -> JSONValue) -> JSONValue {
        switch self {
        case .array(var elements):
            guard !elements.isEmpty else { return self }
            elements[0] = elements[0]["result"] != nil ? elements[0].changingFirstElement(change) : change(elements[0])
            return .array(elements)
        case .object(var members):
            if let index = members.firstIndex(where: { $0.0 == "results" }) {
                members[index].1 = members[index].1.changingFirstElement(change)
                return .object(members)
            }
            if let index = members.firstIndex(where: { $0.0 == "result" }) {
                members[index].1 = change(members[index].1)
                return .object(members)
            }
            return change(self)
        default:
            return self
        }
    }
}

/// Requests a sandbox API answered, by outcome.
public struct SandboxCounters: Sendable, Equatable {
    /// All requests.
    public var requests = 0
    /// 429s sent.
    public var throttled = 0
    /// Injected 5xx sent.
    public var failures = 0
    /// Other injected faults (slow answers excepted).
    public var faults = 0

    /// Zero counts.
    public init() {}
}

extension SandboxGate {
    /// The title of a refusal's status, for the APIs whose error bodies carry one.
    static func title(of status: Int) -> String {
        status == 401 ? "Unauthorized" : status == 429 ? "Too Many Requests" : "Server Error"
    }

    /// The path every sandbox API answers through: the gate first (latency, token, rate limit,
    /// faults); a refusal becomes `refuse`'s error body (each API has its own); otherwise
    /// `answer` (told how a list page is to be distorted), with the rate-limit headers added and
    /// the body corrupted when a body fault was drawn.
    func serve(
        authorization: String?, endpoint: String = "", expiring: Bool = true, accepts: (String) -> Bool,
        refuse: (_ status: Int, _ reason: String, _ headers: [(name: String, value: String)]) -> SandboxResponse,
        answer: (PageFault?) -> SandboxResponse
    ) async -> SandboxResponse {
        switch await check(authorization: authorization, endpoint: endpoint, expiring: expiring, accepts: accepts) {
        case .refuse(let status, let reason, let headers):
            return refuse(status, reason, headers)
        case .admit(let rateHeaders, let pageFault, let bodyFault):
            var response = answer(pageFault)
            response.headers += rateHeaders
            return Self.corrupt(response, with: bodyFault)
        }
    }
}

import CatalogCore
import Foundation
import HTTPSupport
import HTTPTypes
import Synchronization
import TestSupport
import Testing

/// A clock that only moves when the code under test sleeps: a sleep returns at once, the time
/// advanced by it. (pointfreeco/swift-clocks' ImmediateClock does this, but its 1.1.1 needs
/// swift-tools 6.4.)
final class ManualClock: Clock {
    struct Instant: InstantProtocol {
        var offset: Duration
        func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        func duration(to other: Instant) -> Duration { other.offset - offset }
        static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }
    }

    private let time = Mutex(Duration.zero)
    var now: Instant { Instant(offset: time.withLock { $0 }) }
    var minimumResolution: Duration { .zero }

    func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        try Task.checkCancellation()
        time.withLock { $0 = max($0, deadline.offset) }
    }

    /// Seconds slept so far.
    var slept: Double {
        let elapsed = time.withLock { $0 }
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    }
}

/// A transport answering from a script of responses.
final class ScriptedTransport: HTTPTransport {
    private let script: Mutex<[Result<APIResponse, TransportError>]>
    let sent = Mutex<[APIRequest]>([])

    init(_ script: [Result<APIResponse, TransportError>]) { self.script = Mutex(script) }

    func send(_ request: APIRequest, timeout: Duration) async throws -> APIResponse {
        sent.withLock { $0.append(request) }
        let next = script.withLock { $0.isEmpty ? nil : $0.removeFirst() }
        guard let next else { return APIResponse(status: .ok) }
        return try next.get()
    }
}

@Suite struct RequesterTests {
    func requester(_ transport: ScriptedTransport, clock: ManualClock, token: String = "secret-token-123") -> APIRequester {
        APIRequester(
            service: "Test", credentials: .dash, transport: transport, token: { _ in token }, secrets: [token],
            retry: RetryPolicy(maxAttempts: 3, baseDelay: 0.5, throttleDelay: 1, maxDelay: 8), clock: clock)
    }

    @Test func anAddressWhereNothingHasEverAnsweredFailsAfterOneQuickSecondTry() async {
        let refused = TransportError(reason: "connection refused", isUnreachable: true)
        let transport = ScriptedTransport([.failure(refused), .failure(refused), .failure(refused)])
        let r = requester(transport, clock: ManualClock())
        await #expect {
            try await r.send(APIRequest(url: "http://127.0.0.1:9/v4/me?x=1"), what: "the current user")
        } throws: { error in
            guard case .unreachable(_, _, let address, let reason, _) = error as? APIError else { return false }
            return address == "http://127.0.0.1:9" && reason == "connection refused"
                && (error as? APIError)?.remedy == .checkAddress(.dash) && (error as? APIError)?.failureClass == .service
        }
        #expect(transport.sent.withLock { $0.count } == 2)
    }

    @Test func aServiceThatAnsweredBeforeIsWaitedForWhenItStopsAnswering() async throws {
        let refused = TransportError(reason: "connection refused", isUnreachable: true)
        let transport = ScriptedTransport([
            .success(.init(status: 200, body: [1])), .failure(refused), .failure(refused), .success(.init(status: 200, body: [2])),
        ])
        let r = requester(transport, clock: ManualClock())
        _ = try await r.send(APIRequest(url: "http://x/a"), what: "a")
        // Gone mid-crawl (a restart): retried with backoff like any other failure, not given up at once.
        let second = try await r.send(APIRequest(url: "http://x/b"), what: "b")
        #expect(second.body == [2])
        #expect(transport.sent.withLock { $0.count } == 4)
    }

    @Test func retriesServerErrorsThenSucceeds() async throws {
        let transport = ScriptedTransport([
            .success(.init(status: 502)), .failure(TransportError(reason: "reset")), .success(.init(status: 200, body: [1])),
        ])
        let clock = ManualClock()
        let r = requester(transport, clock: clock)
        let response = try await r.send(APIRequest(url: "http://x/a"), what: "thing")
        #expect(response.body == [1])
        #expect(r.stats.snapshot.requests == 3)
        #expect(r.stats.snapshot.retries == 2)
        #expect(clock.slept >= 0.25 + 0.5)  // two backoffs, equal jitter: at least half of 0.5 and 1.0
        #expect(
            transport.sent.withLock { $0.allSatisfy { $0.headerFields[.authorization] == "Bearer secret-token-123" } })
    }

    @Test func givesUpNamingWhatFailed() async {
        let transport = ScriptedTransport(Array(repeating: .success(.init(status: 503)), count: 5))
        let r = requester(transport, clock: ManualClock())
        await #expect {
            try await r.send(APIRequest(url: "http://x/a"), what: "children of folder F1 (page 3)")
        } throws: { error in
            "\(error)".contains("children of folder F1 (page 3)") && "\(error)".contains("3 attempts")
        }
    }

    @Test func honoursRetryAfterOn429() async throws {
        let throttled = APIResponse(status: 429, headers: [("Retry-After", "7")])
        let transport = ScriptedTransport([.success(throttled), .success(.init(status: 200))])
        let clock = ManualClock()
        let r = requester(transport, clock: clock)
        _ = try await r.send(APIRequest(url: "http://x/a"), what: "a")
        #expect(clock.slept >= 7)
        #expect(r.stats.snapshot.throttled == 1)
    }

    /// A 429 that says the bucket still has room (a burst guard, not the bucket) is waited out
    /// for its own delay; one that says nothing empties the bucket, so the next request waits for
    /// it to drain below the headroom.
    @Test(arguments: ["60", nil] as [String?])
    func a429HoldsTheBucketFullOnlyWhenItDoesNotSayWhatIsLeft(remaining: String?) async throws {
        var headers = [("x-ratelimit-limit", "100"), ("x-ratelimit-window", "60000")]
        if let remaining { headers.append(("x-ratelimit-remaining", remaining)) }
        let transport = ScriptedTransport([
            .success(APIResponse(status: 429, headers: headers + [("Retry-After", "1")])), .success(.init(status: 200)),
            .success(.init(status: 200)),
        ])
        let clock = ManualClock()
        let r = requester(transport, clock: clock)
        _ = try await r.send(APIRequest(url: "http://x/a"), what: "a")
        _ = try await r.send(APIRequest(url: "http://x/b"), what: "b")
        // Retry-After 1 s. A bucket of 100 a minute held full drains to its 90-request ceiling in
        // another 5.6 s; one with 60 left lets both requests through after the second.
        #expect(clock.slept >= 1)
        if remaining == nil { #expect(clock.slept >= 6.5) } else { #expect(clock.slept < 1.5) }
    }

    /// The service's message is its text: one line, escapes shown, so it cannot forge output.
    @Test func anErrorMessageFromTheServiceStaysOnOneLine() async {
        let body = #"{"message":"bad request\nframeio full: 45 items, crawl complete \u001b[32mOK"}"#
        let transport = ScriptedTransport([.success(.init(status: 422, body: Array(body.utf8)))])
        let r = requester(transport, clock: ManualClock())
        await #expect {
            try await r.send(APIRequest(url: "http://x/accounts"), what: "accounts")
        } throws: { error in
            let text = "\(error)"
            return !text.contains("\n") && !text.unicodeScalars.contains("\u{1B}") && text.contains("bad request␊frameio full")
        }
    }

    @Test func unauthorizedIsNotRetriedAndHidesTheToken() async {
        let transport = ScriptedTransport([.success(.init(status: 401, body: Array(#"{"message":"bad token secret-token-123"}"#.utf8)))])
        let r = requester(transport, clock: ManualClock())
        await #expect {
            try await r.send(APIRequest(url: "http://x/me"), what: "the current user")
        } throws: { error in
            guard case APIError.unauthorized = error else { return false }
            return (error as? APIError)?.remedy == .credentials(service: .dash, signIn: false) && !"\(error)".contains("secret-token-123")
        }
        #expect(transport.sent.withLock { $0.count } == 1)
    }

    @Test func pacerSpacesRequestsToTheBucketRate() async throws {
        let clock = ManualClock()
        let pacer = RateLimitPacer(clock: clock, headroom: 0.1)
        await pacer.observe(limit: 10, remaining: 10, windowMilliseconds: 1000)
        for _ in 0..<109 { try await pacer.acquire() }
        // 9 requests fit at once (10 minus 10% headroom); the other 100 drain at 10 per second.
        #expect(abs(clock.slept - 10.0) < 0.2)
    }

    /// Issue 31, item 5: "1 request per 3 600 000 ms" paced a crawl at one call an hour. A rate
    /// far below any documented one is paced at the floor (10 a minute), reported once.
    @Test func anImplausiblySlowClaimedRateIsClampedAndReportedOnce() async throws {
        let clock = ManualClock()
        let pacer = RateLimitPacer(clock: clock, headroom: 0)
        let claimed = await pacer.observe(limit: 1, remaining: 1, windowMilliseconds: 3_600_000)
        #expect(claimed == "1 per 3600000 ms")
        #expect(await pacer.observe(limit: 1, remaining: 1, windowMilliseconds: 3_600_000) == nil)
        for _ in 0..<4 { try await pacer.acquire() }
        // Three waits at 10 a minute (6 s each), not three hours.
        #expect(clock.slept < 30, "waited \(clock.slept) s")
        // A documented rate (V4's 100 a minute) is believed as it is.
        #expect(await RateLimitPacer(clock: ManualClock()).observe(limit: 100, remaining: 100, windowMilliseconds: 60_000) == nil)
    }

    /// How full a bucket would be with one more call, what a V4 crawl asks before it sends a
    /// folder to the typed lists: nothing while no limit is known, even during a 429's pause
    /// (a burst of 429s is not the bucket emptied); with a limit, the level and the calls on
    /// their way, against what the bucket is let hold.
    @Test func loadIsTheShareOfTheBucketInUse() async throws {
        let clock = ManualClock()
        let pacer = RateLimitPacer(clock: clock, headroom: 0.1)
        await pacer.throttled(for: 5)
        #expect(await pacer.isPaused)
        #expect(await pacer.load(pending: 3) == 0)
        await pacer.observe(limit: 100, remaining: 100, windowMilliseconds: 60_000)
        #expect(abs(await pacer.load() - 1.0 / 90) < 1e-9)
        for _ in 0..<44 { try await pacer.acquire() }
        // 44 in the bucket, 0 pending, one more: 45 of the 90 it is let hold.
        #expect(abs(await pacer.load() - 0.5) < 0.01)
        #expect(await pacer.load(pending: 46) > 1)
    }

    @Test func pacerAdoptsTheServersView() async throws {
        let clock = ManualClock()
        let pacer = RateLimitPacer(clock: clock)
        await pacer.observe(limit: 40, remaining: 0, windowMilliseconds: 60_000)
        try await pacer.acquire()
        // The bucket was full: the first request waits until 5 slots (4 headroom + 1) drained: 5 × 1.5 s.
        #expect(abs(clock.slept - 7.5) < 0.01)
    }

    /// Two endpoints with different limits, interleaved: each is paced by its own bucket, learned
    /// from its own answers, so the slow one never teaches the fast one its limit (no oscillation).
    /// On the manual clock the whole run takes what the 5-a-second bucket needs, and no more.
    @Test func interleavedEndpointsWithDifferentLimitsArePacedApart() async throws {
        final class TwoBuckets: HTTPTransport {
            func send(_ request: APIRequest, timeout: Duration) async throws -> APIResponse {
                let (limit, window) = request.rateLimitGroup == "slow" ? ("5", "1000") : ("100", "60000")
                return APIResponse(
                    status: 200, headers: [("x-ratelimit-limit", limit), ("x-ratelimit-remaining", limit), ("x-ratelimit-window", window)])
            }
        }
        let clock = ManualClock()
        let r = APIRequester(service: "Test", credentials: nil, transport: TwoBuckets(), token: { _ in "t" }, clock: clock)
        var fastWaits = 0.0
        for i in 0..<200 {
            let before = clock.slept
            _ = try await r.send(APIRequest(url: "http://x/\(i)", rateLimitGroup: i % 2 == 0 ? "fast" : "slow"), what: "request \(i)")
            if i % 2 == 0 { fastWaits += clock.slept - before }
        }
        // The slow bucket (5 a second, one slot kept free as headroom) lets 4 through at once,
        // then one every 0.2 s: 96 × 0.2 = 19.2 s. The fast one (100 a minute) never makes a
        // request wait: its 100 requests fit in its 90 at once plus what drains in 19 s.
        #expect(abs(clock.slept - 19.2) < 0.3, "\(clock.slept) s")
        #expect(fastWaits < 0.01, "the fast endpoint waited \(fastWaits) s")
    }

    /// A window of years or a limit of billions would make every request wait for ever.
    @Test func pacerIgnoresRateLimitsNoServiceMeans() async throws {
        let clock = ManualClock()
        let pacer = RateLimitPacer(clock: clock)
        await pacer.observe(limit: 40, remaining: 40, windowMilliseconds: 60_000)
        await pacer.observe(limit: Int.max, remaining: 0, windowMilliseconds: Int.max)
        try await pacer.acquire()
        // Still the 40-per-minute bucket, now full: the same 7.5 s wait as above, not centuries.
        #expect(abs(clock.slept - 7.5) < 0.01)
    }
}

@Suite struct RedactorTests {
    @Test func removesConfiguredSecretsAndCredentialShapes() {
        let redact = Redactor(secrets: ["s3cret-value"])
        let text = redact(
            #"failed with s3cret-value; Authorization: Bearer dash-access-7-abc; {"access_token":"zz9","refresh_token": "rt-1"} "#
                + "eyJhbGciOiJIUzI1.eyJzdWIiOiIxMjM0.sig"
        )
        #expect(!text.contains("s3cret-value"))
        #expect(!text.contains("dash-access-7-abc"))
        #expect(!text.contains("zz9") && !text.contains("rt-1"))
        #expect(!text.contains("eyJhbGciOiJIUzI1"))
        #expect(text.contains("Bearer [REDACTED]") && text.contains("failed with [REDACTED]"))
        #expect(redact("nothing secret here: 12:30, file.mov") == "nothing secret here: 12:30, file.mov")
        #expect(redact("access_token=abc.def&x=1") == "access_token=[REDACTED]&x=1")
        // Prose that names a variable keeps its words.
        let advice = "set DASH_REFRESH_TOKEN with DASH_CLIENT_ID, or FRAMEIO_ACCESS_TOKEN alone"
        #expect(redact(advice) == advice)
    }
}

/// Issue 31, item 1: a secret the process received (an access token IMS issued, a rotated
/// refresh token) is redacted by value everywhere, whatever its shape.
@Suite struct SecretRedactionTests {
    @Test func issuedTokensAreRedactedByValue() throws {
        let issued = "opaque-access-\(UUID().uuidString)"
        let rotated = "rotated-refresh-\(UUID().uuidString)"
        // Not a JWT, not after "Bearer": only its value gives it away.
        #expect(Redactor(secrets: [])("403: token \(issued) has no access").contains(issued))
        _ = AccessToken(answer: .object([("access_token", .string(issued)), ("expires_in", .number("3600"))]))
        var refresh = RotatingRefreshToken(clientID: "c", configured: "configured-refresh-token-0001", section: "t", credentials: nil)
        try refresh.adopt(from: .object([("refresh_token", .string(rotated))]))
        let message = "403: token \(issued) has no access; refresh \(rotated)"
        #expect(!Secrets.redact(message).contains(issued) && !Secrets.redact(message).contains(rotated), "\(Secrets.redact(message))")
        #expect(!Redactor(secrets: [])(message).contains(issued))
        #expect(Secrets.redact(message).contains("[REDACTED] has no access"))
    }
}

/// Issue 31, item 10: a short-lived token is used for most of its life, not refreshed before
/// every call.
@Suite struct TokenCadenceTests {
    @Test func theRefreshMarginScalesWithTheLifetime() throws {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let short = try #require(
            AccessToken(answer: .object([("access_token", .string("short-lived-token")), ("expires_in", .number("8"))]), now: now))
        // Usable for 6 of its 8 seconds (a fixed minute made it never usable).
        #expect(short.usable(rejected: nil, now: now.addingTimeInterval(5)) == "short-lived-token")
        #expect(short.usable(rejected: nil, now: now.addingTimeInterval(6.5)) == nil)
        let hour = try #require(AccessToken(answer: .object([("access_token", .string("hour-long-token"))]), now: now))
        #expect(hour.usable(rejected: nil, now: now.addingTimeInterval(3_539)) == "hour-long-token")
        #expect(hour.usable(rejected: nil, now: now.addingTimeInterval(3_541)) == nil)
        // Refused by a 401: never offered again, whatever its age.
        #expect(short.usable(rejected: "short-lived-token", now: now) == nil)
    }
}

/// Issue 31, item 11: an id `.` or `..` is no dot-segment a URL normaliser collapses.
@Suite struct SegmentEscapeTests {
    @Test func dotsInAnIdAreEncoded() throws {
        #expect(APIURL.escapeSegment("..") == "%2E%2E" && APIURL.escapeSegment(".") == "%2E")
        #expect(APIURL.escapeSegment("a.b/c d") == "a%2Eb%2Fc%20d")
        let url = try #require(URL(string: "https://api.example/v4/folders/\(APIURL.escapeSegment(".."))/children"))
        #expect(url.standardized.path.hasSuffix("/folders/%2E%2E/children") || url.standardized.absoluteString.contains("%2E%2E"))
        // Query values keep their dots (`include=metadata.x` stays readable).
        #expect(APIURL.escape("a.b") == "a.b")
    }
}

/// Issue 31, item 4: one request's attempts and waits have one budget (10 × the timeout): a 429
/// with `Retry-After: 1000000000` fails at once in the service's words, and a 503 answered
/// forever gives up within the budget, not after 10 attempts of 30 s whatever `--timeout` says.
@Suite struct RetryBudgetTests {
    @Test func aWaitPastTheBudgetFailsAtOnce() async throws {
        let clock = ManualClock()
        let forever = APIResponse(
            status: .tooManyRequests, headerFields: [.retryAfter: "1000000000"], body: Array(#"{"message":"slow down"}"#.utf8))
        let transport = ScriptedTransport(Array(repeating: .success(forever), count: 20))
        let r = APIRequester(
            service: "Test", credentials: .dash, transport: transport, token: { _ in "t0k3n-value" },
            retry: RetryPolicy(maxAttempts: 6, timeout: .seconds(10)), clock: clock)
        await #expect {
            try await r.send(APIRequest(url: "http://x/a"), what: "the page")
        } throws: { error in
            "\(error)".contains("Retry-After: 300 s") && "\(error)".contains("slow down") && "\(error)".contains("100 s this request may take")
        }
        #expect(transport.sent.withLock { $0.count } == 1 && clock.slept < 1)
        // A 503 answered forever: given up once the waits would pass the budget.
        let unavailable = ScriptedTransport(Array(repeating: .success(APIResponse(status: .serviceUnavailable)), count: 50))
        let slow = ManualClock()
        let patient = APIRequester(
            service: "Test", credentials: .dash, transport: unavailable, token: { _ in "t0k3n-value" },
            retry: RetryPolicy(maxAttempts: 40, baseDelay: 0.5, maxDelay: 30, timeout: .seconds(2)), clock: slow)
        await #expect(throws: APIError.self) { try await patient.send(APIRequest(url: "http://x/b"), what: "the page") }
        #expect(slow.slept <= 20, "waited \(slow.slept) s against a budget of 20 s")
    }
}

import CatalogCore
import Foundation
import HTTPSupport
import HTTPTypes
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A one-connection-at-a-time HTTP server on loopback that answers every request with `respond`,
/// written with plain sockets so the test controls every byte and every pause.
final class RawHTTPServer: @unchecked Sendable {
    let port: Int
    private let socket: Int32
    private let thread: Thread

    init(respond: @escaping @Sendable (Int32) -> Void) throws {
        let fd = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 8) == 0 else { throw POSIXError(.EADDRINUSE) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        port = Int(UInt16(bigEndian: address.sin_port))
        socket = fd
        thread = Thread {
            while true {
                let client = accept(fd, nil, nil)
                guard client >= 0 else { return }
                // Read the request head (up to the blank line), then answer.
                var head: [UInt8] = []
                var byte: UInt8 = 0
                while read(client, &byte, 1) == 1 {
                    head.append(byte)
                    if head.suffix(4) == [13, 10, 13, 10] { break }
                }
                respond(client)
                close(client)
            }
        }
        thread.start()
    }

    deinit {
        shutdown(socket, Int32(SHUT_RDWR))
        close(socket)
    }

    /// Sends `text`; false once the client has gone (so a trickling answer stops with its test).
    @discardableResult static func write(_ fd: Int32, _ text: String) -> Bool { write(fd, Array(text.utf8)) }
    @discardableResult static func write(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { return false }
            sent += n
        }
        return true
    }
}

@Suite(.serialized) struct TransportBoundsTests {
    /// Before: a body trickled a byte every 3 s held a crawl 57 s under `--timeout 2`.
    @Test func theTimeoutCoversTheBodyNotOnlyTheHeaders() async throws {
        let server = try RawHTTPServer { fd in
            RawHTTPServer.write(fd, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 40\r\n\r\n[")
            // Until the client gives up (the test ends then, and so does this thread).
            for _ in 0..<39 {
                Thread.sleep(forTimeInterval: 1.5)
                guard RawHTTPServer.write(fd, " ") else { return }
            }
        }
        let transport = AsyncHTTPClientTransport()
        let clock = ContinuousClock()
        let started = clock.now
        await #expect {
            _ = try await transport.send(APIRequest(url: "http://127.0.0.1:\(server.port)/slow"), timeout: .seconds(1))
        } throws: { error in
            (error as? TransportError)?.isTimeout == true
        }
        let elapsed = clock.now - started
        // The body takes a minute to arrive; the 1 s deadline ends the request long before. The
        // bound leaves room for a loaded machine (the whole suite in parallel on 2 cores has held
        // the timer's task back for 10 s, and 35 s while other tests blocked cooperative threads
        // waiting on ascmhl): it is not a speed target, and the whole body would take 58 s. The server's
        // thread stops writing as soon as the client has gone.
        #expect(elapsed < .seconds(45), "took \(elapsed)")
    }

    @Test func aDecompressionBombStopsAtTheBodyLimit() async throws {
        let bomb = try fixture("hostile/bomb-64MiB.json.gz")
        let server = try RawHTTPServer { fd in
            RawHTTPServer.write(
                fd, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\nContent-Length: \(bomb.count)\r\n\r\n")
            RawHTTPServer.write(fd, bomb)
        }
        let transport = AsyncHTTPClientTransport()
        await #expect {
            _ = try await transport.send(APIRequest(url: "http://127.0.0.1:\(server.port)/bomb"), timeout: .seconds(10))
        } throws: { error in
            "\(error)".contains("grows past the 33554432 bytes accepted")
        }
    }

    /// Before: the shared client's 25× ratio refused this real-looking page (84× compressed).
    @Test func aValidPageCompressedFarBeyond25TimesIsRead() async throws {
        let page = try fixture("hostile/page-1000-assets.json.gz")
        let server = try RawHTTPServer { fd in
            RawHTTPServer.write(
                fd, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\nContent-Length: \(page.count)\r\n\r\n")
            RawHTTPServer.write(fd, page)
        }
        let response = try await AsyncHTTPClientTransport().send(
            APIRequest(url: "http://127.0.0.1:\(server.port)/page", headerFields: [.acceptEncoding: "gzip"]), timeout: .seconds(10))
        #expect(response.status == 200)
        #expect(response.body.count == 735_001)
        #expect(response.body.first == UInt8(ascii: "["))
    }

    @Test func aBodyLargerThanTheLimitIsRefusedBeforeItIsRead() async throws {
        let server = try RawHTTPServer { fd in
            RawHTTPServer.write(fd, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 240000000\r\n\r\n[")
        }
        await #expect {
            _ = try await AsyncHTTPClientTransport().send(APIRequest(url: "http://127.0.0.1:\(server.port)/huge"), timeout: .seconds(5))
        } throws: { error in
            "\(error)".contains("240000000 bytes")
        }
    }
}

/// Redirects (issue 31): a token request follows none (AsyncHTTPClient kept a 307's method and
/// form across origins, so the client secret and refresh token were POSTed to another host);
/// an API call follows those to its own origin only.
@Suite(.serialized) struct RedirectTests {
    /// Counts the connections a server was asked on.
    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0
        func next() -> Int {
            lock.lock()
            defer { lock.unlock() }
            value += 1
            return value
        }
        var count: Int {
            lock.lock()
            defer { lock.unlock() }
            return value
        }
    }

    @Test func aTokenRequestFollowsNoRedirectAndAnAPICallOnlyItsOwnOrigin() async throws {
        let elsewhere = Counter()
        let other = try RawHTTPServer { fd in
            _ = elsewhere.next()
            RawHTTPServer.write(fd, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}")
        }
        let hops = Counter()
        let server = try RawHTTPServer { fd in
            switch hops.next() {
            case 2:
                RawHTTPServer.write(fd, "HTTP/1.1 302 Found\r\nLocation: /next\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")
            case 3:
                RawHTTPServer.write(
                    fd, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: 11\r\n\r\n{\"ok\":true}")
            default:
                // To another origin, keeping the method and body (a 307).
                RawHTTPServer.write(
                    fd,
                    """
                    HTTP/1.1 307 Temporary Redirect\r\nLocation: http://127.0.0.1:\(other.port)/steal\r\nConnection: close\r\nContent-Length: \
                    0\r\n\r\n
                    """
                )
            }
        }
        let transport = AsyncHTTPClientTransport()
        await #expect(throws: APIError.self) {
            _ = try await OAuthTokenEndpoint.post(
                form: [("client_secret", "s3cr3t"), ("refresh_token", "r3fr3sh")], to: "http://127.0.0.1:\(server.port)/ims/token/v3",
                transport: transport, service: "Adobe IMS", what: "the token", credentials: .frameIOV4)
        }
        // A redirect on its own origin is followed; one to another origin is the answer.
        let followed = try await transport.send(APIRequest(url: "http://127.0.0.1:\(server.port)/v4/me"), timeout: .seconds(10))
        #expect(followed.status == .ok && followed.body == Array("{\"ok\":true}".utf8), "\(followed.status)")
        let crossed = try await transport.send(APIRequest(url: "http://127.0.0.1:\(server.port)/v4/me"), timeout: .seconds(10))
        #expect(crossed.status.code == 307, "\(crossed.status)")
        #expect(hops.count == 4)
        #expect(elsewhere.count == 0, "another origin was asked \(elsewhere.count) times")
    }
}

/// Issue 31, item 7: a token endpoint that never answers holds a sign-in for about three times
/// the crawl's `--timeout`, not a fixed 30 s three times over (91 s).
@Suite(.serialized) struct TokenTimeoutTests {
    @Test func aSilentTokenEndpointFailsWithinTheTimeout() async throws {
        let server = try RawHTTPServer { _ in Thread.sleep(forTimeInterval: 20) }
        let clock = ContinuousClock()
        let started = clock.now
        await #expect(throws: (any Error).self) {
            _ = try await OAuthTokenEndpoint.post(
                form: [("grant_type", "client_credentials")], to: "http://127.0.0.1:\(server.port)/ims/token/v3",
                transport: AsyncHTTPClientTransport(),
                service: "Adobe IMS", what: "the token", credentials: .frameIOV4, timeout: .milliseconds(300))
        }
        // Three attempts of 0.3 s and their pauses (about 2 s alone). The bound leaves room for the
        // whole suite running on 2 cores (32 s seen), and still fails the fixed 30 s × 3 (91 s).
        #expect(clock.now - started < .seconds(75), "took \(clock.now - started)")
    }
}

/// Issue 31, item 9: a request that times out always ends as a timeout (retried), never as the
/// `CancellationError` of the exchange it stopped (which ended a crawl with exit 1 under load).
/// The race was narrow (the exchange's end had to be seen between the timer's cancelling it and
/// recording the timeout): this many timeouts at once guard against it coming back, without
/// catching it every run.
@Suite(.serialized) struct TimeoutOutcomeTests {
    @Test func aTimedOutExchangeIsATimeoutEveryTime() async throws {
        let server = try RawHTTPServer { _ in Thread.sleep(forTimeInterval: 5) }
        let transport = AsyncHTTPClientTransport()
        let outcomes = await withTaskGroup(of: String.self) { group in
            for i in 0..<40 {
                group.addTask {
                    do {
                        _ = try await transport.send(APIRequest(url: "http://127.0.0.1:\(server.port)/slow/\(i)"), timeout: .milliseconds(50))
                        return "answered"
                    } catch let error as TransportError {
                        return error.isTimeout ? "timeout" : "transport: \(error.reason)"
                    } catch {
                        return "\(type(of: error))"
                    }
                }
            }
            var all: [String] = []
            for await outcome in group { all.append(outcome) }
            return all
        }
        #expect(outcomes.allSatisfy { $0 == "timeout" }, "\(Dictionary(grouping: outcomes, by: { $0 }).mapValues(\.count))")
    }
}

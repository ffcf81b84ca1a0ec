import AsyncHTTPClient
import Foundation
import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOHTTPCompression
import NIOPosix

/// ``HTTPTransport`` over AsyncHTTPClient (SwiftNIO): pooled keep-alive connections, HTTP/1.1 and
/// HTTP/2, TLS through swift-nio-ssl.
///
/// Two bounds hold whatever a server sends: the timeout covers the whole answer, body included
/// (a body trickled a byte at a time is abandoned at the deadline), and no body, compressed or
/// not, grows past ``maxBodyBytes``.
public struct AsyncHTTPClientTransport: HTTPTransport {
    private let client: HTTPClient
    /// The largest response body accepted, after decompression.
    public let maxBodyBytes: Int

    /// The largest body accepted by default: 32 MiB, eight times a full page of 1 000 Frame.io
    /// assets (about 4 MB with every signed URL) and far above any Dash page.
    public static let defaultMaxBodyBytes = 32 << 20

    /// The client every transport of this process shares unless given another.
    ///
    /// Like `HTTPClient.shared`, but a compressed body is limited by its decompressed size
    /// (``defaultMaxBodyBytes``), not by a ratio: the shared client's limit of 25× refused real
    /// JSON pages (repeated member names compress further than that), while a size limit still
    /// stops a decompression bomb at the same bound as any other body. A connection that cannot
    /// be made fails at once (a silent host after 10 s) instead of being tried again by the pool
    /// until the connect timeout: ``APIRequester`` decides what to retry, and it fails a crawl
    /// fast when nothing has ever answered at the address.
    public static let sharedClient: HTTPClient = {
        var configuration = HTTPClient.Configuration.singletonConfiguration
        configuration.decompression = .enabled(limit: .size(defaultMaxBodyBytes))
        configuration.timeout = .init(connect: .seconds(10), read: .seconds(90))
        configuration.connectionPool.retryConnectionEstablishment = false
        // Redirects are followed here, by ``APIRequest/redirects``: AsyncHTTPClient's own
        // following keeps a 307's method and body across origins (a token request's client
        // secret was POSTed to another host).
        configuration.redirectConfiguration = .disallow
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    /// Uses ``sharedClient`` unless given another client.
    public init(client: HTTPClient = AsyncHTTPClientTransport.sharedClient, maxBodyBytes: Int = defaultMaxBodyBytes) {
        self.client = client
        self.maxBodyBytes = maxBodyBytes
    }

    /// Sends the request and collects the body; the whole exchange must end within `timeout`.
    ///
    /// At the deadline the answer is a timeout at once: the exchange is cancelled and left to
    /// wind down on its own, so a connection that is slow to notice (a body trickling in on a
    /// busy event loop) never holds the caller past its deadline.
    public func send(_ request: APIRequest, timeout: Duration) async throws -> APIResponse {
        let outcome = Outcome()
        let exchange = Task { try await self.exchange(request, timeout: timeout) }
        let timer = Task {
            try await Task.sleep(for: timeout)
            // The timeout is the outcome before the exchange is told to stop: cancelled first, its
            // CancellationError could reach the caller first and end the crawl (exit 1) instead
            // of a retry.
            outcome.finish(.failure(TransportError(reason: "no complete answer within \(timeout) (headers and body)", isTimeout: true)))
            exchange.cancel()
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                outcome.wait(continuation)
                Task {
                    let result = await exchange.result
                    timer.cancel()
                    outcome.finish(result)
                }
            }
        } onCancel: {
            exchange.cancel()
            timer.cancel()
            outcome.finish(.failure(CancellationError()))
        }
    }

    /// The first result of a race (the exchange, its deadline, or the caller's cancellation),
    /// handed once to the waiting caller.
    private final class Outcome: @unchecked Sendable {
        private let lock = NSLock()
        private var result: Result<APIResponse, any Error>?
        private var continuation: CheckedContinuation<APIResponse, any Error>?

        func wait(_ continuation: CheckedContinuation<APIResponse, any Error>) {
            lock.lock()
            if let result {
                lock.unlock()
                continuation.resume(with: result)
                return
            }
            self.continuation = continuation
            lock.unlock()
        }

        func finish(_ result: Result<APIResponse, any Error>) {
            lock.lock()
            guard self.result == nil else {
                lock.unlock()
                return
            }
            self.result = result
            let waiting = continuation
            continuation = nil
            lock.unlock()
            waiting?.resume(with: result)
        }
    }

    /// The most redirects one request follows.
    public static let maxRedirects = 5

    /// Sends `request`, following the redirects it allows (same origin only, at most
    /// ``maxRedirects``; 303, and 301 or 302 after a POST, as a GET without a body), all within
    /// `timeout`. A redirect it does not follow is the answer.
    private func exchange(_ request: APIRequest, timeout: Duration) async throws -> APIResponse {
        var current = request
        var response = try await exchangeOnce(current, timeout: timeout)
        for _ in 0..<Self.maxRedirects {
            guard [301, 302, 303, 307, 308].contains(response.status.code), current.redirects != .none,
                let location = response.headerFields[.location],
                let next = current.redirects == .any
                    ? URL(string: location, relativeTo: URL(string: current.url))?.absoluteURL.absoluteString
                    : Self.sameOrigin(location, from: current.url)
            else { return response }
            current.url = next
            if response.status.code == 303 || (current.method == .post && [301, 302].contains(response.status.code)) {
                current.method = .get
                current.body = nil
                current.headerFields[.contentType] = nil
            }
            response = try await exchangeOnce(current, timeout: timeout)
        }
        return response
    }

    /// `location` resolved against `url` when it is on the same scheme, host and port; nil otherwise.
    static func sameOrigin(_ location: String, from url: String) -> String? {
        guard let base = URL(string: url), let target = URL(string: location, relativeTo: base)?.absoluteURL,
            target.scheme?.lowercased() == base.scheme?.lowercased(), target.host?.lowercased() == base.host?.lowercased(),
            (target.port ?? defaultPort(target.scheme)) == (base.port ?? defaultPort(base.scheme))
        else { return nil }
        return target.absoluteString
    }

    private static func defaultPort(_ scheme: String?) -> Int { scheme?.lowercased() == "https" ? 443 : 80 }

    private func exchangeOnce(_ request: APIRequest, timeout: Duration) async throws -> APIResponse {
        var outgoing = HTTPClientRequest(url: request.url)
        outgoing.method = HTTPMethod(rawValue: request.method.rawValue)
        for field in request.headerFields { outgoing.headers.add(name: field.name.rawName, value: field.value) }
        if let body = request.body { outgoing.body = .bytes(ByteBuffer(bytes: body)) }
        let milliseconds = timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000
        do {
            let response = try await client.execute(outgoing, timeout: .milliseconds(milliseconds))
            if let length = response.headers.first(name: "content-length").flatMap(Int.init), length > maxBodyBytes {
                throw TransportError(reason: "response body of \(length) bytes, larger than the \(maxBodyBytes) accepted")
            }
            let buffer = try await response.body.collect(upTo: maxBodyBytes)
            var fields = HTTPFields()
            for header in response.headers {
                if let name = HTTPField.Name(header.name) { fields.append(HTTPField(name: name, value: header.value)) }
            }
            return APIResponse(
                status: HTTPResponse.Status(code: Int(response.status.code)), headerFields: fields, body: Array(buffer.readableBytesView))
        } catch let error as HTTPClientError {
            let isTimeout = error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout
            throw TransportError(reason: "\(error)", isTimeout: isTimeout)
        } catch is NIOHTTPDecompression.DecompressionError {
            throw TransportError(
                reason:
                    """
                    the compressed body grows past the \(maxBodyBytes) bytes accepted, or is not valid gzip/deflate (a decompression bomb is \
                    refused here)
                    """
            )
        } catch let error as NIOTooManyBytesError {
            throw TransportError(reason: "response body larger than the \(maxBodyBytes) bytes accepted (\(error))")
        } catch let error as TransportError {
            throw error
        } catch let error as IOError where [ECONNREFUSED, EHOSTUNREACH, ENETUNREACH, EADDRNOTAVAIL].contains(error.errnoCode) {
            throw TransportError(reason: Self.unreachable(error.errnoCode), isUnreachable: true)
        } catch let error as NIOConnectionError {
            // Every address of the host refused, or its name did not resolve.
            let refused = error.connectionErrors.contains { ($0.error as? IOError)?.errnoCode == ECONNREFUSED }
            throw TransportError(reason: refused ? "connection refused" : "unknown host \(error.host)", isUnreachable: true)
        } catch is SocketAddressError {
            throw TransportError(reason: "unknown host", isUnreachable: true)
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw TransportError(reason: "\(error)")
        }
    }

    /// A connection error as people say it.
    public static func unreachable(_ code: CInt) -> String {
        switch code {
        case ECONNREFUSED: "connection refused"
        case EHOSTUNREACH: "no route to the host"
        case ENETUNREACH: "the network is unreachable"
        default: "the address is not available"
        }
    }
}

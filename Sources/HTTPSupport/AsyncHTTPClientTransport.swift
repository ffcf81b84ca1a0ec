import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// ``HTTPTransport`` over AsyncHTTPClient (SwiftNIO): pooled keep-alive connections, HTTP/1.1 and
/// HTTP/2, TLS through swift-nio-ssl.
public struct AsyncHTTPClientTransport: HTTPTransport {
    private let client: HTTPClient
    /// The largest response body accepted.
    public let maxBodyBytes: Int

    /// Uses the process-wide shared client.
    public init(client: HTTPClient = .shared, maxBodyBytes: Int = 256 << 20) {
        self.client = client
        self.maxBodyBytes = maxBodyBytes
    }

    /// Sends the request and collects the body.
    public func send(_ request: HTTPRequest, timeout: Duration) async throws -> HTTPResponse {
        var outgoing = HTTPClientRequest(url: request.url)
        outgoing.method = HTTPMethod(rawValue: request.method)
        for header in request.headers { outgoing.headers.add(name: header.name, value: header.value) }
        if let body = request.body { outgoing.body = .bytes(ByteBuffer(bytes: body)) }
        let seconds = Int64(timeout.components.seconds) * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000
        do {
            let response = try await client.execute(outgoing, timeout: .milliseconds(seconds))
            let buffer = try await response.body.collect(upTo: maxBodyBytes)
            return HTTPResponse(
                status: Int(response.status.code),
                headers: response.headers.map { ($0.name, $0.value) },
                body: Array(buffer.readableBytesView))
        } catch let error as HTTPClientError {
            let isTimeout = error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout
            throw TransportError(reason: "\(error)", isTimeout: isTimeout)
        } catch let error as NIOTooManyBytesError {
            throw TransportError(reason: "response body larger than \(maxBodyBytes) bytes (\(error))")
        } catch let error as TransportError {
            throw error
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw TransportError(reason: "\(error)")
        }
    }
}

import AsyncHTTPClient
import Foundation
import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOHTTPCompression

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
    /// stops a decompression bomb at the same bound as any other body. Connections give up after
    /// 10 s (a refused connection fails at once).
    public static let sharedClient: HTTPClient = {
        var configuration = HTTPClient.Configuration.singletonConfiguration
        configuration.decompression = .enabled(limit: .size(defaultMaxBodyBytes))
        configuration.timeout = .init(connect: .seconds(10), read: .seconds(90))
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    /// Uses ``sharedClient`` unless given another client.
    public init(client: HTTPClient = AsyncHTTPClientTransport.sharedClient, maxBodyBytes: Int = defaultMaxBodyBytes) {
        self.client = client
        self.maxBodyBytes = maxBodyBytes
    }

    /// Sends the request and collects the body; the whole exchange must end within `timeout`.
    public func send(_ request: APIRequest, timeout: Duration) async throws -> APIResponse {
        try await withThrowingTaskGroup(of: APIResponse?.self) { group in
            group.addTask { try await exchange(request, timeout: timeout) }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let response = first else {
                try Task.checkCancellation()
                throw TransportError(reason: "no complete answer within \(timeout) (headers and body)", isTimeout: true)
            }
            return response
        }
    }

    private func exchange(_ request: APIRequest, timeout: Duration) async throws -> APIResponse {
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
                    "the compressed body grows past the \(maxBodyBytes) bytes accepted, or is not valid gzip/deflate (a decompression bomb is refused here)"
            )
        } catch let error as NIOTooManyBytesError {
            throw TransportError(reason: "response body larger than the \(maxBodyBytes) bytes accepted (\(error))")
        } catch let error as TransportError {
            throw error
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw TransportError(reason: "\(error)")
        }
    }
}

import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// The sandbox's HTTP server: serves ``FrameIOSandboxAPI`` under `/v2` on loopback.
public struct SandboxServer: Sendable {
    /// The Frame.io API.
    public let frameIO: FrameIOSandboxAPI
    /// The fake Dash API, served under `/dash`, its token endpoint under `/dash-login`.
    public let dash: DashSandboxAPI
    /// Where to listen.
    public let configuration: SandboxConfiguration
    let logger: Logger

    /// Creates a server for a dataset.
    public init(
        frameIO: FrameIODataset, dash: DashDataset = .empty, configuration: SandboxConfiguration,
        logger: Logger = Logger(label: "catalog.sandbox")
    ) {
        self.frameIO = FrameIOSandboxAPI(dataset: frameIO, configuration: configuration)
        self.dash = DashSandboxAPI(dataset: dash, configuration: configuration)
        self.configuration = configuration
        self.logger = logger
    }

    /// Runs until cancelled; `onReady` receives the Frame.io base URL (e.g. `http://127.0.0.1:8421/v2`) once listening.
    public func run(onReady: @escaping @Sendable (_ urls: SandboxURLs) async -> Void = { _ in }) async throws {
        try await application(onReady: onReady).run()
    }

    /// The Hummingbird application serving both APIs.
    func application(onReady: @escaping @Sendable (_ urls: SandboxURLs) async -> Void) -> some ApplicationProtocol {
        let api = frameIO
        let dash = self.dash
        let responder = CallbackResponder<BasicRequestContext> { request, _ in
            let path = request.uri.path
            if path == "/dash-login/oauth/token", request.method == .post {
                let body = try await request.body.collect(upTo: 1 << 16)
                return Self.response(dash.token(body: Array(buffer: body)))
            }
            if path.hasPrefix("/dash/_admin/"), request.method == .post {
                return Self.response(dash.admin(path: String(path.dropFirst(5)), query: Self.parseQuery(request.uri.query)))
            }
            if path.hasPrefix("/dash/") {
                let body = try await request.body.collect(upTo: 1 << 20)
                let answer = await dash.handle(
                    method: request.method.rawValue, path: String(path.dropFirst(5)), body: Array(buffer: body),
                    authorization: request.headers[.authorization])
                return Self.response(answer)
            }
            guard path == "/v2" || path.hasPrefix("/v2/") else {
                let body = SandboxResponse.frameIOError(
                    status: 404, title: "Not Found", detail: "The Frame.io sandbox lives under /v2, the Dash sandbox under /dash")
                return Self.response(body)
            }
            let query = Self.parseQuery(request.uri.query)
            if path.hasPrefix("/v2/_admin/"), request.method == .post {
                return Self.response(api.admin(path: String(path.dropFirst(3)), query: query))
            }
            let body = request.method == .post ? Array(buffer: try await request.body.collect(upTo: 1 << 20)) : []
            let answer = await api.handle(
                method: request.method.rawValue, path: String(path.dropFirst(3)), query: query, body: body,
                authorization: request.headers[.authorization])
            return Self.response(answer)
        }
        let host = configuration.host
        var quietLogger = logger
        quietLogger.logLevel = .critical
        let app = Application(
            responder: responder,
            configuration: .init(address: .hostname(host, port: configuration.port), serverName: "catalog-sandbox"),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                let shownHost = host.contains(":") ? "[\(host)]" : host
                let root = "http://\(shownHost):\(port)"
                await onReady(SandboxURLs(frameIO: root + "/v2", dash: root + "/dash", dashAuth: root + "/dash-login"))
            },
            logger: quietLogger)
        return app
    }

    static func response(_ answer: SandboxResponse) -> Response {
        var fields = HTTPFields()
        for header in answer.headers {
            if let name = HTTPField.Name(header.name) { fields.append(HTTPField(name: name, value: header.value)) }
        }
        if let cut = answer.resetAfter {
            let body = answer.body
            return Response(
                status: HTTPResponse.Status(code: answer.status), headers: fields,
                body: ResponseBody(contentLength: body.count) { writer in
                    try await writer.write(ByteBuffer(bytes: body.prefix(cut)))
                    throw ConnectionReset()
                })
        }
        return Response(
            status: HTTPResponse.Status(code: answer.status), headers: fields,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: answer.body)))
    }

    /// Thrown while writing a body to make the server drop the connection mid-body.
    struct ConnectionReset: Error {}

    /// Decodes `a=b&c=d` (percent-decoding names and values; `+` is a space).
    static func parseQuery(_ query: String?) -> [String: String] {
        guard let query, !query.isEmpty else { return [:] }
        var result: [String: String] = [:]
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map {
                String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String($0)
            }
            result[parts[0]] = parts.count > 1 ? parts[1] : ""
        }
        return result
    }
}

/// Where a running sandbox answers.
public struct SandboxURLs: Sendable {
    /// The Frame.io API base (`FRAMEIO_API_URL`).
    public var frameIO: String
    /// The Dash API base (`DASH_API_URL`).
    public var dash: String
    /// The Dash token endpoint's base (`DASH_AUTH_URL`; the endpoint is `/oauth/token` below it).
    public var dashAuth: String
}

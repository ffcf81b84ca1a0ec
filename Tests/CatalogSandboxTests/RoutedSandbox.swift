import CatalogSandbox
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore

/// A sandbox answered through its Hummingbird router by HummingbirdTesting, with no socket.
struct RoutedSandbox {
    let server: SandboxServer
    /// The Frame.io API behind the router (its dataset, counters and mutations).
    var frameIO: FrameIOSandboxAPI { server.frameIO }
    var dataset: FrameIODataset { server.frameIO.dataset }

    init(_ dataset: FrameIODataset, configuration: SandboxConfiguration) {
        server = SandboxServer(frameIO: dataset, configuration: configuration)
    }

    /// Sends one v2 request (`path` below `/v2`) and returns the answer as sent.
    func handle(method: HTTPRequest.Method = .get, path: String, query: [String: String], authorization: String?) async throws
        -> SandboxResponse
    {
        var components = URLComponents()
        components.path = "/v2" + path
        if !query.isEmpty { components.queryItems = query.sorted { $0.key < $1.key }.map { URLQueryItem(name: $0.key, value: $0.value) } }
        let headers: HTTPFields = authorization.map { [.authorization: $0] } ?? [:]
        let uri = components.percentEncodedPath + (components.percentEncodedQuery.map { "?" + $0 } ?? "")
        return try await Application(router: server.router()).test(.router) { client in
            try await client.execute(uri: uri, method: method, headers: headers) { response in
                SandboxResponse(
                    status: response.status.code, headers: response.headers.map { ($0.name.rawName, $0.value) },
                    body: Array(buffer: response.body))
            }
        }
    }
}

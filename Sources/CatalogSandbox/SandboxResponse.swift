import CatalogCore

/// A response the sandbox sends, before it is handed to the HTTP server.
public struct SandboxResponse: Sendable {
    /// The status code.
    public var status: Int
    /// Header fields.
    public var headers: [(name: String, value: String)]
    /// The body.
    public var body: [UInt8]
    /// When set, only this many bytes of the body are sent before the connection is closed
    /// (the headers announce the whole body).
    public var resetAfter: Int? = nil

    /// Creates a response.
    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A JSON response.
    static func json(_ body: [UInt8], status: Int = 200, headers: [(name: String, value: String)] = []) -> SandboxResponse {
        SandboxResponse(status: status, headers: [("Content-Type", "application/json")] + headers, body: body)
    }

    /// Frame.io's documented error body `{code, message, errors:[{code, status, title, detail}]}`.
    static func frameIOError(status: Int, title: String, detail: String, headers: [(name: String, value: String)] = []) -> SandboxResponse {
        var writer = JSONWriter()
        writer.appendRaw("{\"code\":\(status),\"message\":")
        writer.writeString(title)
        writer.appendRaw(",\"errors\":[{\"code\":\(status),\"status\":\(status),\"title\":")
        writer.writeString(title)
        writer.appendRaw(",\"detail\":")
        writer.writeString(detail)
        writer.appendRaw("}]}")
        return .json(writer.bytes, status: status, headers: headers)
    }
}

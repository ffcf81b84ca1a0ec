import CatalogCore
import HTTPTypes
import Hummingbird
import NIOCore

/// A response a sandbox API sends, before it becomes a Hummingbird ``Response``: kept as a value
/// so the gate can add rate-limit headers and corrupt its body for fault injection.
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

    /// A JSON response: `document` encoded once.
    static func json(_ document: JSONValue, status: Int = 200, headers: [(name: String, value: String)] = []) -> SandboxResponse {
        SandboxResponse(
            status: status, headers: [("Content-Type", "application/json")] + headers,
            body: Array(JSONWriter.string(document, canonical: false).utf8))
    }

    /// Frame.io's documented v2 error body `{code, message, errors:[{code, status, title, detail}]}`.
    static func frameIOError(status: Int, title: String, detail: String, headers: [(name: String, value: String)] = []) -> SandboxResponse {
        let code = JSONValue.number(String(status))
        return .json(
            .object([
                ("code", code), ("message", .string(title)),
                ("errors", .array([.object([("code", code), ("status", code), ("title", .string(title)), ("detail", .string(detail))])])),
            ]), status: status, headers: headers)
    }

    /// The Hummingbird response.
    var response: Response {
        var fields = HTTPFields()
        for header in headers {
            if let name = HTTPField.Name(header.name) { fields.append(HTTPField(name: name, value: header.value)) }
        }
        let status = HTTPResponse.Status(code: status)
        guard let cut = resetAfter else {
            return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
        }
        let body = self.body
        return Response(
            status: status, headers: fields,
            body: ResponseBody(contentLength: body.count) { writer in
                try await writer.write(ByteBuffer(bytes: body.prefix(cut)))
                throw ConnectionReset()
            })
    }

    /// Thrown while writing a body to make the server drop the connection mid-body.
    struct ConnectionReset: Error {}
}

/// An error a sandbox route throws (no route for a path, a body too large): answered with the
/// body the service it imitates sends for it.
struct SandboxError: HTTPResponseError {
    let answer: SandboxResponse

    var status: HTTPResponse.Status { HTTPResponse.Status(code: answer.status) }

    func response(from request: Request, context: some RequestContext) throws -> Response { answer.response }
}

extension JSONValue {
    /// A string, or null.
    static func text(_ value: String?) -> JSONValue { value.map { .string($0) } ?? .null }
    /// An integer, or null.
    static func integer(_ value: Int64?) -> JSONValue { value.map { .number(String($0)) } ?? .null }
    /// An integer.
    static func integer(_ value: Int) -> JSONValue { .number(String(value)) }
}

import Foundation
import HTTPTypes
import Hummingbird

/// What a sandbox API reads of a request: its path, the path's parameters, the query (names and
/// values percent-decoded), the body and the `Authorization` header.
struct SandboxRequest: Sendable {
    var path: String
    var parameters: [String: String]
    var query: [String: String]
    var body: [UInt8]
    var authorization: String?

    /// An `application/x-www-form-urlencoded` body's fields, through Hummingbird's
    /// `URLEncodedFormDecoder`; empty when the body is not such a form (a name given twice, a
    /// broken escape), which every token endpoint then refuses as a request without its fields.
    static func form(_ body: [UInt8]) -> [String: String] {
        (try? URLEncodedFormDecoder().decode([String: String].self, from: String(decoding: body, as: UTF8.self))) ?? [:]
    }

    /// The path parameter `name` (every route names the parameters it reads).
    func parameter(_ name: String) -> String { parameters[name] ?? "" }

    /// Reads `request`, collecting at most `bodyLimit` bytes of body.
    init(_ request: Request, context: some RequestContext, bodyLimit: Int) async throws {
        path = request.uri.path
        parameters = Dictionary(context.parameters.map { (String($0.key), String($0.value)) }, uniquingKeysWith: { a, _ in a })
        // Hummingbird decodes query values; names are decoded here (`filter%5Barchived%5D`).
        query = Dictionary(
            request.uri.queryParameters.map { (String($0.key).removingPercentEncoding ?? String($0.key), String($0.value)) },
            uniquingKeysWith: { a, _ in a })
        authorization = request.headers[.authorization]
        body = request.method == .get ? [] : Array(buffer: try await request.body.collect(upTo: bodyLimit))
    }
}

extension RouterMethods {
    /// Adds a route answered with a ``SandboxResponse``.
    func sandbox(
        _ method: HTTPRequest.Method, _ path: RouterPath, bodyLimit: Int = 1 << 20,
        _ answer: @escaping @Sendable (SandboxRequest) async throws -> SandboxResponse
    ) {
        on(path, method: method) { request, context in
            try await answer(SandboxRequest(request, context: context, bodyLimit: bodyLimit)).response
        }
    }

    /// Answers every path below the group that no route took with `answer`'s error (each API its
    /// own not-found body), for every method.
    func sandboxFallback(_ answer: @escaping @Sendable (_ method: HTTPRequest.Method, _ path: String) -> SandboxResponse) {
        for method: HTTPRequest.Method in [.get, .post, .put, .patch, .delete, .head] {
            on("**", method: method) { request, _ -> Response in throw SandboxError(answer: answer(request.method, request.uri.path)) }
        }
    }
}

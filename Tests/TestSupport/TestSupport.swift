import CatalogSandbox
import Foundation
import HTTPSupport
import HTTPTypes
import Synchronization

// What several test targets need, in one copy: a transport that answers with a canned body,
// the repository's fixtures, and a fresh catalog path.

/// Answers every request with one canned 200 body (and headers), recording the URLs asked for.
public final class CannedTransport: HTTPTransport {
    public let body: [UInt8]
    public let headers: [(name: String, value: String)]
    /// The URLs asked for, in order.
    public let urls = Mutex<[String]>([])

    public init(body: [UInt8], headers: [(name: String, value: String)] = []) {
        self.body = body
        self.headers = headers
    }

    public func send(_ request: APIRequest, timeout: Duration) async throws -> APIResponse {
        urls.withLock { $0.append(request.url) }
        return APIResponse(status: 200, headers: headers.map { ($0.name, $0.value) }, body: body)
    }
}

/// The repository's `Fixtures` directory.
public let fixturesDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Fixtures")
    .standardized

/// The bytes of `Fixtures/<path>`.
public func fixture(_ path: String) throws -> [UInt8] {
    Array(try Data(contentsOf: fixturesDirectory.appendingPathComponent(path)))
}

/// The folder every test's scratch files go in (catalogs, cards, homes): one per test process,
/// removed when the process exits, so a test run leaves nothing behind in the temporary folder.
public let scratchRoot: String = {
    let root = scratchRootPath()
    // Open to all, as the temporary folder is: some tests run catalog as another user.
    try? FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
    atexit { try? FileManager.default.removeItem(atPath: scratchRootPath()) }
    return root
}()

/// ``scratchRoot`` as a file URL.
public var scratchURL: URL { URL(fileURLWithPath: scratchRoot, isDirectory: true) }

private func scratchRootPath() -> String { NSTemporaryDirectory() + "catalog-tests-\(getpid())" }

/// A catalog path in a new, empty temporary directory.
public func temporaryDatabasePath() throws -> String {
    let directory = scratchURL.appendingPathComponent("catalog-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    return directory.appendingPathComponent("catalog.sqlite").path
}

extension APIResponse {
    /// A response with header fields given as name–value pairs (a name HTTP does not allow is left out).
    public init(status: Int, headers: [(String, String)] = [], body: [UInt8] = []) {
        var fields = HTTPFields()
        for (name, value) in headers { if let name = HTTPField.Name(name) { fields.append(HTTPField(name: name, value: value)) } }
        self.init(status: HTTPResponse.Status(code: status), headerFields: fields, body: body)
    }
}

/// A seeded random generator that remembers its seed, so a generated test input can be replayed:
/// the sandbox's ``SeededGenerator`` (SplitMix64) with the seed kept to print.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    public let seed: UInt64
    private var generator: SeededGenerator

    public init(seed: UInt64) {
        self.seed = seed
        generator = SeededGenerator(seed: seed)
    }

    /// Seeded from `variable` in the environment when set (to replay a failure), else at random.
    public init(environment variable: String) {
        self.init(seed: ProcessInfo.processInfo.environment[variable].flatMap { UInt64($0) } ?? UInt64.random(in: 0...UInt64.max))
    }

    public mutating func next() -> UInt64 { generator.next() }
}

/// Runs a tool from PATH (`ascmhl`, `ascmhl-debug`, which the test setup installs from PyPI):
/// its exit status and its output and errors together. It waits on a Dispatch thread, not on one
/// of Swift's few cooperative threads: blocked there, it held back every other test's timers
/// (a 1 s request deadline fired after 35 s on 2 cores).
public func runTool(_ arguments: [String]) async throws -> (status: Int32, output: String) {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(with: Result { try runToolWaiting(arguments) }) }
    }
}

/// ``runTool(_:)``, waiting on the calling thread.
func runToolWaiting(_ arguments: [String]) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    let output = Pipe()
    process.standardOutput = output
    process.standardError = output
    try process.run()
    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    return (process.terminationStatus, text)
}

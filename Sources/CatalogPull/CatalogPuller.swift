import AsyncHTTPClient
import CatalogCore
import CatalogReports
import CatalogStore
import Foundation
import HTTPSupport
import NIOCore
import NIOHTTP1
import NIOPosix

/// `catalog pull`: makes or refreshes a local catalog from a team host's (`catalog serve`).
///
/// The host's snapshot (`GET /api/snapshot`, one consistent copy of its catalog) is downloaded
/// beside the catalog (`CATALOG.pull`), resumed after a dropped connection (`Range` with
/// `If-Range`, so the rest is of the same snapshot or the whole is sent again), checked (its
/// size, its XXH3-128 digest against the host's `ETag`, SQLite's `integrity_check`, a catalog's
/// application id and schema), then put in the old catalog's place in one rename. Until then
/// the old catalog is untouched and answers every command.
public struct CatalogPuller: Sendable {
    /// The host's address (`http://host:8420`), without `/api/snapshot`.
    public let host: String
    /// The token the host asks for, if any.
    public let token: String?
    /// The catalog to make or replace.
    public let databasePath: String
    /// Replace a catalog that was not pulled from this host (a catalog of its own crawls, or
    /// one pulled from elsewhere).
    public let replace: Bool
    let client: HTTPClient

    /// The download's progress: bytes received of the snapshot's size, and how many of them
    /// were already on disk from an earlier, interrupted pull.
    public struct Progress: Sendable {
        public var received: Int64
        public var total: Int64
        public var resumedFrom: Int64
        /// What is happening: downloading, then checking.
        public var phase: String
    }

    /// What a pull did.
    public struct Report: Sendable {
        /// Whether the catalog was already the host's latest snapshot (nothing was downloaded).
        public var upToDate: Bool
        /// Bytes received in this run (a resumed pull receives only the rest).
        public var transferred: Int64
        /// The snapshot's size.
        public var size: Int64
        /// Bytes of an interrupted pull reused.
        public var resumedFrom: Int64
        /// Items in the pulled catalog.
        public var items: Int
        public var origin: PullOrigin
        /// Rows replayed when only what changed was pulled; nil for a whole snapshot.
        public var changedRows: Int?
        /// Why the snapshot was taken where what changed was asked for (the host's words).
        public var snapshotReason: String?
    }

    public init(host: String, token: String?, databasePath: String, replace: Bool = false) throws(PullError) {
        self.host = try Self.normalized(host)
        self.token = token.flatMap { $0.isEmpty ? nil : $0 }
        self.databasePath = databasePath
        self.replace = replace
        client = AsyncHTTPClientTransport.sharedClient
        Secrets.register(self.token)
    }

    /// `host` as a pull keeps it: no trailing `/` or `/api` (the API's address given for the
    /// host's); refused unless it is an http(s) address with a host and nothing else.
    public static func normalized(_ host: String) throws(PullError) -> String {
        var trimmed = host.trimmingCharacters(in: .whitespaces)
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        if trimmed.hasSuffix("/api") { trimmed.removeLast(4) }
        guard let url = URL(string: trimmed), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme), url.host != nil,
            url.query == nil, url.user == nil
        else {
            throw .badHost(host)
        }
        return trimmed
    }

    /// The partial download and what it is a part of (`ETag` and host), beside the catalog.
    var partialPath: String { databasePath + ".pull" }
    var partialStatePath: String { databasePath + ".pull.etag" }
    /// A complete snapshot whose digest was checked, being put in place (never resumed).
    var checkedPath: String { databasePath + ".pull.checked" }

    /// The largest snapshot taken: 1 TiB, far past any catalog (a host announcing more is lying).
    static let maxSnapshotBytes: Int64 = 1 << 40

    /// The largest answer of changes taken (the snapshot is the way for more).
    static let maxChangesBytes: Int64 = 4 << 30

    /// Brings the catalog up to the host's: what changed since the last pull when it was
    /// pulled from this host before and the host can say, else the whole snapshot; `progress`
    /// is called as bytes arrive.
    public func pull(progress: @escaping @Sendable (Progress) -> Void = { _ in }) async throws -> Report {
        // One pull of a catalog at a time: two would write the same download.
        let lock = try PullLock(databasePath: databasePath)
        defer {
            lock.release()
            // A first pull that made nothing leaves nothing beside where the catalog would be.
            if !FileManager.default.fileExists(atPath: databasePath) { unlink(databasePath + ".pull.lock") }
        }
        try? FileManager.default.removeItem(atPath: checkedPath)
        let existing = try existingOrigin()
        var reason: String?
        // --replace takes the whole snapshot: what is here is not kept, scans of drives included.
        if let existing, existing.url == host, !replace {
            switch try await pullChanges(since: existing, progress: progress) {
            case .done(let report): return report
            case .snapshotNeeded(let why): reason = why
            }
        }
        var report = try await pullSnapshot(existing: existing, progress: progress)
        report.snapshotReason = reason
        return report
    }

    enum ChangesOutcome {
        case done(Report)
        case snapshotNeeded(String)
    }

    /// `GET /api/sync`: what changed since `origin`'s generation, downloaded beside the catalog
    /// (`CATALOG.sync`), replayed in one transaction and checked against the host's digest.
    func pullChanges(since origin: PullOrigin, progress: @escaping @Sendable (Progress) -> Void) async throws -> ChangesOutcome {
        let schema = try CatalogDatabase(path: databasePath, access: .readOnly).schemaIdentifier()
        var components = URLComponents(string: host + "/api/sync")
        components?.queryItems = [URLQueryItem(name: "since", value: origin.generation), URLQueryItem(name: "schema", value: schema)]
        guard let url = components?.url?.absoluteString else { throw PullError.badHost(host) }
        var request = HTTPClientRequest(url: url)
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        let response = try await send(request)
        switch response.status.code {
        case 304:
            return .done(Report(upToDate: true, transferred: 0, size: 0, resumedFrom: 0, items: try itemCount(), origin: origin))
        case 200:
            break
        case 404:
            return .snapshotNeeded("the host sends whole snapshots only")
        case 409:
            let body = try? await response.body.collect(upTo: 64 << 10)
            return .snapshotNeeded(Self.message(fromProblem: body.map { String(buffer: $0) } ?? ""))
        default:
            try await refuse(response)
        }
        let path = databasePath + ".sync"
        let file = try open(path, truncating: true)
        var received: Int64 = 0
        do {
            defer { try? file.close() }
            for try await buffer in response.body {
                try file.write(contentsOf: Data(buffer.readableBytesView))
                received += Int64(buffer.readableBytes)
                guard received <= Self.maxChangesBytes else {
                    try? FileManager.default.removeItem(atPath: path)
                    return .snapshotNeeded("the changes grew past \(Self.maxChangesBytes >> 30) GiB")
                }
                progress(Progress(received: received, total: received, resumedFrom: 0, phase: "downloading changes"))
            }
        } catch {
            try? FileManager.default.removeItem(atPath: path)
            throw PullError.interrupted(host, received: received, total: received, reason: Secrets.redact("\(error)"))
        }
        defer { try? FileManager.default.removeItem(atPath: path) }
        progress(Progress(received: received, total: received, resumedFrom: 0, phase: "applying changes"))
        let databasePath = self.databasePath
        let host = self.host
        do {
            let pulling = PullOrigin(url: host, snapshot: "", generation: "", pulledAt: Date(), bytes: received)
            let (items, applied) = try await BlockingIO.run { () throws -> (Int, (generation: String, digest: String, rows: Int)) in
                let database = try CatalogDatabase(path: databasePath)
                let applied = try database.applySync(from: path, origin: pulling)
                return (try database.itemCount(), applied)
            }
            let now = PullOrigin(
                url: host, snapshot: applied.digest, generation: applied.generation, pulledAt: pulling.pulledAt, bytes: received)
            // Part of an older snapshot is of no use now.
            discardPartial()
            return .done(
                Report(upToDate: false, transferred: received, size: received, resumedFrom: 0, items: items, origin: now, changedRows: applied.rows))
        } catch let damaged as CatalogDatabase.SyncDamaged {
            // Nothing of it was kept; the whole snapshot is exact whatever went wrong.
            return .snapshotNeeded(damaged.description)
        } catch let refused as StoreError where refused.isCatalogBusy {
            throw refused
        } catch let error as StoreError {
            // The rows would not go in (a constraint, a column this catalog lacks): nothing was
            // kept, and the snapshot will do.
            return .snapshotNeeded("the changes could not be applied (\(error))")
        }
    }

    /// Sends `request`, saying plainly when the host cannot be reached.
    func send(_ request: HTTPClientRequest) async throws -> HTTPClientResponse {
        do {
            return try await client.execute(request, timeout: .seconds(24 * 3600))
        } catch let error as IOError where [ECONNREFUSED, EHOSTUNREACH, ENETUNREACH, EADDRNOTAVAIL].contains(error.errnoCode) {
            throw PullError.unreachable(host, reason: AsyncHTTPClientTransport.unreachable(error.errnoCode))
        } catch  where "\(error)".contains("UnknownHost") {
            throw PullError.unreachable(host, reason: "no computer of that name is known (DNS)")
        } catch {
            throw PullError.unreachable(host, reason: Secrets.redact("\(error)"))
        }
    }

    /// The error an answer that is not the snapshot or the changes is.
    func refuse(_ response: HTTPClientResponse) async throws -> Never {
        switch response.status.code {
        case 401, 403:
            throw PullError.tokenRefused(host, hadToken: token != nil)
        case 404:
            throw PullError.notAHost(host)
        case 300..<400:
            throw PullError.redirected(host, to: response.headers.first(name: "Location") ?? "elsewhere")
        default:
            let body = try? await response.body.collect(upTo: 64 << 10)
            let text = body.map { String(buffer: $0) } ?? ""
            throw PullError.refused(host, status: Int(response.status.code), message: Self.message(fromProblem: text))
        }
    }

    /// `GET /api/snapshot`: the host's whole catalog, resumed when part of it is here already.
    func pullSnapshot(existing: PullOrigin?, progress: @escaping @Sendable (Progress) -> Void) async throws -> Report {
        do {
            return try await pullSnapshot(existing: existing, resuming: true, progress: progress)
        } catch PullError.refused(_, 416, _) {
            // The part here is as long as the snapshot or longer (cut while it was checked):
            // the whole again.
            discardPartial()
            return try await pullSnapshot(existing: existing, resuming: false, progress: progress)
        }
    }

    func pullSnapshot(existing: PullOrigin?, resuming: Bool, progress: @escaping @Sendable (Progress) -> Void) async throws -> Report {
        // What is already here: a complete snapshot (the catalog) or part of one (an interrupted pull).
        var resumeFrom: Int64 = 0
        var resumeTag: String?
        if resuming, let state = try? String(contentsOfFile: partialStatePath, encoding: .utf8) {
            let lines = state.split(separator: "\n").map(String.init)
            let size = (try? FileManager.default.attributesOfItem(atPath: partialPath)[.size] as? Int64) ?? 0
            if lines.count == 2, lines[1] == host, size > 0 {
                resumeTag = lines[0]
                resumeFrom = size
            }
        }
        var request = HTTPClientRequest(url: host + "/api/snapshot")
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let existing, existing.url == host, !replace { request.headers.add(name: "If-None-Match", value: "\"\(existing.snapshot)\"") }
        if let resumeTag {
            request.headers.add(name: "Range", value: "bytes=\(resumeFrom)-")
            request.headers.add(name: "If-Range", value: resumeTag)
        }
        let response = try await send(request)
        switch response.status.code {
        case 304:
            guard let existing else { throw PullError.refused(host, status: 304, message: "not modified, but there is no catalog here") }
            return Report(upToDate: true, transferred: 0, size: existing.bytes, resumedFrom: 0, items: try itemCount(), origin: existing)
        case 200:
            resumeFrom = 0
        case 206:
            guard let range = response.headers.first(name: "Content-Range"), range.hasPrefix("bytes \(resumeFrom)-") else {
                throw PullError.refused(host, status: 206, message: "a part that does not follow what was received")
            }
        default:
            try await refuse(response)
        }
        guard let tag = response.headers.first(name: "ETag"), let digest = Self.digest(fromETag: tag) else {
            throw PullError.notAHost(host)
        }
        if let served = response.headers.first(name: "X-Catalog-File"), served == CatalogDatabase.fileIdentity(databasePath) {
            throw PullError.ownHost(databasePath)
        }
        let generation = response.headers.first(name: "X-Catalog-Generation") ?? ""
        guard let length = response.headers.first(name: "Content-Length").flatMap(Int64.init), length >= 0 else {
            throw PullError.refused(host, status: Int(response.status.code), message: "the snapshot came without its length")
        }
        let (total, overflow) = resumeFrom.addingReportingOverflow(length)
        guard !overflow, total <= Self.maxSnapshotBytes else {
            throw PullError.refused(host, status: Int(response.status.code), message: "a snapshot of \(length) bytes, more than any catalog")
        }
        // The part on disk is of this snapshot, at this host: said before any byte is written,
        // so that a pull cut now resumes with the right If-Range.
        try write(state: "\(tag)\n\(host)")
        let file = try open(partialPath, truncating: resumeFrom == 0)
        var received = resumeFrom
        var last = ContinuousClock.now
        progress(Progress(received: received, total: total, resumedFrom: resumeFrom, phase: "downloading"))
        do {
            defer { try? file.close() }
            for try await buffer in response.body {
                try file.write(contentsOf: Data(buffer.readableBytesView))
                received += Int64(buffer.readableBytes)
                guard received <= total else { break }
                if ContinuousClock.now - last > .milliseconds(100) {
                    last = ContinuousClock.now
                    progress(Progress(received: received, total: total, resumedFrom: resumeFrom, phase: "downloading"))
                }
            }
            try file.synchronize()
        } catch let error as PullError {
            throw error
        } catch {
            throw PullError.interrupted(host, received: received, total: total, reason: Secrets.redact("\(error)"))
        }
        guard received == total else {
            throw PullError.interrupted(host, received: received, total: total, reason: "the connection ended early")
        }
        progress(Progress(received: received, total: total, resumedFrom: resumeFrom, phase: "checking"))
        let partial = partialPath
        let actual = try await BlockingIO.run { try XXH3Hasher.digest(ofFileAt: partial) }
        guard "xxh3_128:" + actual == digest else {
            discardPartial()
            throw PullError.damaged(host, expected: digest, actual: "xxh3_128:" + actual)
        }
        // Checked: from here on it is never resumed (it will be written to).
        let checked = checkedPath
        guard rename(partial, checked) == 0 else {
            throw StoreError.writeFailed(path: checked, reason: String(cString: strerror(errno)))
        }
        try? FileManager.default.removeItem(atPath: partialStatePath)
        let origin = PullOrigin(url: host, snapshot: digest, generation: generation, pulledAt: Date(), bytes: total)
        let items: Int
        do {
            items = try await BlockingIO.run { try CatalogDatabase.checkSnapshot(at: checked) }
            try CatalogDatabase.recordOrigin(origin, inSnapshotAt: checked)
            // The drives scanned here since the last pull go into the new catalog too.
            let own = replace || existing == nil ? nil : try CatalogDatabase(path: databasePath, access: .readOnly).ownScans()
            if let own { try CatalogDatabase.restore(own, inSnapshotAt: checked) }
            try CatalogDatabase.install(snapshot: checked, at: databasePath)
        } catch {
            try? FileManager.default.removeItem(atPath: checked)
            throw error
        }
        return Report(upToDate: false, transferred: received - resumeFrom, size: total, resumedFrom: resumeFrom, items: items, origin: origin)
    }

    /// Where the catalog at the path came from; refuses to replace a catalog that is not a pull
    /// of this host (unless ``replace``).
    func existingOrigin() throws -> PullOrigin? {
        guard FileManager.default.fileExists(atPath: databasePath) else { return nil }
        let database = try CatalogDatabase(path: databasePath, access: .readOnly)
        let origin = try database.pullOrigin()
        guard !replace else { return origin }
        if let origin {
            guard origin.url == host else { throw PullError.pulledElsewhere(databasePath, from: origin.url, host: host) }
            // Drives scanned here are carried across the pull when the host holds none of them.
            do {
                _ = try database.ownScans()
            } catch let scans as CatalogDatabase.ScansOfHostVolumes {
                throw PullError.localScans(databasePath, count: scans.count)
            }
            return origin
        }
        let items = try database.itemCount()
        guard items == 0 else { throw PullError.ownCatalog(databasePath, items: items) }
        return nil
    }

    func itemCount() throws -> Int { try CatalogDatabase(path: databasePath, access: .readOnly).itemCount() }

    func write(state: String) throws {
        do {
            try Data(state.utf8).write(to: URL(fileURLWithPath: partialStatePath), options: .atomic)
        } catch {
            throw StoreError.writeFailed(path: partialStatePath, reason: error.localizedDescription)
        }
    }

    /// A download's file, opened for appending (made 0600, emptied when starting over).
    func open(_ path: String, truncating: Bool) throws -> FileHandle {
        let fd = Glibc.open(path, O_CREAT | O_WRONLY | O_CLOEXEC | (truncating ? O_TRUNC : 0), 0o600)
        guard fd >= 0 else { throw StoreError.cannotOpen(path: path, reason: String(cString: strerror(errno))) }
        let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        do {
            try handle.seekToEnd()
        } catch {
            throw StoreError.writeFailed(path: path, reason: error.localizedDescription)
        }
        return handle
    }

    func discardPartial() {
        try? FileManager.default.removeItem(atPath: partialPath)
        try? FileManager.default.removeItem(atPath: partialStatePath)
    }

    /// `xxh3_128:HEX` from an `ETag` (`"xxh3_128:HEX"`); nil for another kind of tag.
    static func digest(fromETag tag: String) -> String? {
        let value = tag.trimmingCharacters(in: CharacterSet(charactersIn: "\" "))
        guard value.hasPrefix("xxh3_128:"), value.count == 9 + 32, value.dropFirst(9).allSatisfy(\.isHexDigit) else { return nil }
        return value
    }

    /// The `error` of the host's problem document, or the body's start.
    static func message(fromProblem text: String) -> String {
        if let value = try? JSONParser.parse(text), let message = value["error"]?.stringValue { return TerminalText.sanitize(message) }
        return TerminalText.sanitize(String(text.prefix(200)))
    }
}

/// Why a pull stopped; the catalog that was there is intact in every case.
public enum PullError: CatalogFailure, Sendable {
    case badHost(String)
    case unreachable(String, reason: String)
    case tokenRefused(String, hadToken: Bool)
    case notAHost(String)
    case redirected(String, to: String)
    case refused(String, status: Int, message: String)
    case interrupted(String, received: Int64, total: Int64, reason: String)
    case damaged(String, expected: String, actual: String)
    case ownCatalog(String, items: Int)
    case pulledElsewhere(String, from: String, host: String)
    case localScans(String, count: Int)
    case ownHost(String)

    public var description: String {
        switch self {
        case .badHost(let host):
            "'\(TerminalText.sanitize(host))' is not a team host's address: give its http:// or https:// address, e.g. http://catalog.studio.lan:8420"
        case .unreachable(let host, let reason):
            "cannot reach the team host \(host): \(reason). Is `catalog serve` running there, and this machine on its network?"
        case .tokenRefused(let host, let hadToken):
            hadToken
                ? "the team host \(host) refused the token: ask for a new one (it may have been revoked)."
                : "the team host \(host) needs a token: --token or CATALOG_PULL_TOKEN."
        case .notAHost(let host):
            """
            \(host) is not a catalog team host (nothing answers at \(host)/api/snapshot): give the address its `catalog serve` prints, \
            such as http://catalog.studio.lan:8420 (its catalog must be as new as this one's).
            """
        case .redirected(let host, let location):
            "the team host \(host) answered with a redirect to \(TerminalText.sanitize(location)): give that address (the token is never sent on)."
        case .refused(let host, let status, let message):
            "the team host \(host) answered \(status): \(message)"
        case .interrupted(let host, let received, let total, let reason):
            """
            the pull from \(host) stopped at \(ByteCount.format(received)) of \(ByteCount.format(total)) (\(reason)); the catalog here is \
            as it was. Run catalog pull again to fetch the rest.
            """
        case .damaged(let host, let expected, let actual):
            "the snapshot from \(host) arrived damaged (digest \(actual), the host said \(expected)); it was discarded. Run catalog pull again."
        case .ownCatalog(let path, let items):
            """
            \(path) holds a catalog of this machine's own crawls (\(Count.of(items, "item"))): pull into another catalog (--db), or give \
            --replace to replace it with the host's.
            """
        case .pulledElsewhere(let path, let from, let host):
            "\(path) was pulled from \(from), not \(host): pull into another catalog (--db), or give --replace."
        case .ownHost(let path):
            "\(path) is the catalog this host serves: a pull would replace it with itself. Pull into another catalog (--db)."
        case .localScans(let path, let count):
            """
            \(path) holds \(Count.of(count, "scan")) made here since the last pull of drives the host holds too (crawl local): the host's \
            catalog would undo them. Give --replace, then scan the drives again.
            """
        }
    }

    public var failureClass: FailureClass {
        switch self {
        case .badHost, .tokenRefused, .notAHost, .ownHost: .configuration
        case .ownCatalog, .pulledElsewhere, .localScans: .usage
        case .unreachable, .redirected, .refused, .interrupted, .damaged: .service
        }
    }
}

import CatalogCore
import CatalogStore
import Foundation
import HTTPTypes
import Hummingbird

/// The snapshots a team host serves to `catalog pull` (`GET /api/snapshot`): one consistent,
/// compacted copy of the catalog (`VACUUM INTO`) per generation, made when first asked for
/// after a crawl changed the catalog, and kept until the next, so that a pull cut halfway can
/// ask for the rest of the same bytes (`Range` with `If-Range`).
actor Snapshots {
    /// A snapshot on disk.
    struct Snapshot: Sendable {
        let path: String
        /// `xxh3_128:HEX` of the file: its `ETag`, and what `catalog pull` checks.
        let digest: String
        let size: Int64
        /// The catalog's generation it was made at (``CatalogDatabase/generation()``).
        let generation: String
    }

    let database: CatalogDatabase
    /// Where snapshots are written: `CATALOG.snapshots/` beside the catalog, mode 0700.
    let directory: String
    private var current: Snapshot?
    private var making: (generation: String, task: Task<Snapshot, any Error>)?

    init(database: CatalogDatabase) {
        self.database = database
        directory = database.path + ".snapshots"
    }

    /// The snapshot of the catalog as it is now: the last one made, unless a crawl changed the
    /// catalog since. Requests that arrive while one is being made wait for it.
    func latest() async throws -> Snapshot {
        let database = self.database
        let generation = try await database.reading { try database.generation() }
        if let current, current.generation == generation, FileManager.default.fileExists(atPath: current.path) { return current }
        if let making, making.generation == generation { return try await making.task.value }
        let directory = self.directory
        let task = Task { try await BlockingIO.run { try Self.make(database, generation: generation, in: directory) } }
        made += 1
        let order = made
        making = (generation, task)
        defer { if making?.generation == generation { making = nil } }
        let snapshot = try await task.value
        // Made while another was made too (the actor let both run): the later one counts.
        guard order > currentOrder else { return snapshot }
        // The one before stays (a download of it may still be opening it: Hummingbird opens the
        // file when the body starts); the one before that goes.
        if let older = previous, older.path != snapshot.path, older.path != current?.path {
            try? FileManager.default.removeItem(atPath: older.path)
        }
        if current?.path != snapshot.path { previous = current }
        current = snapshot
        currentOrder = order
        return snapshot
    }

    /// How many snapshots were begun, and the order of ``current``'s.
    private var made = 0
    private var currentOrder = 0
    /// The snapshot before ``current``, kept while downloads of it may still start.
    private var previous: Snapshot?

    /// Writes the snapshot of `generation` into `directory` (through a temporary name, renamed
    /// when complete) and digests it.
    static func make(_ database: CatalogDatabase, generation: String, in directory: String) throws -> Snapshot {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let name = "catalog-" + Digest.xxh64(generation).hex
        let path = directory + "/" + name + ".sqlite"
        let partial = directory + "/" + name + ".partial"
        try? FileManager.default.removeItem(atPath: partial)
        try database.writeSnapshot(to: partial)
        // What the file holds: a crawl that began since `generation` was read may be in it.
        let held = try CatalogDatabase.generation(ofSnapshotAt: partial)
        let digest = "xxh3_128:" + (try XXH3Hasher.digest(ofFileAt: partial))
        let size = (try FileManager.default.attributesOfItem(atPath: partial)[.size] as? Int64) ?? 0
        chmod(partial, 0o600)
        guard rename(partial, path) == 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path]) }
        return Snapshot(path: path, digest: digest, size: size, generation: held)
    }

    /// The changes files made for laptops, by the generation they start from and the one they
    /// bring (removed when the catalog moves on).
    private var changes: [String: (generation: String, path: String)] = [:]

    /// `GET /api/sync?since=GENERATION&schema=MIGRATION`: what changed since a laptop's pull,
    /// as NDJSON (``CatalogDatabase/writeSync(since:schema:to:)``); 304 when nothing did; 409
    /// with the reason when only the snapshot will do.
    func changesResponse(since: String, schema: String, context: some RequestContext) async throws -> Response {
        let database = self.database
        let generation = try await database.reading { try database.generation() }
        if since == generation { return Response(status: .notModified, headers: [.cacheControl: "no-store"]) }
        guard CatalogDatabase.SyncPoint(generation: since) != nil else {
            throw APIProblem(.conflict, "take the snapshot (/api/snapshot): '\(since)' is not a generation of this host")
        }
        let key = Digest.xxh64(since + "\n" + generation + "\n" + schema).hex
        let entry: (generation: String, path: String)
        if let cached = changes[key], FileManager.default.fileExists(atPath: cached.path) {
            entry = cached
        } else if let running = writing[key] {
            entry = try await running.value
        } else {
            let directory = self.directory
            let file = directory + "/changes-" + key + ".ndjson"
            // Written under a name of its own, then renamed: a request for the same changes
            // waits for this one (`writing`) instead of writing the same file.
            let task = Task {
                try await BlockingIO.run { () throws -> (generation: String, path: String) in
                    try FileManager.default.createDirectory(
                        atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
                    let partial = file + ".partial-" + UUID().uuidString
                    defer { try? FileManager.default.removeItem(atPath: partial) }
                    let made = try database.writeSync(since: since, schema: schema, to: partial).generation
                    guard rename(partial, file) == 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: file]) }
                    return (made, file)
                }
            }
            writing[key] = task
            defer { writing[key] = nil }
            do {
                entry = try await task.value
            } catch let needed as CatalogDatabase.SnapshotNeeded {
                throw APIProblem(.conflict, "take the snapshot (/api/snapshot): \(needed.description)")
            }
            // Files of generations gone by are of no use to anyone; of the current one, those of
            // the last few starting points are kept.
            for (old, kept) in changes where kept.generation != entry.generation || changes.count >= Self.keptChanges {
                guard old != key else { continue }
                try? FileManager.default.removeItem(atPath: kept.path)
                changes[old] = nil
            }
            changes[key] = entry
        }
        var headers: HTTPFields = [.contentType: "application/x-ndjson", .cacheControl: "no-store"]
        headers[HTTPField.Name("X-Catalog-Generation")!] = entry.generation
        return Response(status: .ok, headers: headers, body: try await FileIO().loadFile(path: entry.path, context: context))
    }

    /// The changes files being written, by key.
    private var writing: [String: Task<(generation: String, path: String), any Error>] = [:]
    /// The most changes files kept for the current generation.
    static let keptChanges = 8

    /// Removes every snapshot (when the server stops).
    func removeAll() {
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// `GET /api/snapshot`: the whole snapshot (200), or from a byte on (`Range: bytes=N-`,
    /// 206) when `If-Range` names this snapshot or is absent; a `Range` past its end is a 416.
    func response(to request: Request, context: some RequestContext) async throws -> Response {
        let snapshot = try await latest()
        var headers: HTTPFields = [
            .contentType: "application/vnd.sqlite3", .eTag: "\"\(snapshot.digest)\"", .acceptRanges: "bytes", .cacheControl: "no-store",
            .contentDisposition: "attachment; filename=\"catalog.sqlite\"",
        ]
        headers[HTTPField.Name("X-Catalog-Generation")!] = snapshot.generation
        if let identity = CatalogDatabase.fileIdentity(database.path) { headers[HTTPField.Name("X-Catalog-File")!] = identity }
        // A laptop that holds this snapshot already learns so without the bytes.
        if let held = request.headers[.ifNoneMatch], held.trimmingCharacters(in: .whitespaces) == "\"\(snapshot.digest)\"" {
            return Response(status: .notModified, headers: headers)
        }
        let fileIO = FileIO()
        let whole = 0...max(0, Int(snapshot.size) - 1)
        guard let range = request.headers[.range], Self.ifRangeHolds(request.headers[.ifRange], digest: snapshot.digest) else {
            return Response(status: .ok, headers: headers, body: try await fileIO.loadFile(path: snapshot.path, range: whole, context: context))
        }
        guard let first = Self.firstByte(ofRange: range) else {
            throw APIProblem(.badRequest, "Range must be bytes=N- (the first byte not yet received)")
        }
        guard first < snapshot.size else {
            throw APIProblem(.rangeNotSatisfiable, "the snapshot has \(snapshot.size) bytes", headers: [.contentRange: "bytes */\(snapshot.size)"])
        }
        headers[.contentRange] = "bytes \(first)-\(snapshot.size - 1)/\(snapshot.size)"
        return Response(
            status: .partialContent, headers: headers,
            body: try await fileIO.loadFile(path: snapshot.path, range: Int(first)...Int(snapshot.size - 1), context: context))
    }

    /// Whether an `If-Range` allows a partial answer: absent, or naming this snapshot.
    static func ifRangeHolds(_ value: String?, digest: String) -> Bool {
        guard let value else { return true }
        return value.trimmingCharacters(in: .whitespaces) == "\"\(digest)\""
    }

    /// N of `bytes=N-` (or `bytes=N-M`, answered to the end all the same); nil for anything else.
    static func firstByte(ofRange value: String) -> Int64? {
        let text = value.trimmingCharacters(in: .whitespaces)
        guard text.hasPrefix("bytes="), !text.contains(",") else { return nil }
        let spec = text.dropFirst("bytes=".count)
        guard let dash = spec.firstIndex(of: "-"), let first = Int64(spec[..<dash]), first >= 0 else { return nil }
        return first
    }
}

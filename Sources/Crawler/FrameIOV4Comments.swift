import CatalogCore
import CatalogStore
import Foundation
import FrameIOV4Client
import Synchronization

/// A file whose comments are to be read.
struct CommentedFile: Sendable {
    var accountID: String
    var fileID: String
    /// Its media type (the frame rate of its timecodes), when known.
    var mime: String?
    /// The number of comments the service says it has (a `Comment Count` metadata value), when
    /// it says: 0 means nothing to list.
    var knownCount: Int?
}

/// What a crawl did with comments (the report's comments line).
public struct CommentCounts: Sendable, Equatable {
    /// `full` or `delta`.
    public var mode = "full"
    /// Files whose comments were listed.
    public var filesRead = 0
    /// Files not listed: the service said they have none, or a resumed pass had read them.
    public var filesSkipped = 0
    /// Files whose comments could not be read (404, 403): warned about, their comments kept.
    public var filesFailed = 0
    /// Comments and replies listed.
    public var comments = 0
    /// What changed in the catalog's comments.
    public var changes = CommentChanges()
    public init() {}
}

/// Reads the comments of the files handed to it, beside the walk that finds them: its own
/// concurrency, its own rate-limit bucket (`v4:comments`, 100 calls a minute), so the tree's
/// buckets stay busy meanwhile. Each file's comments are listed to the end (include and sort
/// sent again on every page) and written in one transaction as they arrive; the ledger of the
/// pass records the file, so an interrupted pass resumes without reading it again. A file the
/// service refuses or no longer has (403, 404, 410) is a warning; any other failure ends the crawl.
final class CommentReader: Sendable {
    private let continuation: AsyncStream<CommentedFile>.Continuation
    private let task: Task<CommentCounts, any Error>
    private let state = Shared()
    let pass: CommentPass
    /// Files handed over and done, for the progress line.
    let progress = CommentProgress()

    struct State {
        var queued = Set<String>()
        var warnings: [String] = []
    }

    /// What the reader's task and the walk both see.
    final class Shared: Sendable {
        let mutex = Mutex(State())
        func withLock<T>(_ body: (inout State) -> T) -> T { mutex.withLock { body(&$0) } }
    }

    init(client: FrameIOV4Client, database: any CrawlStore, pass: CommentPass, concurrency: Int) {
        self.pass = pass
        let state = self.state
        let progress = self.progress
        let (stream, continuation) = AsyncStream.makeStream(of: CommentedFile.self)
        self.continuation = continuation
        task = Task {
            var counts = CommentCounts()
            counts.mode = pass.mode.rawValue
            var files = stream.makeAsyncIterator()
            let mapper = FrameIOV4ItemMapper()
            try await withBoundedTaskGroup(limit: concurrency) {
                while let file = await files.next() {
                    if pass.alreadyRead.contains(file.fileID) {
                        counts.filesSkipped += 1
                        progress.done()
                        continue
                    }
                    return file
                }
                return nil
            } work: { file -> Outcome in
                if file.knownCount == 0 {
                    let changes = try await database.replaceComments([], source: .frameio, fileID: file.fileID, pass: pass)
                    return .skipped(changes)
                }
                do {
                    var paging = Cursors<V4Comment>()
                    let listed = try await ListReader.read("comments of file \(file.fileID)", paging: &paging) {
                        try await client.comments(accountID: file.accountID, fileID: file.fileID, after: $0)
                    }
                    let comments = mapper.comments(listed, fileID: file.fileID, mime: file.mime)
                    let changes = try await database.replaceComments(comments, source: .frameio, fileID: file.fileID, pass: pass)
                    return .read(comments: comments.count, changes)
                } catch  where FrameIOV4Client.isGone(error) || FrameIOV4Client.isForbidden(error) {
                    try await database.recordCommentFailure(source: .frameio, fileID: file.fileID, pass: pass.id, error: "\(error)")
                    return .failed("the comments of file \(file.fileID) could not be read (their catalogued comments are kept): \(error)")
                }
            } each: { outcome in
                progress.done()
                switch outcome {
                case .read(let comments, let changes):
                    counts.filesRead += 1
                    counts.comments += comments
                    counts.changes.add(changes)
                case .skipped(let changes):
                    counts.filesSkipped += 1
                    counts.changes.add(changes)
                case .failed(let warning):
                    counts.filesFailed += 1
                    state.withLock { $0.warnings.append(warning) }
                }
            }
            return counts
        }
    }

    enum Outcome: Sendable {
        case read(comments: Int, CommentChanges)
        case skipped(CommentChanges)
        case failed(String)
    }

    /// Hands a file over (each file once per crawl).
    func enqueue(_ file: CommentedFile) {
        guard state.withLock({ $0.queued.insert(file.fileID).inserted }) else { return }
        progress.handed()
        continuation.yield(file)
    }

    /// No more files: waits for those handed over; what was done, and the warnings.
    func finish() async throws -> (CommentCounts, [String]) {
        continuation.finish()
        let counts = try await task.value
        return (counts, state.withLock { $0.warnings })
    }

    /// Stops reading (the crawl failed).
    func cancel() async {
        continuation.finish()
        task.cancel()
        _ = try? await task.value
    }
}

extension CommentedFile {
    /// The file `asset` as the walk lists it (of media type `mime`), with the comment count its
    /// metadata says, if any.
    init(accountID: String, asset: V4Asset, mime: String?) {
        self.accountID = accountID
        fileID = asset.id
        self.mime = mime
        knownCount = asset.metadata.first { $0.fieldName == "Comment Count" }?.value.int64Value.flatMap { Int(exactly: $0) }
    }
}

/// What reading comments will take, said before a full pass begins.
enum CommentCost {
    /// `comments of 12 340 files: about 2 h 4 min at 100 calls/min` (and the files a resumed
    /// pass had read already).
    static func describe(files: Int, resumed: Int, callsPerMinute: Int) -> String {
        guard files > 0 else {
            let perThousand = 1_000 / callsPerMinute
            return "comments of every file listed: one call per file at \(callsPerMinute) calls/min (about \(perThousand) min per 1 000 files)"
        }
        let minutes = (files + callsPerMinute - 1) / callsPerMinute
        let time = minutes < 1 ? "under a minute" : minutes < 60 ? "about \(minutes) min" : "about \(minutes / 60) h \(minutes % 60) min"
        let resuming = resumed > 0 ? " (resuming: \(Count.of(resumed, "file")) read before are not read again)" : ""
        return "comments of \(Count.of(files, "file")): \(time) at \(callsPerMinute) calls/min\(resuming)"
    }
}

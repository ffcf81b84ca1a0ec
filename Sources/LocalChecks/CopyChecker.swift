import CatalogCore
import CatalogStore
import Foundation
import LocalFiles

/// Why `catalog where` cannot answer.
public enum CopyCheckError: CatalogFailure, Sendable {
    /// No Frame.io or Dash crawl has completed: there is nothing to look in.
    case noServiceCatalogued

    public var description: String {
        """
        the catalog holds no complete Frame.io or Dash crawl (a local scan is not one), so it cannot say what is in them. Run `catalog crawl \
        frameio` or `catalog crawl dash` first.
        """
    }

    public var failureClass: FailureClass { .usage }
    public var remedy: Remedy? { nil }
}

/// `catalog where`: for every file under a folder (or one file), where the same content is
/// catalogued in Frame.io or Dash. Digests come from the catalog when the file was scanned
/// (`catalog crawl local`) and is unchanged (size, modification time, inode), or from a hash
/// list on the volume that describes it as it is, else from one read of the file, many files
/// at once.
public struct CopyChecker: Sendable {
    let database: (any CopyReader)
    let scan: LocalScanOptions
    let resolver: VolumeResolver

    public init(database: (any CopyReader), scan: LocalScanOptions = LocalScanOptions(), resolver: VolumeResolver = VolumeResolver()) {
        self.database = database
        self.scan = scan
        self.resolver = resolver
    }

    /// What a check found besides each file's answer: what it left out, and how many answers
    /// rest on digests that were not read now.
    public struct Outcome: Sendable {
        /// What the walk left out or could not read.
        public var tally = WalkTally()
        /// Hidden and system files left out (no hash list records them, `--include-hidden` not
        /// given), the first few of them.
        public var hiddenLeftOut = 0
        public var hiddenExamples: [String] = []
        /// Files whose digests came from the catalog's scan (unchanged size, time and inode), and
        /// when the last scan of the source ended.
        public var fromScan = 0
        public var lastScan: Date?
        /// Files whose digests came from a hash list on the volume describing them as they are.
        public var fromHashLists = 0
        /// The hash lists that could not be read: what they record is not known, so nothing
        /// was left out, and the answer is not safe.
        public var unusableLists: [HashListReader.Problem] = []
        /// When each service's copies were catalogued (its last complete crawl's end), and
        /// whether a later crawl of it failed (the copies may be older than the user thinks).
        public var catalogued: [(service: String, finished: Date?, laterFailed: Bool)] = []
    }

    /// Checks every file under `path` (or `path` itself, a file), calling `each` with each file's
    /// answer in path order; returns what it left out and where digests came from.
    @discardableResult
    public func check(_ path: String, progress: HashProgress = HashProgress(), each: (CopyCheck) throws -> Void) async throws -> Outcome {
        let services = [(Source.frameio, try database.lastCompleteCrawl(source: .frameio)), (.dash, try database.lastCompleteCrawl(source: .dash))]
        let frameIO = services[0].1?.api
        let dash = services[1].1 != nil
        guard frameIO != nil || dash else { throw CopyCheckError.noServiceCatalogued }
        let (folder, single) = try Self.folderAndFile(path)
        let pathVolumes = try database.items(source: .local, kind: .volume).compactMap { $0.id.hasPrefix("path:") ? String($0.id.dropFirst(5)) : nil }
        let (volume, resolved) = try resolver.volume(containing: folder, pathVolumes: pathVolumes)
        let base = volume.relativePath(of: resolved)
        var entries: [LocalEntry] = []
        var tally = WalkTally()
        var outcome = Outcome()
        if let single {
            var info = stat()
            let absolute = resolved + "/" + single
            guard lstat(absolute, &info) == 0 else { throw LocalScanError.cannotOpen(path: path, reason: String(cString: strerror(errno))) }
            let relative = base.isEmpty ? single : base + "/" + single
            entries = [
                LocalEntry(
                    relativePath: relative, isFolder: false, size: Int64(info.st_size),
                    modified: FileTime(seconds: Int64(info.st_mtim.tv_sec), nanoseconds: Int64(info.st_mtim.tv_nsec)), inode: UInt64(info.st_ino))
            ]
        } else {
            // Hidden files are walked too: one a hash list on the card records is part of the
            // answer (the offload recorded it); the others are left out, and counted.
            let walker = DirectoryWalker(includeHidden: true)
            (entries, tally) = await BlockingIO.run {
                var found: [LocalEntry] = []
                let tally = walker.walk(resolved, in: volume) { if !$0.isFolder { found.append($0) } }
                return (found, tally)
            }
        }
        // Digests the catalog already holds for unchanged files.
        let catalogued = try database.items(source: .local, projectID: volume.id)
        // And those the volume's hash lists (ASC MHL, MHL 1.1) give for files as they are.
        let allLists = await BlockingIO.run { [entries] in HashListReader.lists(for: resolved, entries: entries, in: volume) }
        func shown(_ relative: String) -> String { base.isEmpty ? relative : String(relative.dropFirst(base.count + 1)) }
        outcome.unusableLists = allLists.problems
        // Only what operating systems leave on a card (`.DS_Store`, `._` AppleDouble files,
        // `.Trashes`, `System Volume Information`, …) is left out, and counted; any other
        // hidden file (a camera's `.A002C009_take.mov`) is checked like a clip. A hash list
        // that could not be read may record such clutter too: then nothing is left out.
        if single == nil && !scan.includeHidden && allLists.problems.isEmpty {
            entries = entries.filter { entry in
                guard DirectoryWalker.isSystemClutter(shown(entry.relativePath)), allLists.entries[entry.relativePath] == nil else { return true }
                outcome.hiddenLeftOut += 1
                if outcome.hiddenExamples.count < 3 { outcome.hiddenExamples.append(shown(entry.relativePath)) }
                return false
            }
            tally.unreadable.removeAll { unread in
                DirectoryWalker.isSystemClutter(shown(unread.path)) && !allLists.entries.keys.contains { $0.hasPrefix(unread.path + "/") }
            }
        }
        var digests: [String: (xxh64: String?, md5: String?, unreadable: String?)] = [:]
        var toHash: [(entry: LocalEntry, path: String)] = []
        let known = KnownDigests(items: catalogued, lists: allLists, volume: volume, md5: dash, rehash: scan.rehash)
        for entry in entries {
            if let found = known.digests(for: entry) {
                digests[entry.relativePath] = (found.xxh64, found.md5, nil)
                if !HashListReader.isHashList(entry.relativePath) {
                    if found.origin == .catalog { outcome.fromScan += 1 } else { outcome.fromHashLists += 1 }
                }
            } else {
                toHash.append((entry, volume.absolutePath(of: entry.relativePath)))
            }
        }
        progress.expect(toHash.reduce(0) { $0.addingClamped($1.entry.size) })
        try await ParallelHashing.hash(toHash, md5: dash, hashers: scan.hashers, progress: progress) { entry, result in
            switch result {
            case .success(let found): digests[entry.relativePath] = (found.xxh64, found.md5, nil)
            case .failure(let failure): digests[entry.relativePath] = (nil, nil, failure.reason)
            }
        }
        // What the walk could not look into (a folder it cannot list, a name that is not UTF-8)
        // is unreadable too: the files there are not known to be anywhere.
        var notLookedAt: [String: String] = [:]
        for (relative, reason) in tally.unreadable where relative != base {
            notLookedAt[relative] = "could not be read (\(reason)), so it and anything under it went unchecked"
        }
        if let reason = tally.unreadable.first(where: { $0.path == base })?.reason {
            throw LocalScanError.cannotOpen(path: path, reason: reason)
        }
        // The hash lists themselves are the offload's records, not media: never uploaded, not checked.
        let files = entries.filter { !HashListReader.isHashList($0.relativePath) }.map { ($0.relativePath, Optional($0)) }
        for (relative, entry) in (files + notLookedAt.keys.map { ($0, nil) }).sorted(by: { $0.0 < $1.0 }) {
            guard let entry else {
                try each(CopyCheck(path: shown(relative), size: 0, xxh64: nil, md5: nil, unreadable: notLookedAt[relative], copies: []))
                continue
            }
            let known = digests[relative] ?? (nil, nil, "not read")
            let copies =
                known.unreadable == nil
                ? try database.copies(of: ContentProbe(name: entry.name, size: entry.size, xxh64: known.xxh64, md5: known.md5), frameIOAPI: frameIO)
                : []
            try each(
                CopyCheck(path: shown(relative), size: entry.size, xxh64: known.xxh64, md5: known.md5, unreadable: known.unreadable, copies: copies))
        }
        if outcome.fromScan > 0 { outcome.lastScan = try database.lastCompleteCrawl(source: .local)?.finishedAt.flatMap(Timestamp.parse) }
        for (source, last) in services {
            guard let last else { continue }
            let latest = try database.lastCrawl(source: source)
            outcome.catalogued.append(
                (source.displayName, last.finishedAt.flatMap(Timestamp.parse), latest.map { $0.id > last.id && $0.status == .failed } ?? false))
        }
        outcome.tally = tally
        return outcome
    }

    /// The folder to resolve and, when `path` is a file, its name.
    static func folderAndFile(_ path: String) throws(LocalScanError) -> (folder: String, file: String?) {
        var info = stat()
        guard stat(path, &info) == 0 else { throw .cannotOpen(path: path, reason: String(cString: strerror(errno))) }
        if info.st_mode & S_IFMT == S_IFDIR { return (path, nil) }
        guard info.st_mode & S_IFMT == S_IFREG else { throw .notAFolder(path: path) }
        let url = URL(fileURLWithPath: path)
        return (url.deletingLastPathComponent().path, url.lastPathComponent)
    }
}

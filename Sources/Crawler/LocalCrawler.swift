import CatalogCore
import CatalogStore
import Foundation
import HTTPSupport
import LocalFiles

/// What a local crawl found, read and kept.
public struct LocalScanCounts: Sendable, Equatable {
    /// Volumes scanned.
    public var volumes = 0
    /// Folders and files found.
    public var folders = 0
    public var files = 0
    /// The files' bytes.
    public var bytes: Int64 = 0
    /// Files read and hashed, and their bytes.
    public var hashed = 0
    public var hashedBytes: Int64 = 0
    /// Files whose digests were kept (size, modification time and inode unchanged).
    public var reused = 0
    /// Files whose digests came from a hash list (ASC MHL, MHL 1.1) that describes them as they are.
    public var fromHashLists = 0
    /// Files that could not be read: catalogued without digests, each in a warning.
    public var failed = 0
    /// Entries left out: hidden or system ones, links and other special files, other
    /// filesystems' mount points; and folders or names that could not be read.
    public var hidden = 0
    public var special = 0
    public var otherVolumes = 0
    public var unreadable = 0
    /// Wall seconds spent hashing.
    public var hashSeconds = 0.0

    public init() {}
}

/// Crawls folders on local volumes (`catalog crawl local PATH…`): walks each folder, hashes new
/// and changed files in parallel (XXH64, and MD5 when asked, in one read of each) and replaces
/// what the catalog holds under those folders, leaving every other volume and folder as it was.
public struct LocalCrawler: Sendable {
    let folders: [String]
    let database: any CrawlStore
    let options: CrawlOptions
    let scan: LocalScanOptions
    let resolver: VolumeResolver

    public init(
        folders: [String], database: any CrawlStore, options: CrawlOptions, scan: LocalScanOptions = LocalScanOptions(),
        resolver: VolumeResolver = VolumeResolver()
    ) {
        self.folders = folders
        self.database = database
        self.options = options
        self.scan = scan
        self.resolver = resolver
    }

    /// The folders to scan, on their volumes: each resolved before the catalog is touched (a
    /// path that is not a folder fails here), a folder inside another one given dropped.
    func targets() throws -> [(volume: Volume, folders: [String])] {
        let pathVolumes = try database.items(source: .local, kind: .volume).compactMap { $0.id.hasPrefix("path:") ? String($0.id.dropFirst(5)) : nil }
        var byVolume: [(volume: Volume, folders: [String])] = []
        for folder in folders {
            let (volume, resolved) = try resolver.volume(containing: folder, pathVolumes: pathVolumes)
            if let index = byVolume.firstIndex(where: { $0.volume.id == volume.id }) {
                byVolume[index].folders.append(resolved)
            } else {
                byVolume.append((volume, [resolved]))
            }
        }
        return byVolume.map { target in
            let sorted = Array(Set(target.folders)).sorted()
            let outermost = sorted.filter { folder in !sorted.contains { $0 != folder && VolumeResolver.contains($0, folder) } }
            return (target.volume, outermost)
        }
    }

    public func run() async throws -> CrawlReport {
        let started = Date()
        let targets = try targets()
        let report = try await CrawlRun.run(source: .local, scan: true, database: database, options: options, started: started) {
            session, recorder in
            var recorder = recorder
            recorder.hashing = HashProgress()
            return Walk(crawler: self, targets: targets, recorder: recorder)
        }
        try await database.markScanned(volumes: targets.map(\.volume.id), at: started)
        return report
    }
}

extension LocalCrawler {
    struct Walk: SourceWalk {
        let crawler: LocalCrawler
        let targets: [(volume: Volume, folders: [String])]
        var recorder: CrawlRecorder
        var counts = LocalScanCounts()
        /// A local crawl makes no requests.
        var minimumRequests: Int { 0 }

        mutating func walk(since: Date?) async throws -> WalkOutcome {
            var deletions = Set<String>()
            for (volume, folders) in targets {
                counts.volumes += 1
                let catalogued = try crawler.database.items(source: .local, projectID: volume.id)
                let known = KnownDigests(items: catalogued, lists: nil, volume: volume, md5: crawler.scan.md5, rehash: crawler.scan.rehash)
                try await recorder.emit(LocalItemMapper.item(for: volume))
                var emitted: Set<String> = [volume.id]
                var seen: Set<String> = [volume.id]
                var unreadable: [String] = []
                for folder in folders {
                    // The folders between the volume's root and the one scanned, so the tree holds.
                    for entry in Self.ancestors(of: folder, in: volume)
                    where emitted.insert(LocalItemMapper.id(of: entry.relativePath, in: volume)).inserted {
                        seen.insert(LocalItemMapper.id(of: entry.relativePath, in: volume))
                        try await recorder.emit(LocalItemMapper.item(for: entry, in: volume))
                    }
                    let walker = DirectoryWalker(includeHidden: crawler.scan.includeHidden)
                    let (entries, tally) = await BlockingIO.run {
                        var entries: [LocalEntry] = []
                        let tally = walker.walk(folder, in: volume) { entries.append($0) }
                        return (entries, tally)
                    }
                    counts.hidden += tally.hidden
                    counts.special += tally.special
                    counts.otherVolumes += tally.otherVolumes
                    counts.unreadable += tally.unreadable.count
                    for (path, reason) in tally.unreadable.prefix(20) {
                        recorder.warn("\(volume.name)/\(path): \(reason); what it holds is kept as it was")
                    }
                    unreadable += tally.unreadable.map(\.path)
                    // Hash lists on the volume (ASC MHL histories, MHL 1.1 files): a file they
                    // describe as it is (size, modification second) takes their digests.
                    let lists = await BlockingIO.run { HashListReader.lists(for: folder, entries: entries, in: volume) }
                    for problem in lists.problems.prefix(20) { recorder.warn("a hash list was not used: \(problem)") }
                    let knownHere = known.using(lists)
                    var toHash: [LocalEntry] = []
                    for entry in entries {
                        let id = LocalItemMapper.id(of: entry.relativePath, in: volume)
                        seen.insert(id)
                        if entry.isFolder {
                            counts.folders += 1
                            try await recorder.emit(LocalItemMapper.item(for: entry, in: volume))
                            continue
                        }
                        counts.files += 1
                        counts.bytes = counts.bytes.addingClamped(entry.size)
                        if let known = knownHere.digests(for: entry) {
                            if known.origin == .catalog { counts.reused += 1 } else { counts.fromHashLists += 1 }
                            try await recorder.emit(LocalItemMapper.item(for: entry, in: volume, digests: (known.xxh64, known.md5)))
                        } else {
                            toHash.append(entry)
                        }
                    }
                    try await hash(toHash, in: volume, under: folder)
                }
                // What was catalogued under the scanned folders and is there no more.
                let scopes = folders.map(volume.relativePath(of:))
                for item in catalogued where !seen.contains(item.id) && item.kind != .volume {
                    let relative = String(item.id.dropFirst(volume.id.count + 1))
                    guard scopes.contains(where: { Self.isWithin($0, relative) }), !unreadable.contains(where: { Self.isWithin($0, relative) })
                    else { continue }
                    deletions.insert(item.id)
                }
            }
            return WalkOutcome(deletions: deletions, local: counts)
        }

        /// Reads and hashes `entries`, `hashers` files at a time, emitting each file's item as it
        /// is done; a file that cannot be read is catalogued without digests, with a warning.
        mutating func hash(_ entries: [LocalEntry], in volume: Volume, under folder: String) async throws {
            guard !entries.isEmpty else { return }
            let progress = recorder.hashing ?? HashProgress()
            progress.expect(entries.reduce(0) { $0.addingClamped($1.size) })
            recorder.phase = .hashing
            recorder.report(estimatedTotal: nil)
            let md5 = crawler.scan.md5
            let started = Date()
            defer {
                counts.hashSeconds += Date().timeIntervalSince(started)
                recorder.phase = .listing
            }
            let files = entries.map { ($0, volume.absolutePath(of: $0.relativePath)) }
            try await ParallelHashing.hash(files, md5: md5, hashers: crawler.scan.hashers, progress: progress) { entry, result in
                switch result {
                case .success(let digests):
                    counts.hashed += 1
                    counts.hashedBytes += digests.bytes
                    try await recorder.emit(LocalItemMapper.item(for: entry, in: volume, digests: (digests.xxh64, digests.md5)))
                case .failure(let failure):
                    counts.failed += 1
                    recorder.warn("\(volume.name)/\(entry.relativePath) could not be read (\(failure.reason)); it is catalogued without digests")
                    try await recorder.emit(LocalItemMapper.item(for: entry, in: volume))
                }
                recorder.report(estimatedTotal: nil)
            }
        }

        /// Whether `path` is `scope` or inside it (`""` is the whole volume).
        static func isWithin(_ scope: String, _ path: String) -> Bool {
            scope.isEmpty || path == scope || path.hasPrefix(scope + "/")
        }

        /// The folders from the volume's root down to `folder` itself (none when it is the root).
        static func ancestors(of folder: String, in volume: Volume) -> [LocalEntry] {
            let relative = volume.relativePath(of: folder)
            guard !relative.isEmpty else { return [] }
            var entries: [LocalEntry] = []
            var path = ""
            for part in relative.split(separator: "/") {
                path = path.isEmpty ? String(part) : path + "/" + part
                var info = stat()
                let absolute = volume.absolutePath(of: path)
                guard lstat(absolute, &info) == 0 else { continue }
                entries.append(
                    LocalEntry(
                        relativePath: path, isFolder: true, size: 0,
                        modified: FileTime(seconds: Int64(info.st_mtim.tv_sec), nanoseconds: Int64(info.st_mtim.tv_nsec)), inode: UInt64(info.st_ino))
                )
            }
            return entries
        }
    }
}

import CatalogCore
import CatalogStore
import Foundation
import LocalFiles

/// `catalog verify`: reads every file under a folder again and holds its digests against what
/// the folder's hash lists (ASC MHL, MHL 1.1) and the catalog's last scan say.
public struct Verifier: Sendable {
    /// The catalog, when there is one (without it, only the hash lists are held against).
    let database: (any CopyReader)?
    let scan: LocalScanOptions
    let resolver: VolumeResolver

    public init(database: (any CopyReader)?, scan: LocalScanOptions = LocalScanOptions(), resolver: VolumeResolver = VolumeResolver()) {
        self.database = database
        self.scan = scan
        self.resolver = resolver
    }

    /// What a verification found besides each file's result.
    public struct Outcome: Sendable {
        /// The hash lists that could not be read: the files they describe could not be held
        /// against them, so the folder is not verified.
        public var unusableLists: [HashListReader.Problem]
        /// The subfolders walked (under the folder verified), for a new generation to record.
        public var folders: [ASCMHLWriter.Folder]
        /// The files a history's ignore patterns left out (not verified, not sealed).
        public var ignoredFiles = 0
    }

    /// Verifies every file under the folder `path`, calling `each` in path order (files missing
    /// from the volume among them).
    @discardableResult
    public func verify(_ path: String, progress: HashProgress = HashProgress(), each: (FileVerification) throws -> Void) async throws -> Outcome {
        let pathVolumes =
            try database?.items(source: .local, kind: .volume).compactMap { $0.id.hasPrefix("path:") ? String($0.id.dropFirst(5)) : nil } ?? []
        let (volume, folder) = try resolver.volume(containing: path, pathVolumes: pathVolumes)
        let base = volume.relativePath(of: folder)
        // Hidden files are walked too: one a record names is verified like any other (ascmhl
        // records them); the others are left out unless asked for.
        // Links to files are followed, as ascmhl follows them (it records them as files).
        // Two names that are one text in different Unicode forms are two files, each held against
        // its own record (by exact bytes first).
        let walker = DirectoryWalker(includeHidden: true, followFileLinks: true, keepsUnicodeForms: true)
        let (entries, hashLists, tally) = await BlockingIO.run {
            var found: [LocalEntry] = []
            let tally = walker.walk(folder, in: volume) { found.append($0) }
            return (found, HashListReader.lists(for: folder, entries: found, in: volume), tally)
        }
        let (lists, problems) = (hashLists.entries, hashLists.problems)
        // A history's ignore patterns leave out what it does not record (`ascmhl create -i
        // '*.tmp'`): not verified, not new, not sealed. What it records is verified whatever a
        // pattern says (ascmhl matches some patterns, `CLIPS/**`, against the absolute path, so
        // they leave nothing out), and so is every folder holding such a file.
        var recordedFolders = Set<String>()
        for path in lists.keys {
            var folder = Substring(path)
            while let slash = folder.lastIndex(of: "/") {
                folder = folder[..<slash]
                guard recordedFolders.insert(String(folder)).inserted else { break }
            }
        }
        func ignored(_ relative: String, isFolder: Bool) -> Bool {
            hashLists.isIgnored(relative, isFolder: isFolder) && (isFolder ? !recordedFolders.contains(relative) : lists[relative] == nil)
        }
        func within(_ relative: String) -> Bool { base.isEmpty || relative.hasPrefix(base + "/") }
        // What the catalog's last scan of this volume recorded, by volume-relative path.
        var catalogued = PathMap<LocalFileRecord>()
        try database?.forEachItem(source: .local, projectID: volume.id) { item in
            guard let record = LocalFileRecord(item: item), item.id.hasPrefix(volume.id + "/") else { return }
            catalogued[String(item.id.dropFirst(volume.id.count + 1))] = record
        }
        func shown(_ relative: String) -> String { base.isEmpty ? relative : String(relative.dropFirst(base.count + 1)) }
        func isHidden(_ relative: String) -> Bool { shown(relative).split(separator: "/").contains { DirectoryWalker.isHidden(String($0)) } }
        let ignoredFiles = entries.filter {
            !$0.isFolder && !HashListReader.isHistory($0.relativePath) && !ASCMHLWriter.isLeftOut($0.relativePath)
                && ignored($0.relativePath, isFolder: false)
        }.count
        let files = entries.filter {
            !$0.isFolder && !HashListReader.isHistory($0.relativePath) && !ignored($0.relativePath, isFolder: false)
                && (scan.includeHidden || !isHidden($0.relativePath) || lists[$0.relativePath] != nil || catalogued[$0.relativePath] != nil)
        }
        let present = Set(files.map { ExactPath($0.relativePath) })
        var results = PathMap<FileVerification>()
        // What each file's records say of it: the list's digests (in every algorithm it gives)
        // and the catalog's.
        func references(_ relative: String) -> [(record: String, algorithm: HashAlgorithm, value: String)] {
            var found: [(record: String, algorithm: HashAlgorithm, value: String)] = []
            // Every list that describes the file, not only the one taken first: an MHL 1.1 list
            // that disagrees with the ASC MHL history is a record the file does not match.
            for listed in hashLists.all(relative) {
                for algorithm in HashAlgorithm.allCases {
                    guard let value = listed.hashes[algorithm.rawValue],
                        !found.contains(where: { $0.record == listed.list && $0.algorithm == algorithm && algorithm.same($0.value, value) })
                    else { continue }
                    found.append((listed.list, algorithm, value))
                }
            }
            if let record = catalogued[relative] {
                if let value = record.xxh64 { found.append(("catalog", .xxh64, value)) }
                if let value = record.md5 { found.append(("catalog", .md5, value)) }
            }
            return found
        }
        progress.expect(files.reduce(0) { $0.addingClamped($1.size) })
        // Files grouped by the algorithms besides XXH64 their records need, each read once.
        let groups = Dictionary(grouping: files) { Set(references($0.relativePath).map(\.algorithm)).subtracting([.xxh64]) }
        for (algorithms, group) in groups {
            let paths = group.map { ($0, $0.linkTarget ?? volume.absolutePath(of: $0.relativePath)) }
            try await ParallelHashing.hash(
                paths, md5: algorithms.contains(.md5), also: algorithms.subtracting([.md5]), hashers: scan.hashers, progress: progress
            ) {
                entry, result in
                let relative = entry.relativePath
                let references = references(relative)
                let records = Array(Set(references.map(\.record))).sorted()
                switch result {
                case .failure(let failure):
                    results.updateValue(
                        FileVerification(
                            path: shown(relative), status: references.isEmpty ? .new : .unreadable, size: entry.size, records: records,
                            reason: failure.reason), forKey: relative)
                case .success(let digests):
                    let mismatches = references.compactMap { reference -> FileVerification.Mismatch? in
                        guard let value = digests.value(reference.algorithm), !reference.algorithm.same(value, reference.value) else {
                            return nil
                        }
                        return FileVerification.Mismatch(
                            record: reference.record, algorithm: reference.algorithm.rawValue, recorded: reference.value, actual: value)
                    }
                    let status: FileVerification.Status = references.isEmpty ? .new : mismatches.isEmpty ? .verified : .mismatched
                    var verification = FileVerification(
                        path: shown(relative), status: status, size: digests.bytes, xxh64: digests.xxh64, md5: digests.md5, records: records,
                        mismatches: mismatches, modified: entry.modified.date)
                    verification.otherDigests = Dictionary(uniqueKeysWithValues: digests.others.map { ($0.key.rawValue, $0.value) })
                    results.updateValue(verification, forKey: relative)
                }
            }
        }
        // On record but gone from the volume.
        let onRecord = Set((lists.keys + catalogued.keys).map(ExactPath.init))
        // A record in another Unicode form of a file present describes that file (it was held
        // against it), unless the disk has a file of exactly its name.
        let presentForms = PathMap<Bool>(files.map { ($0.relativePath, true) })
        for relative in onRecord.map(\.text)
        where within(relative) && !present.contains(ExactPath(relative)) && presentForms[relative] == nil && !HashListReader.isHistory(relative)
            && !ignored(relative, isFolder: false)
        {
            let records = [lists[relative].map(\.list), catalogued[relative].map { _ in "catalog" }].compactMap { $0 }
            // Under a folder that could not be read, a file is not known to be gone.
            let hidden = tally.unreadable.first { relative.hasPrefix($0.path + "/") }
            results.updateValue(
                FileVerification(
                    path: shown(relative), status: hidden == nil ? .missing : .unreadable,
                    size: lists[relative]?.size ?? catalogued[relative]?.size, records: records,
                    reason: hidden.map { "its folder \(shown($0.path).isEmpty ? path : shown($0.path)) cannot be read (\($0.reason))" }),
                forKey: relative)
        }
        // What the walk could not look into (a folder it cannot list, such as an `ascmhl/` whose
        // history could then not be read; a name that is not UTF-8) is unreadable: nothing under
        // it was verified. A hidden one no record names is left out with the hidden files.
        var notRead: [(String, FileVerification)] = []
        // Ignore patterns do not apply here: the `ascmhl` every history ignores may be a nested
        // history that could not be read.
        for (relative, reason) in tally.unreadable {
            guard relative != base else { throw LocalScanError.cannotOpen(path: path, reason: reason) }
            guard scan.includeHidden || !isHidden(relative) || onRecord.contains(where: { $0.text.hasPrefix(relative + "/") }) else { continue }
            notRead.append(
                (
                    relative,
                    FileVerification(
                        path: shown(relative), status: .unreadable, size: nil, records: [],
                        reason: "could not be read (\(reason)), so it and anything under it went unverified")
                ))
        }
        for (_, result) in (results.map { (ExactPath($0.key), $0.value) } + notRead.map { (ExactPath($0.0), $0.1) }).sorted(by: { $0.0 < $1.0 }) {
            try each(result)
        }
        let folders = entries.filter {
            $0.isFolder && (scan.includeHidden || !isHidden($0.relativePath)) && !ignored($0.relativePath, isFolder: true)
        }
        .map { ASCMHLWriter.Folder(path: shown($0.relativePath), modified: $0.modified.date) }
        return Outcome(unusableLists: problems, folders: folders, ignoredFiles: ignoredFiles)
    }
}

import CatalogCore

/// Reads and hashes many files at once, each on its own Dispatch thread (``BlockingIO``), a
/// bounded number at a time.
public enum ParallelHashing {
    /// Hashes `files` (an entry and its absolute path) in XXH64, MD5 when `md5` and the algorithms
    /// in `also`, `hashers` at a time, calling `each` (on
    /// the caller's task, one at a time) with every file's digests or why it could not be read,
    /// in the order they finish; `progress` counts the bytes of each chunk read.
    public static func hash(
        _ files: [(entry: LocalEntry, path: String)], md5: Bool, also: Set<HashAlgorithm> = [], hashers: Int, progress: HashProgress? = nil,
        each: (LocalEntry, Result<FileDigests, HashFailure>) async throws -> Void
    ) async throws {
        try await forEachConcurrently(files, limit: hashers) { file in
            await BlockingIO.run {
                Result { () throws(HashFailure) -> FileDigests in
                    try ContentHasher(fileSize: file.entry.size).digests(of: file.path, md5: md5, also: also) { progress?.read(Int64($0)) }
                }
            }
        } each: { file, result in
            try await each(file.entry, result)
        }
    }
}

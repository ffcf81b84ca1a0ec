import Foundation

/// What `catalog verify` found for one file: the file re-read and held against what its hash
/// lists and the catalog say.
public struct FileVerification: Sendable, Equatable {
    /// How the file stands.
    public enum Status: String, Sendable, CaseIterable {
        /// Every digest on record equals the file's.
        case verified
        /// A digest on record differs from the file's (`mismatches` says which).
        case mismatched
        /// On record (a hash list, the catalog) but not on the volume.
        case missing
        /// On the volume but on no record.
        case new
        /// On record, but could not be read (`reason`).
        case unreadable
    }

    /// A digest on record that the file no longer has.
    public struct Mismatch: Sendable, Equatable {
        /// Where it is recorded: `ascmhl`, `mhl` or `catalog`.
        public var record: String
        public var algorithm: String
        public var recorded: String
        public var actual: String

        public init(record: String, algorithm: String, recorded: String, actual: String) {
            self.record = record
            self.algorithm = algorithm
            self.recorded = recorded
            self.actual = actual
        }
    }

    /// The path under the folder verified.
    public var path: String
    public var status: Status
    public var size: Int64?
    public var xxh64: String?
    public var md5: String?
    /// The records the file was held against (`ascmhl`, `mhl`, `catalog`).
    public var records: [String]
    public var mismatches: [Mismatch]
    public var reason: String?
    /// The file's modification time, when it was read.
    public var modified: Date?
    /// Its digests in the other algorithms its records use (`sha1`, `xxh3`, `xxh128`, `c4`), by
    /// name, for a new ASC MHL generation to record them again.
    public var otherDigests: [String: String] = [:]

    public init(
        path: String, status: Status, size: Int64? = nil, xxh64: String? = nil, md5: String? = nil, records: [String] = [],
        mismatches: [Mismatch] = [], reason: String? = nil, modified: Date? = nil
    ) {
        self.modified = modified
        self.path = path
        self.status = status
        self.size = size
        self.xxh64 = xxh64
        self.md5 = md5
        self.records = records
        self.mismatches = mismatches
        self.reason = reason
    }
}

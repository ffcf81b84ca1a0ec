import Foundation

/// A file's facts, to look for its copies in the services' catalogues.
public struct ContentProbe: Sendable, Equatable {
    public var name: String
    public var size: Int64
    public var xxh64: String?
    public var md5: String?

    public init(name: String, size: Int64, xxh64: String?, md5: String?) {
        self.name = name
        self.size = size
        self.xxh64 = xxh64
        self.md5 = md5
    }
}

/// How sure a copy is.
public enum CopyMatch: String, Sendable, Comparable, CaseIterable {
    /// The same content digest: Frame.io v2's XXH64, Dash's MD5.
    case exact
    /// Frame.io V4 keeps no checksum: the same name and size.
    case probable
    /// A Frame.io v2 file of the same name and size whose checksum the service has not computed
    /// yet (its upload is being processed).
    case pending
    /// Not a copy that counts: the content is catalogued, but in an item that cannot stand for
    /// the file (a Dash asset in the bin or not yet live, an item of another size). Its
    /// ``CloudCopy/note`` says why; it counts as missing.
    case uncounted
    /// Not a copy: a Frame.io v2 file or Dash asset of the same name and size with another
    /// digest (the file was altered on one side after the upload). Named so a person sees why
    /// the file is missing; it counts as missing.
    case differs

    public static func < (a: CopyMatch, b: CopyMatch) -> Bool {
        allCases.firstIndex(of: a) ?? 0 < allCases.firstIndex(of: b) ?? 0
    }
}

/// A catalogued service item holding (or probably holding) a file's content.
public struct CloudCopy: Sendable {
    public var item: CatalogItem
    public var match: CopyMatch
    /// Why it does not count as a copy (`uncounted`), or why it is pending.
    public var note: String?

    public init(item: CatalogItem, match: CopyMatch, note: String? = nil) {
        self.item = item
        self.match = match
        self.note = note
    }
}

/// What `catalog where` found for one local file: its facts and its copies, best first.
public struct CopyCheck: Sendable {
    /// The file's path under the folder checked.
    public var path: String
    public var size: Int64
    public var xxh64: String?
    public var md5: String?
    /// Why the file could not be read, when it could not (it then has no digests).
    public var unreadable: String?
    public var copies: [CloudCopy]

    public init(path: String, size: Int64, xxh64: String?, md5: String?, unreadable: String? = nil, copies: [CloudCopy]) {
        self.path = path
        self.size = size
        self.xxh64 = xxh64
        self.md5 = md5
        self.unreadable = unreadable
        self.copies = copies
    }

    /// The best match (nil: the content is in no service's catalogue; `differs`: neither, but a
    /// file of its name and size with other content is).
    public var best: CopyMatch? { copies.map(\.match).min() }
}

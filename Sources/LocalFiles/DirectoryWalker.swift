import Foundation

/// A file or folder found on a volume.
public struct LocalEntry: Sendable, Equatable {
    /// Its path inside the volume (`A001/A001C003.mov`).
    public var relativePath: String
    /// A folder, else a regular file.
    public var isFolder: Bool
    /// Bytes (0 for a folder).
    public var size: Int64
    /// The last modification, to the nanosecond.
    public var modified: FileTime
    /// The inode number: with size and modification time, what tells an unchanged file.
    public var inode: UInt64
    /// For a symbolic link to a file, walked only when asked (``DirectoryWalker/followFileLinks``):
    /// the file it leads to (absolute, links resolved), whose size, time and inode the entry has.
    public var linkTarget: String?

    public init(relativePath: String, isFolder: Bool, size: Int64, modified: FileTime, inode: UInt64) {
        self.relativePath = relativePath
        self.isFolder = isFolder
        self.size = size
        self.modified = modified
        self.inode = inode
    }

    /// The last part of the path.
    public var name: String { relativePath.split(separator: "/").last.map(String.init) ?? relativePath }
}

/// A modification time as the filesystem keeps it (seconds and nanoseconds since 1970, UTC).
public struct FileTime: Sendable, Hashable, Comparable {
    public var seconds: Int64
    public var nanoseconds: Int64

    public init(seconds: Int64, nanoseconds: Int64) {
        self.seconds = seconds
        self.nanoseconds = nanoseconds
    }

    init(_ time: timespec) { self.init(seconds: Int64(time.tv_sec), nanoseconds: Int64(time.tv_nsec)) }

    public var date: Date { Date(timeIntervalSince1970: Double(seconds) + Double(nanoseconds) / 1e9) }

    public static func < (a: FileTime, b: FileTime) -> Bool { (a.seconds, a.nanoseconds) < (b.seconds, b.nanoseconds) }
}

/// What a walk passed over, and what it could not read.
public struct WalkTally: Sendable, Equatable {
    /// Hidden and system entries left out (`.DS_Store`, `.Trashes`, `System Volume Information`).
    public var hidden = 0
    /// Symbolic links, sockets, devices and FIFOs left out (links are not followed).
    public var special = 0
    /// Folders that are another filesystem's mount point (not entered).
    public var otherVolumes = 0
    /// Entries that could not be read (a folder that cannot be listed, a name that is not
    /// UTF-8), with why: never fatal.
    public var unreadable: [(path: String, reason: String)] = []

    public init() {}

    public static func == (a: WalkTally, b: WalkTally) -> Bool {
        a.hidden == b.hidden && a.special == b.special && a.otherVolumes == b.otherVolumes
            && a.unreadable.map(\.path) == b.unreadable.map(\.path) && a.unreadable.map(\.reason) == b.unreadable.map(\.reason)
    }
}

/// Walks a folder on a volume: every folder and regular file under it (each folder's entries in
/// name order, then its subfolders' in turn), without following symbolic links or entering
/// another filesystem.
public struct DirectoryWalker: Sendable {
    /// Include hidden and system entries (names starting with a dot, `System Volume Information`,
    /// `$RECYCLE.BIN`, `lost+found`).
    public var includeHidden: Bool
    /// Walk a symbolic link to a regular file as that file (``LocalEntry/linkTarget``), as
    /// ascmhl does; links to folders and broken links are still left out.
    public var followFileLinks: Bool
    /// Walk two names that are one text in different Unicode forms (NFC and NFD `Café`) as the
    /// two files they are; for a caller that keys them by their bytes (``ExactPath``,
    /// ``PathMap``). Otherwise the second is reported unreadable.
    public var keepsUnicodeForms: Bool

    public init(includeHidden: Bool = false, followFileLinks: Bool = false, keepsUnicodeForms: Bool = false) {
        self.includeHidden = includeHidden
        self.followFileLinks = followFileLinks
        self.keepsUnicodeForms = keepsUnicodeForms
    }

    /// Where a `dirent`'s name starts (19 on Linux: after `d_ino`, `d_off`, `d_reclen`, `d_type`).
    static let nameOffset = MemoryLayout<dirent>.offset(of: \dirent.d_name) ?? 19

    /// Names operating systems keep for themselves, hidden like dot names.
    static let systemNames: Set<String> = ["System Volume Information", "$RECYCLE.BIN", "lost+found"]

    /// Names that operating systems and tools leave on a volume, never media: what `catalog where`
    /// may leave out of its answer (and says it did).
    static let clutterNames: Set<String> = [
        ".DS_Store", ".Trashes", ".Spotlight-V100", ".fseventsd", ".TemporaryItems", ".DocumentRevisions-V100", ".apdisk",
        ".VolumeIcon.icns", ".com.apple.timemachine.donotpresent", "Thumbs.db", "desktop.ini", "System Volume Information",
        "$RECYCLE.BIN", "lost+found",
    ]

    /// Whether a path (relative to the folder checked) is such clutter: a clutter name, macOS's
    /// `._` AppleDouble companion of a file, or anything inside a clutter folder.
    public static func isSystemClutter(_ path: String) -> Bool {
        path.split(separator: "/").contains { part in clutterNames.contains(String(part)) || part.hasPrefix("._") }
    }

    /// Whether a name is left out unless hidden entries are asked for.
    public static func isHidden(_ name: String) -> Bool { name.hasPrefix(".") || systemNames.contains(name) }

    /// The regular file a symbolic link leads to (its resolved path and status), nil for a link
    /// to anything else or to nothing.
    static func linkedFile(_ path: String) -> (path: String, info: stat)? {
        var info = stat()
        guard stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG, let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return (String(cString: resolved), info)
    }

    /// Calls `visit` with each folder and file under `folder` (not `folder` itself), paths made
    /// relative to `volume`. Folders that cannot be read are tallied (their relative paths in
    /// ``WalkTally/unreadable``) and their contents left alone.
    public func walk(_ folder: String, in volume: Volume, visit: (LocalEntry) throws -> Void) rethrows -> WalkTally {
        var tally = WalkTally()
        var info = stat()
        guard lstat(folder, &info) == 0 else {
            tally.unreadable.append((volume.relativePath(of: folder), String(cString: strerror(errno))))
            return tally
        }
        let device = info.st_dev
        var pending = [folder]
        while let current = pending.popLast() {
            guard let directory = opendir(current) else {
                tally.unreadable.append((volume.relativePath(of: current), String(cString: strerror(errno))))
                continue
            }
            var names: [String] = []
            // readdir ends a listing with nil both at its end and on an error (a card failing
            // mid-read): errno tells them apart, and a listing cut short is reported.
            while true {
                errno = 0
                guard let entry = readdir(directory) else { break }
                // The name is read where it is: an entry is only as long as its name
                // (`d_reclen`), and copying the whole `dirent` (`entry.pointee`) read past the end
                // of the last one in glibc's buffer, which crashed on folders of many files.
                let name = String(validatingCString: (UnsafeRawPointer(entry) + Self.nameOffset).assumingMemoryBound(to: CChar.self))
                guard let name else {
                    tally.unreadable.append((volume.relativePath(of: current) + "/…", "a name that is not UTF-8 text"))
                    continue
                }
                if name == "." || name == ".." { continue }
                names.append(name)
            }
            let listingError = errno
            if listingError != 0 {
                tally.unreadable.append((volume.relativePath(of: current), "\(String(cString: strerror(listingError))) while listing it"))
            }
            closedir(directory)
            var subfolders: [String] = []
            // Swift compares text by its canonical form, so `Café` written precomposed (NFC) and
            // decomposed (NFD) are one key in every dictionary the catalog keeps: the second of two
            // such names would vanish. It is reported instead, and not read.
            var distinct = Set<String>()
            // Two forms of one text in a fixed order: by their bytes.
            for name in names.sorted(by: { $0 < $1 || ($0 == $1 && ExactPath($0) < ExactPath($1)) }) {
                guard distinct.insert(name).inserted || keepsUnicodeForms else {
                    let path = current == "/" ? "/" + name : current + "/" + name
                    tally.unreadable.append(
                        (
                            volume.relativePath(of: path),
                            "another name in its folder is the same text in another Unicode form (NFC or NFD); catalog cannot tell the two apart"
                        ))
                    continue
                }
                if !includeHidden, Self.isHidden(name) {
                    tally.hidden += 1
                    continue
                }
                let path = current == "/" ? "/" + name : current + "/" + name
                guard lstat(path, &info) == 0 else {
                    tally.unreadable.append((volume.relativePath(of: path), String(cString: strerror(errno))))
                    continue
                }
                let kind = info.st_mode & S_IFMT
                if kind == S_IFLNK, followFileLinks, let file = Self.linkedFile(path) {
                    var entry = LocalEntry(
                        relativePath: volume.relativePath(of: path), isFolder: false, size: Int64(file.info.st_size),
                        modified: FileTime(file.info.st_mtim), inode: UInt64(file.info.st_ino))
                    entry.linkTarget = file.path
                    try visit(entry)
                    continue
                }
                guard kind == S_IFDIR || kind == S_IFREG else {
                    tally.special += 1
                    continue
                }
                if kind == S_IFDIR, info.st_dev != device {
                    tally.otherVolumes += 1
                    continue
                }
                try visit(
                    LocalEntry(
                        relativePath: volume.relativePath(of: path), isFolder: kind == S_IFDIR, size: kind == S_IFDIR ? 0 : Int64(info.st_size),
                        modified: FileTime(info.st_mtim), inode: UInt64(info.st_ino)))
                if kind == S_IFDIR { subfolders.append(path) }
            }
            // Subfolders in name order: the last pushed is walked first.
            pending.append(contentsOf: subfolders.reversed())
        }
        return tally
    }
}

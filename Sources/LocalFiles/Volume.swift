import CatalogCore
import Foundation

/// A volume (a drive, a camera card, a partition) whose files the catalog holds: they are
/// catalogued relative to its root, under an id that stays the same wherever it is mounted.
public struct Volume: Sendable, Equatable {
    /// `uuid:<filesystem UUID>`, else `label:<filesystem label>`, else `path:<folder>` (a
    /// filesystem with neither, such as a container's overlay: the folder scanned first).
    public var id: String
    /// What people call it: the label, else the last part of its root, else its UUID.
    public var name: String
    /// Where its root is now (absolute, symbolic links resolved).
    public var root: String
    /// The filesystem UUID, when the system knows it (`/dev/disk/by-uuid`).
    public var uuid: String?
    /// The filesystem label, when it has one (`/dev/disk/by-label`).
    public var label: String?
    /// The filesystem type (`exfat`, `ext4`, …), when the mount table says.
    public var fileSystem: String?

    public init(id: String, name: String, root: String, uuid: String? = nil, label: String? = nil, fileSystem: String? = nil) {
        self.id = id
        self.name = name
        self.root = root
        self.uuid = uuid
        self.label = label
        self.fileSystem = fileSystem
    }

    /// Whether a file keeps its inode number across mounts. FAT and exFAT have no inodes: Linux
    /// makes numbers up at each mount (FUSE drivers and SMB shares may too), so there a file is
    /// known by its path, size and time alone, and a moved file is read again.
    public var hasStableInodes: Bool {
        guard let fileSystem else { return true }
        return !["vfat", "msdos", "exfat", "fuseblk", "cifs", "smb3"].contains(fileSystem) && !fileSystem.hasPrefix("fuse.")
    }

    /// Where the volume's `relativePath` is now (absolute).
    public func absolutePath(of relativePath: String) -> String {
        relativePath.isEmpty ? root : root == "/" ? "/" + relativePath : root + "/" + relativePath
    }

    /// The path of `absolute` inside the volume (`A001/clip.mov`; empty for the root itself).
    public func relativePath(of absolute: String) -> String {
        guard absolute != root else { return "" }
        let prefix = root == "/" ? "/" : root + "/"
        return absolute.hasPrefix(prefix) ? String(absolute.dropFirst(prefix.count)) : absolute
    }
}

/// Why a folder cannot be scanned.
public enum LocalScanError: CatalogFailure, Sendable, Equatable {
    /// The path does not exist or cannot be reached.
    case cannotOpen(path: String, reason: String)
    /// The path is a file or a device, not a folder.
    case notAFolder(path: String)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason):
            "cannot read '\(TerminalText.sanitize(path))': \(reason). Check the path (is the drive mounted?); nothing was changed."
        case .notAFolder(let path):
            "'\(TerminalText.sanitize(path))' is not a folder. Give a folder (a card's or drive's root, or a folder on it); nothing was changed."
        }
    }

    public var failureClass: FailureClass { .usage }
}

/// Finds the volume a folder is on: the mount holding it, and that filesystem's UUID or label.
public struct VolumeResolver: Sendable {
    /// The mounted filesystems.
    public var mounts: [Mount]
    /// The folder of udev's `by-uuid` and `by-label` links (`/dev/disk`).
    public var diskDirectory: String
    /// The device a path names (`st_rdev`, following links), nil when it names none.
    public var deviceAt: @Sendable (String) -> DeviceNumber?

    public init(
        mounts: [Mount] = MountTable.current(), diskDirectory: String = "/dev/disk",
        deviceAt: @escaping @Sendable (String) -> DeviceNumber? = VolumeResolver.device(at:)
    ) {
        self.mounts = mounts
        self.diskDirectory = diskDirectory
        self.deviceAt = deviceAt
    }

    /// The volume holding the folder at `path` and the folder's absolute path (links resolved).
    ///
    /// - Parameter pathVolumes: the roots of `path:` volumes already catalogued: a folder inside
    ///   one of them is on that volume, so a scan of a subfolder updates the same items.
    public func volume(containing path: String, pathVolumes: [String] = []) throws(LocalScanError) -> (volume: Volume, folder: String) {
        guard let resolved = realpath(path, nil) else { throw .cannotOpen(path: path, reason: String(cString: strerror(errno))) }
        let folder = String(cString: resolved)
        free(resolved)
        var info = stat()
        guard stat(folder, &info) == 0 else { throw .cannotOpen(path: path, reason: String(cString: strerror(errno))) }
        guard info.st_mode & S_IFMT == S_IFDIR else { throw .notAFolder(path: path) }
        let device = DeviceNumber(UInt64(info.st_dev))
        let mount = mounts.filter { $0.device == device && Self.contains($0.mountPoint, folder) }.max { $0.mountPoint.count < $1.mountPoint.count }
        let uuid = name(in: "by-uuid", for: device)
        let label = name(in: "by-label", for: device)
        if let mount, uuid != nil || label != nil {
            let last = URL(fileURLWithPath: mount.mountPoint).lastPathComponent
            let volume = Volume(
                id: uuid.map { "uuid:\($0)" } ?? "label:\(label ?? "")", name: label ?? (mount.mountPoint == "/" ? uuid ?? "/" : last),
                root: mount.mountPoint, uuid: uuid, label: label, fileSystem: mount.fileSystem)
            return (volume, folder)
        }
        // No identity the system can give: the folder is the volume (or lies in one scanned before).
        let root = pathVolumes.filter { Self.contains($0, folder) }.max { $0.count < $1.count } ?? folder
        let name = root == "/" ? "/" : URL(fileURLWithPath: root).lastPathComponent
        return (Volume(id: "path:\(root)", name: name, root: root, fileSystem: mount?.fileSystem), folder)
    }

    /// Whether `folder` is `root` or inside it (whole path components).
    public static func contains(_ root: String, _ folder: String) -> Bool {
        folder == root || root == "/" || folder.hasPrefix(root.hasSuffix("/") ? root : root + "/")
    }

    /// The name of the `/dev/disk/<kind>` link to `device` (udev writes unsafe bytes as `\xHH`).
    func name(in kind: String, for device: DeviceNumber) -> String? {
        let directory = diskDirectory + "/" + kind
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return nil }
        return names.sorted().first { deviceAt(directory + "/" + $0) == device }.map(Self.unescapeUdev)
    }

    /// `\x20` → a space, and so on.
    static func unescapeUdev(_ name: String) -> String {
        BackslashEscapes.decode(name) { escape in
            guard escape.first == UInt8(ascii: "x") else { return nil }
            return UInt8(String(decoding: escape.dropFirst(), as: UTF8.self), radix: 16)
        }
    }

    /// The block device a path names (following links), nil when it is not one.
    public static func device(at path: String) -> DeviceNumber? {
        var info = stat()
        guard stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFBLK else { return nil }
        return DeviceNumber(UInt64(info.st_rdev))
    }
}

import CatalogCore
import Foundation

/// What the catalog keeps of a local file beyond its item's columns, in its record: what tells
/// an unchanged file (size, modification time to the nanosecond, inode) and its digests.
public struct LocalFileRecord: Sendable, Equatable {
    public var size: Int64
    public var modified: FileTime
    public var inode: UInt64
    public var xxh64: String?
    public var md5: String?

    public init(size: Int64, modified: FileTime, inode: UInt64, xxh64: String?, md5: String?) {
        self.size = size
        self.modified = modified
        self.inode = inode
        self.xxh64 = xxh64
        self.md5 = md5
    }

    /// The record of a catalogued local file, nil when the item is not one (or its record was
    /// written by something else).
    public init?(item: CatalogItem) {
        guard item.source == .local, item.kind == .file, let record = try? JSONParser.parse(item.record),
            let size = record["size"]?.int64Value, let seconds = record["mtime_s"]?.int64Value,
            let nanoseconds = record["mtime_ns"]?.int64Value, let inode = record["inode"]?.stringValue.flatMap({ UInt64($0) })
        else { return nil }
        self.init(
            size: size, modified: FileTime(seconds: seconds, nanoseconds: nanoseconds), inode: inode, xxh64: record["xxh64"]?.stringValue,
            md5: record["md5"]?.stringValue)
    }

    /// Whether `entry` is this file unchanged (same size, modification time and, on a volume
    /// whose inode numbers last, inode): its digests can be kept without reading it.
    public func matches(_ entry: LocalEntry, on volume: Volume) -> Bool {
        !entry.isFolder && entry.size == size && entry.modified == modified && (entry.inode == inode || !volume.hasStableInodes)
    }
}

/// Turns a volume's entries into catalog items (source `local`).
///
/// Ids are the volume's id and the path inside it (`uuid:6A1F-22C0/A001/A001C003.mov`; the
/// volume itself is its id), so a drive mounted elsewhere keeps its items. Paths start with the
/// volume's name. Every item's project is its volume.
public enum LocalItemMapper {
    /// The volume's own item (kind `volume`): the root of its folders and files; its record
    /// says where it was mounted, and its `updated_at` when it was last scanned (set after each
    /// scan, outside the record, so a scan that finds nothing new changes nothing).
    public static func item(for volume: Volume, scannedAt: Date? = nil) -> CatalogItem {
        var record: [(key: String, value: JSONValue)] = [("type", .string("volume")), ("volume", .string(volume.id))]
        if let uuid = volume.uuid { record.append(("uuid", .string(uuid))) }
        if let label = volume.label { record.append(("label", .string(label))) }
        if let fileSystem = volume.fileSystem { record.append(("file_system", .string(fileSystem))) }
        record.append(("mounted_at", .string(volume.root)))
        return CatalogItem(
            source: .local, id: volume.id, kind: .volume, name: volume.name, parentID: nil, projectID: volume.id, path: volume.name,
            updatedAt: scannedAt,
            text: [volume.uuid, volume.label, volume.root].compactMap { $0 }.joined(separator: "\n"),
            record: JSONWriter.string(.object(record)))
    }

    /// The item for a folder or file of `volume`, with the file's digests when known.
    public static func item(for entry: LocalEntry, in volume: Volume, digests: (xxh64: String?, md5: String?) = (nil, nil)) -> CatalogItem {
        var record: [(key: String, value: JSONValue)] = [
            ("type", .string(entry.isFolder ? "folder" : "file")), ("volume", .string(volume.id)), ("path", .string(entry.relativePath)),
            ("mtime_s", .number("\(entry.modified.seconds)")), ("mtime_ns", .number("\(entry.modified.nanoseconds)")),
        ]
        if !entry.isFolder {
            // The inode as text: JSON numbers past 2^53 lose digits in many readers.
            record += [("size", .number("\(entry.size)")), ("inode", .string("\(entry.inode)"))]
            if let xxh64 = digests.xxh64 { record.append(("xxh64", .string(xxh64))) }
            if let md5 = digests.md5 { record.append(("md5", .string(md5))) }
        }
        return CatalogItem(
            source: .local, id: id(of: entry.relativePath, in: volume), kind: entry.isFolder ? .folder : .file, name: entry.name,
            parentID: parentID(of: entry.relativePath, in: volume), projectID: volume.id, path: volume.name + "/" + entry.relativePath,
            size: entry.isFolder ? nil : entry.size, updatedAt: entry.modified.date, xxh64: digests.xxh64, md5: digests.md5,
            record: JSONWriter.string(.object(record)))
    }

    /// The id of the entry at `relativePath` (the volume's id for its root).
    public static func id(of relativePath: String, in volume: Volume) -> String {
        relativePath.isEmpty ? volume.id : volume.id + "/" + relativePath
    }

    /// The id of the folder holding `relativePath` (the volume, at its root).
    static func parentID(of relativePath: String, in volume: Volume) -> String {
        guard let slash = relativePath.lastIndex(of: "/") else { return volume.id }
        return id(of: String(relativePath[..<slash]), in: volume)
    }
}

/// A catalogued volume as `catalog status` shows it.
public struct VolumeStatus: Sendable, Equatable {
    /// Where it was mounted at its last scan, and when that scan was.
    public var mountedAt: String?
    public var scannedAt: Date?
    /// Whether it is there now: the folder exists and is the same volume.
    public var online: Bool

    /// The status of the volume `item` (kind `volume`), looked for where it was last mounted.
    public init(item: CatalogItem, resolver: VolumeResolver = VolumeResolver()) {
        let record = try? JSONParser.parse(item.record)
        mountedAt = record?["mounted_at"]?.stringValue
        scannedAt = item.updatedAt
        let pathVolumes = item.id.hasPrefix("path:") ? [String(item.id.dropFirst(5))] : []
        online = mountedAt.flatMap { try? resolver.volume(containing: $0, pathVolumes: pathVolumes) }?.volume.id == item.id
    }
}

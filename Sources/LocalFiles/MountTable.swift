import Foundation

/// A device number as Linux gives it (`st_dev`, `st_rdev`, `MAJ:MIN` in `/proc/self/mountinfo`).
public struct DeviceNumber: Sendable, Hashable, CustomStringConvertible {
    public var major: UInt32
    public var minor: UInt32

    public init(major: UInt32, minor: UInt32) {
        self.major = major
        self.minor = minor
    }

    /// Splits a `dev_t` (glibc's encoding: the major in bits 8–19 and 32–43, the minor in bits
    /// 0–7 and 20–31).
    public init(_ device: UInt64) {
        major = UInt32(truncatingIfNeeded: ((device >> 8) & 0xFFF) | ((device >> 32) & ~UInt64(0xFFF)))
        minor = UInt32(truncatingIfNeeded: (device & 0xFF) | ((device >> 12) & ~UInt64(0xFF)))
    }

    /// `MAJ:MIN`, as mountinfo writes it; nil when the text is not that.
    public init?(text: Substring) {
        let parts = text.split(separator: ":")
        guard parts.count == 2, let major = UInt32(parts[0]), let minor = UInt32(parts[1]) else { return nil }
        self.init(major: major, minor: minor)
    }

    public var description: String { "\(major):\(minor)" }
}

/// One mounted filesystem: a line of `/proc/self/mountinfo`.
public struct Mount: Sendable, Equatable {
    /// The filesystem's device number (its files' `st_dev`).
    public var device: DeviceNumber
    /// Where it is mounted (absolute).
    public var mountPoint: String
    /// `ext4`, `exfat`, `vfat`, `tmpfs`, `overlay`, …
    public var fileSystem: String
    /// What was mounted: `/dev/sdb1`, or a name such as `tmpfs`.
    public var mountSource: String

    public init(device: DeviceNumber, mountPoint: String, fileSystem: String, mountSource: String) {
        self.device = device
        self.mountPoint = mountPoint
        self.fileSystem = fileSystem
        self.mountSource = mountSource
    }
}

/// The mount table (`/proc/self/mountinfo`, proc(5)).
public enum MountTable {
    /// The mounts in `text`; a line that is not a mountinfo line is left out.
    ///
    /// A line is `ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL…] - FSTYPE SOURCE SUPEROPTIONS`;
    /// spaces, tabs, newlines and backslashes in paths are written as octal escapes (`\040`).
    public static func parse(_ text: String) -> [Mount] {
        text.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ", omittingEmptySubsequences: false)
            guard fields.count >= 10, let device = DeviceNumber(text: fields[2]),
                let dash = fields[6...].firstIndex(of: "-"), dash + 2 < fields.count
            else { return nil }
            return Mount(
                device: device, mountPoint: unescape(fields[4]), fileSystem: unescape(fields[dash + 1]),
                mountSource: unescape(fields[dash + 2]))
        }
    }

    /// The system's mounts, or none when `/proc` cannot be read.
    public static func current() -> [Mount] {
        (try? String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8)).map(parse) ?? []
    }

    /// `\NNN` (three octal digits) decoded; everything else as written.
    static func unescape(_ text: Substring) -> String {
        BackslashEscapes.decode(String(text), octal)
    }

    /// Three octal digits as a byte, or nil.
    static func octal(_ digits: ArraySlice<UInt8>) -> UInt8? {
        guard digits.count == 3 else { return nil }
        var value = 0
        for digit in digits {
            guard (UInt8(ascii: "0")...UInt8(ascii: "7")).contains(digit) else { return nil }
            value = value * 8 + Int(digit - UInt8(ascii: "0"))
        }
        return value <= 255 ? UInt8(value) : nil
    }
}

/// Names written with four-byte backslash escapes: the kernel's `\NNN` (mountinfo), udev's
/// `\xHH` (`/dev/disk/by-label`).
enum BackslashEscapes {
    /// `text` with each backslash and the three bytes after it that `value` reads as a byte
    /// replaced by that byte; everything else as written.
    static func decode(_ text: String, _ value: (ArraySlice<UInt8>) -> UInt8?) -> String {
        guard text.contains("\\") else { return text }
        var bytes: [UInt8] = []
        let utf8 = Array(text.utf8)
        var i = 0
        while i < utf8.count {
            if utf8[i] == UInt8(ascii: "\\"), i + 3 < utf8.count, let byte = value(utf8[(i + 1)...(i + 3)]) {
                bytes.append(byte)
                i += 4
            } else {
                bytes.append(utf8[i])
                i += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

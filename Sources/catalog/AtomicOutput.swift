import CatalogCore
import CatalogStore
import Foundation

/// Writes a report where ``OutputTarget`` says, never turning a pipe, a device or a symbolic link
/// into a regular file behind the user's back:
/// - stdout for no path or `-`;
/// - a new path or a regular file: written to a temporary file in the same directory, then renamed
///   over it, so a reader never sees half a report;
/// - a FIFO or a character device (`/dev/stdout`, `/dev/null`, a named pipe): written through;
/// - a symbolic link: refused unless `--replace-link` (give the target's path to replace the target);
/// - a directory, socket or block device: refused.
enum AtomicOutput {
    static func write(to target: OutputTarget, _ body: (@escaping (borrowing [UInt8]) throws -> Void) throws -> Void) throws {
        guard let path = target.path, path != "-" else {
            try body { bytes in Terminal.writeOutput(bytes) }
            return
        }
        var info = stat()
        if lstat(path, &info) == 0 {
            switch info.st_mode & S_IFMT {
            case S_IFREG: break
            case S_IFLNK:
                // A link to a pipe or device (/dev/stdout is one on Linux) is written through.
                var resolved = stat()
                if stat(path, &resolved) == 0, [S_IFIFO, S_IFCHR].contains(resolved.st_mode & S_IFMT) {
                    try writeThrough(path, body)
                    return
                }
                guard target.replacingLink else {
                    let destination = (try? FileManager.default.destinationOfSymbolicLink(atPath: path)).map { " (to \($0))" } ?? ""
                    throw ConfigurationError(
                        description:
                            """
                            \(path) is a symbolic link\(destination): give the path of the file it points to, or add --replace-link to replace \
                            the link itself with the report
                            """
                    )
                }
            case S_IFIFO, S_IFCHR:
                try writeThrough(path, body)
                return
            default:
                throw ConfigurationError(
                    description: "\(path) is \(CatalogDatabase.nonRegularKind(info.st_mode) ?? "not a regular file"): choose a file path for --output"
                )
            }
        }
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp")
        Interrupts.removeOnInterrupt(temporary.path)
        defer { Interrupts.written(temporary.path) }
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil, attributes: [.posixPermissions: 0o600]),
            let handle = try? FileHandle(forWritingTo: temporary)
        else {
            throw ConfigurationError(description: "cannot write \(path): check that its directory exists and is writable")
        }
        do {
            try body { bytes in try bytes.withUnsafeBytes { try handle.write(contentsOf: Data($0)) } }
            try handle.synchronize()
            // A report is an ordinary file: the replaced file's permissions, or a new file's
            // under the umask (0644 usually); only while it is written is it private.
            var existing = stat()
            let mode: mode_t
            // A link replaced (--replace-link) has no permissions of its own (they read 0777).
            if lstat(path, &existing) == 0, existing.st_mode & S_IFMT == S_IFREG {
                mode = existing.st_mode & 0o777
            } else {
                let mask = umask(0)
                umask(mask)
                mode = 0o666 & ~mask
            }
            fchmod(handle.fileDescriptor, mode)
            try handle.close()
            if rename(temporary.path, url.path) != 0 {
                throw ConfigurationError(description: "cannot rename the export into \(path): \(String(cString: strerror(errno)))")
            }
        } catch {
            try? handle.close()
            unlink(temporary.path)
            throw error
        }
    }

    /// Writes straight into a pipe or device, which is neither truncated nor replaced.
    private static func writeThrough(_ path: String, _ body: (@escaping (borrowing [UInt8]) throws -> Void) throws -> Void) throws {
        guard let handle = FileHandle(forWritingAtPath: path) else {
            throw ConfigurationError(description: "cannot write to \(path): \(String(cString: strerror(errno)))")
        }
        defer { try? handle.close() }
        // A terminal (`-o /dev/tty`) gets what stdout on a terminal gets: sanitized text.
        let isTerminal = isatty(handle.fileDescriptor) == 1
        try body { bytes in
            if isTerminal {
                let text = bytes.withUnsafeBufferPointer { String(decoding: $0, as: UTF8.self) }
                try handle.write(contentsOf: Data(TerminalText.sanitize(text, keepingLines: true).utf8))
            } else {
                try bytes.withUnsafeBytes { try handle.write(contentsOf: Data($0)) }
            }
        }
    }
}

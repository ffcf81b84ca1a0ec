import Foundation
import Logging

/// Writes log lines to stderr through ``Terminal/error(_:)``, so every message and metadata value
/// (ids, names and type names a server sent) is shown sanitized, like every other line `catalog`
/// prints. The line reads as swift-log's `StreamLogHandler` writes it: time, level, label,
/// metadata, message.
struct TerminalLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level = .warning
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
        let shown = merged.isEmpty ? "" : " " + merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        Terminal.error("\(Self.timestamp()) \(event.level) \(label):\(shown) \(event.message)")
    }

    /// The local time, `2026-11-30T05:06:35+0000`.
    static func timestamp() -> String {
        var now = time(nil)
        var local = tm()
        guard localtime_r(&now, &local) != nil else { return "-" }
        var buffer = [Int8](repeating: 0, count: 32)
        let count = strftime(&buffer, buffer.count, "%Y-%m-%dT%H:%M:%S%z", &local)
        return String(decoding: buffer.prefix(count).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

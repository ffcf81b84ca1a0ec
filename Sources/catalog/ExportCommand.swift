import ArgumentParser
import CatalogReports
import CatalogStore
import Foundation

/// `catalog export`: every item, streamed.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write every item of the catalog (the inventory) as NDJSON, JSON or CSV.",
        discussion: "Streams in constant memory. With --output the file is written to a temporary name and renamed when complete.")

    @OptionGroup var global: GlobalOptions

    @Option(help: "ndjson (default), json or csv.")
    var format: OutputFormat = .ndjson

    @Option(name: .shortAndLong, help: ArgumentHelp("Write to this file instead of stdout.", valueName: "file"))
    var output: String?

    func validate() throws {
        if format == .table { throw ValidationError("--format table is for search; export writes ndjson, json or csv") }
    }

    func run() async throws {
        Catalog.bootstrapLogging(verbose: global.verbose)
        do {
            let database = try global.openDatabase()
            try AtomicOutput.write(to: output) { sink in
                var writer = ItemWriter(format: format, report: "inventory", sink: sink)
                try writer.begin()
                try database.forEachItem { try writer.write($0) }
                try writer.end()
            }
        } catch {
            throw Failure.exit(error)
        }
    }
}

/// Writes to stdout, or to a file atomically (temporary file in the same directory, then rename).
enum AtomicOutput {
    static func write(to path: String?, _ body: (@escaping (borrowing [UInt8]) throws -> Void) throws -> Void) throws {
        guard let path else {
            try body { bytes in bytes.withUnsafeBytes { FileHandle.standardOutput.write(Data($0)) } }
            return
        }
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp")
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil, attributes: [.posixPermissions: 0o600]),
            let handle = try? FileHandle(forWritingTo: temporary)
        else {
            throw ConfigurationError(description: "cannot write \(path): check that its directory exists and is writable")
        }
        do {
            try body { bytes in try bytes.withUnsafeBytes { try handle.write(contentsOf: Data($0)) } }
            try handle.synchronize()
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
}

import ArgumentParser
import CatalogCore
import CatalogStore
import Foundation

/// `catalog-bench ingest`: the store's ingest of N decoded items (staging in crawl-sized
/// batches, then the merge with its index build), timed apart from any HTTP or decoding.
struct IngestBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest", abstract: "Measure the store's ingest of N items (staging + merge, FTS5 included).")

    @Option(help: "Items to ingest.")
    var items = 100_000

    @Option(help: "The catalog file to create (must not exist).")
    var db: String

    @Option(help: "Write the result as Markdown table rows to this file (appended).")
    var markdown: String?

    @Option(help: "Also write the same rows as CSV (the item columns, with a header), for the sqlite3 CLI to load.")
    var csv: String?

    func run() async throws {
        guard !FileManager.default.fileExists(atPath: db) else {
            throw ValidationError("\(db) exists; give a path for a new catalog")
        }
        let database = try CatalogDatabase(path: db)
        let generated = Self.generate(items)
        if let csv { try Self.writeCSV(generated, to: csv) }
        let session = try database.beginCrawl(source: .frameio)
        let start = ContinuousClock.now
        var batch: [CatalogItem] = []
        batch.reserveCapacity(2_000)
        for item in generated {
            batch.append(item)
            if batch.count == 2_000 {
                try await database.stage(batch, in: session)
                batch.removeAll(keepingCapacity: true)
            }
        }
        try await database.stage(batch, in: session)
        let staged = ContinuousClock.now
        let merge = try await database.complete(session, stats: CrawlStats())
        let end = ContinuousClock.now
        let stageSeconds = SearchBench.milliseconds(staged - start) / 1000
        let mergeSeconds = SearchBench.milliseconds(end - staged) / 1000
        let total = stageSeconds + mergeSeconds
        print(
            String(
                format: "ingest %d items: staging %.2f s, merge + index %.2f s, total %.2f s = %.0f rows/s (%d added)",
                items, stageSeconds, mergeSeconds, total, Double(items) / total, merge.added))
        if let markdown {
            try Bench.append(
                [
                    String(
                        format: "| store ingest of %d items (staging %.1f s + merge/index %.1f s) | %.1f s | %.0f rows/s |",
                        items, stageSeconds, mergeSeconds, total, Double(items) / total)
                ], to: markdown)
        }
    }

    /// The rows as CSV in the store's column order (RFC 4180 quoting), for the CLI comparison.
    static func writeCSV(_ items: [CatalogItem], to path: String) throws {
        FileManager.default.createFile(atPath: path, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        func cell(_ value: String?) -> String {
            guard let value else { return "" }
            return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        var text = "source,id,kind,name,parent_id,project_id,path,size,mime,ext,created_at,updated_at,label,xxh64,text,digest,record\n"
        for item in items {
            let cells: [String?] = [
                item.source.rawValue, item.id, item.kind.rawValue, item.name, item.parentID, item.projectID, item.path,
                item.size.map(String.init), item.mime, item.fileExtension, item.createdAt.map(Timestamp.format),
                item.updatedAt.map(Timestamp.format), item.label, item.xxh64, item.text, item.digest, item.record,
            ]
            text += cells.map(cell).joined(separator: ",") + "\n"
            if text.utf8.count > 1 << 20 {
                try handle.write(contentsOf: Data(text.utf8))
                text = ""
            }
        }
        try handle.write(contentsOf: Data(text.utf8))
    }

    /// Items shaped like a crawl's: nested paths, file names, digests, a ~1 KB record.
    static func generate(_ count: Int) -> [CatalogItem] {
        let words = ["interview", "broll", "drone_shot", "scene", "take", "master", "mix", "teaser", "still", "timelapse"]
        let exts = ["mov", "mp4", "wav", "jpg", "png", "pdf", "mxf"]
        var rng = SystemRandomNumberGenerator()
        var result: [CatalogItem] = []
        result.reserveCapacity(count)
        let padding = String(repeating: "x", count: 800)
        for i in 0..<count {
            let name = "\(words[i % words.count])_\(i).\(exts[i % exts.count])"
            let folder = "Folder \(i / 50 % 400)/Sub \(i / 7 % 13)"
            let project = "p\(i % 20)"
            let xxh = String(format: "%016llx", rng.next() as UInt64)
            let record = #"{"id":"a\#(i)","name":"\#(name)","filesize":\#(i * 1000),"checksums":{"xx_hash":"\#(xxh)"},"notes":"\#(padding)"}"#
            result.append(
                CatalogItem(
                    source: .frameio, id: "a\(i)", kind: .file, name: name, parentID: "f\(i / 50)", projectID: project,
                    path: "Account/Team/Project \(project)/\(folder)/\(name)", size: Int64(i) * 1000, mime: "video/quicktime",
                    createdAt: Date(timeIntervalSince1970: 1_700_000_000 + Double(i)),
                    updatedAt: Date(timeIntervalSince1970: 1_700_000_000 + Double(i)), label: i % 3 == 0 ? "approved" : nil,
                    xxh64: xxh, record: record))
        }
        return result
    }
}

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

    func run() async throws {
        guard !FileManager.default.fileExists(atPath: db) else {
            throw ValidationError("\(db) exists; give a path for a new catalog")
        }
        let database = try CatalogDatabase(path: db)
        let generated = Self.generate(items)
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

import ArgumentParser
import CatalogCore
import Foundation

/// `catalog-bench hash FILE`: XXH64 of a file through the project's hashing module.
struct HashBench: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "hash", abstract: "XXH64 of a file, with throughput.")

    @Argument(help: "The file to hash.")
    var file: String

    func run() throws {
        let size = (try FileManager.default.attributesOfItem(atPath: file)[.size] as? Int64) ?? 0
        let start = ContinuousClock.now
        let digest = try XXH64Hasher.hashFile(atPath: file)
        let seconds = SearchBench.milliseconds(ContinuousClock.now - start) / 1000
        print(String(format: "%@  %.3f s  %.0f MB/s", digest.hex, seconds, Double(size) / 1e6 / seconds))
    }
}

import CatalogCore
import Foundation
import TestSupport
import Testing

@Suite struct DigestTests {
    @Test func xxh64MatchesPublishedVectors() {
        // Reference values from the xxHash project (XXH64, seed 0), as `xxhsum -H1` prints them.
        #expect(Digest.xxh64("").hex == "ef46db3751d8e999")
        #expect(Digest.xxh64("a").hex == "d24ec4f1a98c6e5b")
        #expect(Digest.xxh64("abc").hex == "44bc2cf5ad770999")
    }

    @Test func streamingFileHashEqualsOneShot() throws {
        var rng = SystemRandomNumberGenerator()
        let bytes = (0..<(3 << 20) + 17).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let path = scratchURL.appendingPathComponent("xxh-\(UUID().uuidString)").path
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
        defer { unlink(path) }
        let streamed = try XXH64Hasher.hashFile(atPath: path, chunkSize: 65_536)
        #expect(streamed == Digest.xxh64(bytes))
    }

    @Test func missingFileIsAClearError() {
        #expect(throws: CatalogError.self) { try XXH64Hasher.hashFile(atPath: "/nonexistent/file.mov") }
    }

    /// XXH3-128 is every item's change digest and ascmhl's `xxh128`: checked against the
    /// reference implementation's answers (Python `xxhash` 3, `xxh3_128_hexdigest`, canonical
    /// big-endian hex), short input and long (past 240 bytes, another code path).
    @Test func xxh3_128MatchesTheReference() {
        #expect(Digest.xxh3_128("").hex == "99aa06d3014798d86001c324468d497f")
        #expect(Digest.xxh3_128("abc").hex == "06b05ab6733a618578af5f94892f3950")
        let long = (0..<1_000).map { UInt8($0 % 251) }
        #expect(Digest.xxh3_128(long).hex == "18bf41bc8229e27733ef703fb2b20ed1")
    }

    @Test func xxh3DigestIs128BitHex() {
        let digest = Digest.xxh3_128("hello")
        #expect(digest.hex.count == 32)
        #expect(digest != Digest.xxh3_128("hello!"))
        #expect(digest == Digest.xxh3_128("hello"))
    }
}

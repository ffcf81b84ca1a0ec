import CatalogCore
import Testing

/// Sizes as the search language, `--min-size`, `--thumbnail-cache-size` and `/api/dupes` read them.
@Suite struct ByteSizeTests {
    @Test(
        arguments: [
            ("1234", 1_234), ("500MB", 500_000_000), ("500 mb", 500_000_000), ("1.5GB", 1_500_000_000), ("2GiB", 2_147_483_648),
            ("1k", 1_000), ("1KiB", 1_024), ("7b", 7), ("1TB", 1_000_000_000_000),
        ] as [(String, Int64)])
    func sizesReadAsWritten(_ text: String, _ bytes: Int64) {
        #expect(ByteSize(text)?.bytes == bytes)
    }

    @Test(arguments: ["", "MB", "-5MB", ">1GB", "5 parsecs", "1e3", "9999999TB", "1.2.3GB"])
    func whatIsNoSizeIsRefused(_ text: String) {
        #expect(ByteSize(text) == nil)
    }
}

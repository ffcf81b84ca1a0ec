import CatalogCore
import LocalFiles
import Testing

/// The one decision of `crawl local` and `where`: which files need not be read.
@Suite struct KnownDigestsTests {
    let entry = LocalEntry(
        relativePath: "A001/A001C003.mov", isFolder: false, size: 4096, modified: FileTime(seconds: 1_700_000_000, nanoseconds: 5), inode: 77)
    let record = LocalFileRecord(
        size: 4096, modified: FileTime(seconds: 1_700_000_000, nanoseconds: 5), inode: 77, xxh64: "0123456789abcdef", md5: nil)

    func known(_ volume: Volume, _ catalogued: [String: LocalFileRecord], md5: Bool = false, rehash: Bool = false) -> KnownDigests {
        KnownDigests(catalogued: catalogued, lists: nil, volume: volume, md5: md5, rehash: rehash)
    }

    @Test func anUnchangedFileKeepsTheCatalogsDigests() {
        let volume = Volume(id: "uuid:1", name: "Card", root: "/media/card", fileSystem: "ext4")
        let found = known(volume, [LocalItemMapper.id(of: entry.relativePath, in: volume): record]).digests(for: entry)
        #expect(found?.xxh64 == "0123456789abcdef")
        #expect(found?.origin == .catalog)
    }

    @Test func aChangedFileIsRead() {
        let volume = Volume(id: "uuid:1", name: "Card", root: "/media/card", fileSystem: "ext4")
        var touched = entry
        touched.modified = FileTime(seconds: 1_700_000_000, nanoseconds: 6)
        #expect(known(volume, [LocalItemMapper.id(of: entry.relativePath, in: volume): record]).digests(for: touched) == nil)
        var grown = entry
        grown.size += 1
        #expect(known(volume, [LocalItemMapper.id(of: entry.relativePath, in: volume): record]).digests(for: grown) == nil)
    }

    @Test func aRenamedFileIsFoundByItsInodeOnlyWhereInodesLast() {
        var renamed = entry
        renamed.relativePath = "A001/renamed.mov"
        let ext4 = Volume(id: "uuid:1", name: "Drive", root: "/media/drive", fileSystem: "ext4")
        #expect(known(ext4, [LocalItemMapper.id(of: entry.relativePath, in: ext4): record]).digests(for: renamed)?.origin == .catalog)
        // exFAT makes inode numbers up per mount: the same number may be another file.
        // Two records of one inode (a number reused after a deletion): the one that matches.
        var reused = record
        reused.size = 1
        let both = [LocalItemMapper.id(of: "A001/old.mov", in: ext4): reused, LocalItemMapper.id(of: entry.relativePath, in: ext4): record]
        #expect(known(ext4, both).digests(for: renamed)?.xxh64 == "0123456789abcdef")
        let exfat = Volume(id: "uuid:2", name: "Card", root: "/media/card", fileSystem: "exfat")
        #expect(known(exfat, [LocalItemMapper.id(of: entry.relativePath, in: exfat): record]).digests(for: renamed) == nil)
    }

    @Test func digestsWithoutAWantedMD5AreNotEnoughAndRehashReadsEverything() {
        let volume = Volume(id: "uuid:1", name: "Card", root: "/media/card", fileSystem: "ext4")
        let catalogued = [LocalItemMapper.id(of: entry.relativePath, in: volume): record]
        #expect(known(volume, catalogued, md5: true).digests(for: entry) == nil)
        #expect(known(volume, catalogued, rehash: true).digests(for: entry) == nil)
    }
}

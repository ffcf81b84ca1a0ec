import CatalogCore
import Crypto
import Foundation
import LocalFiles
import TestSupport
import Testing

/// A new empty folder under the temporary directory.
func scratchFolder() throws -> String {
    let path = scratchURL.appendingPathComponent("catalog-local-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

@Suite struct MountTableTests {
    @Test func mountinfoLinesAreReadWithTheirEscapes() {
        let text = """
            36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue
            97 29 8:17 / /media/dit/A001\\040CARD rw,nosuid,nodev shared:50 - exfat /dev/sdb1 rw,fmask=0022
            98 29 0:60 / /run/user/1000 rw - tmpfs tmpfs rw
            not a mount line
            """
        let mounts = MountTable.parse(text)
        #expect(mounts.count == 3)
        #expect(
            mounts[1]
                == Mount(device: DeviceNumber(major: 8, minor: 17), mountPoint: "/media/dit/A001 CARD", fileSystem: "exfat", mountSource: "/dev/sdb1")
        )
        #expect(mounts[0].device == DeviceNumber(major: 98, minor: 0) && mounts[0].mountPoint == "/mnt2")
    }

    @Test func deviceNumbersSplitAsGlibcEncodesThem() {
        // makedev(8, 17) and makedev(259, 1048577) as glibc builds them.
        #expect(DeviceNumber(0x811) == DeviceNumber(major: 8, minor: 17))
        let big: UInt64 = (UInt64(259 & 0xFFF) << 8) | (UInt64(1_048_577 & 0xFF)) | (UInt64(1_048_577 & ~0xFF) << 12)
        #expect(DeviceNumber(big) == DeviceNumber(major: 259, minor: 1_048_577))
    }
}

@Suite struct VolumeTests {
    /// A volume with a UUID and a label keeps its id wherever it is mounted.
    @Test func aVolumeIsKnownByItsUUIDWhereverItIsMounted() throws {
        let folder = try scratchFolder()
        let disk = try scratchFolder()
        for kind in ["by-uuid", "by-label"] { try FileManager.default.createDirectory(atPath: disk + "/" + kind, withIntermediateDirectories: true) }
        FileManager.default.createFile(atPath: disk + "/by-uuid/6A1F-22C0", contents: Data())
        FileManager.default.createFile(atPath: disk + "/by-uuid/0000-1111", contents: Data())
        FileManager.default.createFile(atPath: disk + "/by-label/A001\\x20CARD", contents: Data())
        var info = stat()
        #expect(stat(folder, &info) == 0)
        let device = DeviceNumber(UInt64(info.st_dev))
        let other = DeviceNumber(major: 1, minor: 99)
        let resolver = VolumeResolver(
            mounts: [
                Mount(device: other, mountPoint: "/", fileSystem: "ext4", mountSource: "/dev/vda"),
                Mount(device: device, mountPoint: folder, fileSystem: "exfat", mountSource: "/dev/sdb1"),
            ], diskDirectory: disk,
            deviceAt: { path in path.hasSuffix("6A1F-22C0") || path.hasSuffix("A001\\x20CARD") ? device : other })
        try FileManager.default.createDirectory(atPath: folder + "/DCIM/100", withIntermediateDirectories: true)
        let (volume, resolved) = try resolver.volume(containing: folder + "/DCIM/100/")
        #expect(volume.id == "uuid:6A1F-22C0")
        #expect(volume.label == "A001 CARD" && volume.name == "A001 CARD")
        #expect(volume.root == folder && volume.fileSystem == "exfat")
        #expect(volume.relativePath(of: resolved) == "DCIM/100")
    }

    /// With no UUID or label (a container's overlay, tmpfs), the folder is the volume, and a
    /// folder inside one scanned before belongs to it.
    @Test func withoutAnIdentityTheFolderIsTheVolume() throws {
        let folder = try scratchFolder()
        try FileManager.default.createDirectory(atPath: folder + "/Card/A001", withIntermediateDirectories: true)
        let resolver = VolumeResolver(mounts: [], diskDirectory: folder + "/no-such-dir", deviceAt: { _ in nil })
        let (first, _) = try resolver.volume(containing: folder + "/Card")
        #expect(first.id == "path:\(folder)/Card" && first.name == "Card" && first.root == folder + "/Card")
        let (again, inner) = try resolver.volume(containing: folder + "/Card/A001", pathVolumes: [folder + "/Card"])
        #expect(again == first)
        #expect(again.relativePath(of: inner) == "A001")
    }

    @Test func aPathThatIsNotAFolderIsRefusedSayingWhy() throws {
        let folder = try scratchFolder()
        FileManager.default.createFile(atPath: folder + "/clip.mov", contents: Data([1]))
        let resolver = VolumeResolver(mounts: [], deviceAt: { _ in nil })
        #expect(throws: LocalScanError.notAFolder(path: folder + "/clip.mov")) { try resolver.volume(containing: folder + "/clip.mov") }
        #expect { try resolver.volume(containing: folder + "/missing") } throws: { error in
            "\(error)".contains("No such file or directory") && "\(error)".contains("nothing was changed")
        }
    }
}

@Suite struct DirectoryWalkerTests {
    @Test func theWalkListsFoldersAndFilesInOrderLeavingOutHiddenAndLinks() throws {
        let root = try scratchFolder()
        let manager = FileManager.default
        try manager.createDirectory(atPath: root + "/A001/CLIPS", withIntermediateDirectories: true)
        try manager.createDirectory(atPath: root + "/.Trashes", withIntermediateDirectories: true)
        manager.createFile(atPath: root + "/A001/CLIPS/b.mov", contents: Data(count: 10))
        manager.createFile(atPath: root + "/A001/CLIPS/a.mov", contents: Data(count: 3))
        manager.createFile(atPath: root + "/.DS_Store", contents: Data(count: 1))
        manager.createFile(atPath: root + "/.Trashes/gone.mov", contents: Data(count: 1))
        try manager.createSymbolicLink(atPath: root + "/A001/link.mov", withDestinationPath: root + "/A001/CLIPS/a.mov")
        let volume = Volume(id: "path:\(root)", name: "Card", root: root)
        var seen: [(String, Bool, Int64)] = []
        let tally = DirectoryWalker().walk(root, in: volume) { seen.append(($0.relativePath, $0.isFolder, $0.size)) }
        #expect(seen.map(\.0) == ["A001", "A001/CLIPS", "A001/CLIPS/a.mov", "A001/CLIPS/b.mov"])
        #expect(seen.map(\.2) == [0, 0, 3, 10])
        #expect(tally.hidden == 2 && tally.special == 1 && tally.unreadable.isEmpty)
        var all: [String] = []
        let everything = DirectoryWalker(includeHidden: true).walk(root, in: volume) { all.append($0.relativePath) }
        #expect(all == [".DS_Store", ".Trashes", "A001", ".Trashes/gone.mov", "A001/CLIPS", "A001/CLIPS/a.mov", "A001/CLIPS/b.mov"])
        #expect(everything.hidden == 0 && everything.special == 1)
    }

    /// `Café` precomposed (NFC) and decomposed (NFD) side by side: two files, but one text to
    /// Swift. The second is reported, never silently merged with the first.
    @Test func namesThatDifferOnlyInUnicodeFormAreReported() throws {
        let root = try scratchFolder()
        FileManager.default.createFile(atPath: root + "/Caf\u{E9}.mov", contents: Data("nfc".utf8))
        let decomposed = (Array(root.utf8) + Array("/Cafe".utf8) + [0xCC, 0x81] + Array(".mov".utf8) + [0]).map { CChar(bitPattern: $0) }
        let fd = open(decomposed, O_CREAT | O_WRONLY, 0o644)
        #expect(fd >= 0)
        close(fd)
        var seen: [String] = []
        let tally = DirectoryWalker().walk(root, in: Volume(id: "path:\(root)", name: "Card", root: root)) { seen.append($0.relativePath) }
        #expect(seen.count == 1)
        #expect(tally.unreadable.count == 1 && tally.unreadable.first?.reason.contains("another Unicode form (NFC or NFD)") == true)
    }

    /// A name that is not UTF-8 cannot be catalogued: it is reported, and the walk goes on.
    @Test func aNameThatIsNotUTF8IsReportedNotFatal() throws {
        let root = try scratchFolder()
        FileManager.default.createFile(atPath: root + "/ok.mov", contents: Data(count: 2))
        let bad = (Array(root.utf8) + Array("/bad".utf8) + [0xFF, 0]).map { CChar(bitPattern: $0) }
        let fd = open(bad, O_CREAT | O_WRONLY, 0o644)
        #expect(fd >= 0)
        close(fd)
        var seen: [String] = []
        let tally = DirectoryWalker().walk(root, in: Volume(id: "path:\(root)", name: "Card", root: root)) { seen.append($0.relativePath) }
        #expect(seen == ["ok.mov"])
        #expect(tally.unreadable.count == 1 && tally.unreadable.first?.reason == "a name that is not UTF-8 text")
    }
}

@Suite struct ContentHasherTests {
    /// Known answers (xxhsum -H1 and md5sum of the same bytes).
    @Test(arguments: [
        ("", "ef46db3751d8e999", "d41d8cd98f00b204e9800998ecf8427e"),
        ("abc", "44bc2cf5ad770999", "900150983cd24fb0d6963f7d28e17f72"),
    ])
    func knownDigests(text: String, xxh64: String, md5: String) throws {
        let path = try scratchFolder() + "/f"
        FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
        let digests = try ContentHasher().digests(of: path, md5: true)
        #expect(digests == FileDigests(xxh64: xxh64, md5: md5, bytes: Int64(text.utf8.count)))
        #expect(try ContentHasher().digests(of: path, md5: false).md5 == nil)
    }

    /// A file of several chunks hashes as its bytes do in one piece.
    @Test func aFileOfManyChunksHashesAsItsBytesDo() throws {
        var generator = SeededRandom(seed: 20_261_130)
        print("ContentHasherTests seed 20261130")
        let bytes = (0..<(ContentHasher.chunkSize * 2 + 12_345)).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let path = try scratchFolder() + "/big.bin"
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
        var chunks: [Int] = []
        let digests = try ContentHasher(fileSize: Int64(bytes.count)).digests(of: path, md5: true) { chunks.append($0) }
        #expect(digests.xxh64 == Digest.xxh64(bytes).hex)
        #expect(digests.md5 == Digest.hex(bytes: Insecure.MD5.hash(data: bytes)))
        #expect(chunks == [ContentHasher.chunkSize, ContentHasher.chunkSize, 12_345])
        #expect(digests.bytes == Int64(bytes.count))
    }

    @Test func aFileThatCannotBeOpenedSaysWhy() throws {
        let path = try scratchFolder() + "/missing.mov"
        #expect(throws: HashFailure(path: path, reason: "No such file or directory")) { try ContentHasher().digests(of: path, md5: false) }
    }
}

@Suite struct HashListTests {
    /// The legacy format, from the fixture written from its description.
    @Test func anMHL11ListIsReadWithEveryDigestItCarries() throws {
        let entries = try HashListReader.legacyMHL(file: fixturesDirectory.appendingPathComponent("mhl/legacy-1.1.mhl").path)
        #expect(entries.keys.sorted() == ["CLIPS/A001C001.mov", "CLIPS/A001C002.mov", "SOUND/A001_01.wav"])
        #expect(entries["CLIPS/A001C001.mov"]?.hashes == ["xxh64": "e4c191d091bd8853"])
        #expect(entries["CLIPS/A001C001.mov"]?.size == 6 && entries["CLIPS/A001C001.mov"]?.modified == Timestamp.parse("2026-11-30T09:58:00Z"))
        // The deprecated little-endian xxhash64, turned round: XXH64("take two\n") is 7ca3afbd432d8800.
        #expect(entries["CLIPS/A001C002.mov"]?.hashes == ["xxh64": "7ca3afbd432d8800", "md5": "418a7eeaa55546a94cba0cebae2d0458"])
        #expect(entries["SOUND/A001_01.wav"]?.hashes == ["md5": "083ec99f20b1c7aeddbe851e8ce21236"])
    }

    @Test func aListThatIsNotXMLIsAProblemNotACrash() throws {
        let folder = try scratchFolder()
        try FileManager.default.createDirectory(atPath: folder + "/ascmhl", withIntermediateDirectories: true)
        try "<ascmhldirectory><hashlist sequencenr=\"1\"></ascmhldirectory>".write(
            toFile: folder + "/ascmhl/ascmhl_chain.xml", atomically: true, encoding: .utf8)
        #expect { try HashListReader.ascMHL(folder: folder) } throws: { error in "\(error)".contains("not well-formed XML") }
        try "<ascmhldirectory><hashlist sequencenr=\"1\"><path>0001.mhl</path></hashlist></ascmhldirectory>".write(
            toFile: folder + "/ascmhl/ascmhl_chain.xml", atomically: true, encoding: .utf8)
        #expect { try HashListReader.ascMHL(folder: folder) } throws: { error in "\(error)".contains("0001.mhl: cannot be read") }
    }

    /// Writes an ASC MHL history by hand, from the format: each generation is a list of
    /// (path, size, date, algorithm, action, value).
    static func history(
        in folder: String, _ generations: [[(path: String, size: Int, date: String, algorithm: String, action: String, value: String)]]
    ) throws {
        try FileManager.default.createDirectory(atPath: folder + "/ascmhl", withIntermediateDirectories: true)
        var chain = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ascmhldirectory xmlns=\"urn:ASC:MHL:DIRECTORY:v2.0\">\n"
        for (index, hashes) in generations.enumerated() {
            let name = String(format: "%04d", index + 1) + "_card.mhl"
            var text = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<hashlist version=\"2.0\" xmlns=\"urn:ASC:MHL:v2.0\">\n  <hashes>\n"
            for hash in hashes {
                text += "    <hash>\n      <path size=\"\(hash.size)\" lastmodificationdate=\"\(hash.date)\">\(hash.path)</path>\n"
                text +=
                    "      <\(hash.algorithm) action=\"\(hash.action)\" hashdate=\"\(hash.date)\">\(hash.value)</\(hash.algorithm)>\n    </hash>\n"
            }
            text += "  </hashes>\n</hashlist>\n"
            try text.write(toFile: folder + "/ascmhl/" + name, atomically: true, encoding: .utf8)
            chain +=
                """
                  <hashlist sequencenr=\"\(index + 1)\">\n    <path>\(name)</path>\n    <c4>\(ASCMHLWriter.c4(of: Data(text.utf8)))</c4>\n  \
                </hashlist>\n
                """
        }
        try (chain + "</ascmhldirectory>\n").write(toFile: folder + "/ascmhl/ascmhl_chain.xml", atomically: true, encoding: .utf8)
    }

    /// ascmhl records a changed file as `failed` with its new size and date beside the new
    /// digest: the original digest must not be taken for the file as it is now (that would call
    /// an edited clip an exact copy of what was uploaded), and verify still holds it against the
    /// original.
    @Test func aFileTheHistoryFoundChangedIsNotTakenForWhatItIsNow() throws {
        let folder = try scratchFolder()
        let original = "aaaaaaaaaaaaaaaa"
        let changed = "bbbbbbbbbbbbbbbb"
        try Self.history(
            in: folder,
            [
                [("clip.wav", 5, "2026-11-30T10:00:00+00:00", "xxh64", "original", original)],
                [("clip.wav", 5, "2026-11-30T11:00:00+00:00", "xxh64", "failed", changed)],
            ])
        let now = LocalEntry(
            relativePath: "clip.wav", isFolder: false, size: 5,
            modified: FileTime(seconds: Int64(Timestamp.parse("2026-11-30T11:00:00Z")?.timeIntervalSince1970 ?? 0), nanoseconds: 0), inode: 1)
        let entry = try #require(try HashListReader.ascMHL(folder: folder)["clip.wav"])
        #expect(entry.hashes == ["xxh64": original] && entry.failed)
        #expect(entry.describes(now))
        #expect(entry.digests(for: now, md5: false) == nil)
        // Hashed again without failing (the file put back), it is the list's again.
        try Self.history(
            in: folder,
            [
                [("clip.wav", 5, "2026-11-30T10:00:00+00:00", "xxh64", "original", original)],
                [("clip.wav", 5, "2026-11-30T11:00:00+00:00", "xxh64", "failed", changed)],
                [("clip.wav", 5, "2026-11-30T11:00:00+00:00", "xxh64", "verified", original)],
            ])
        let again = try #require(try HashListReader.ascMHL(folder: folder)["clip.wav"])
        #expect(!again.failed && again.digests(for: now, md5: false)?.xxh64 == original)
    }

    /// A generation edited after the chain recorded it (a hash removed or changed by hand) is
    /// not taken as a record: its C4 id no longer matches the chain's.
    @Test func aGenerationEditedAfterTheChainIsAProblem() throws {
        let folder = try scratchFolder()
        try Self.history(in: folder, [[("clip.mov", 4, "2026-11-30T10:00:00+00:00", "xxh64", "original", "aaaaaaaaaaaaaaaa")]])
        #expect(try HashListReader.ascMHL(folder: folder).count == 1)
        let generation = folder + "/ascmhl/0001_card.mhl"
        let text = try String(contentsOfFile: generation, encoding: .utf8).replacingOccurrences(of: "aaaaaaaaaaaaaaaa", with: "bbbbbbbbbbbbbbbb")
        try text.write(toFile: generation, atomically: true, encoding: .utf8)
        #expect { try HashListReader.ascMHL(folder: folder) } throws: { error in
            "\(error)".contains("0001_card.mhl: was changed after the chain recorded it")
        }
    }

    /// Two lists that give a file different digests: neither is taken without reading the file
    /// (`where` and `crawl local` read it); when they agree, the file is not read.
    @Test func listsThatDisagreeAreNotTakenUnread() throws {
        let folder = try scratchFolder()
        FileManager.default.createFile(atPath: folder + "/clip.mov", contents: Data("take".utf8))
        try Self.history(in: folder, [[("clip.mov", 4, "2026-11-30T10:00:00+00:00", "xxh64", "original", "aaaaaaaaaaaaaaaa")]])
        let volume = Volume(id: "path:\(folder)", name: "Card", root: folder)
        let clip = LocalEntry(
            relativePath: "clip.mov", isFolder: false, size: 4,
            modified: FileTime(seconds: Int64(Timestamp.parse("2026-11-30T10:00:00Z")?.timeIntervalSince1970 ?? 0), nanoseconds: 0), inode: 1)
        for (legacy, agrees) in [("aaaaaaaaaaaaaaaa", true), ("bbbbbbbbbbbbbbbb", false)] {
            try """
            <?xml version="1.0" encoding="UTF-8"?>
            <hashlist version="1.1"><hash><file>clip.mov</file><size>4</size><xxhash64be>\(legacy)</xxhash64be></hash></hashlist>
            """.write(toFile: folder + "/card.mhl", atomically: true, encoding: .utf8)
            var entries: [LocalEntry] = []
            _ = DirectoryWalker().walk(folder, in: volume) { entries.append($0) }
            let lists = HashListReader.lists(for: folder, entries: entries, in: volume)
            #expect(lists.all("clip.mov").count == 2)
            #expect((lists.digests(for: clip, md5: false)?.xxh64 == "aaaaaaaaaaaaaaaa") == agrees)
        }
    }

    /// A path is read as written: a name may end in a carriage return (macOS's `Icon\r`) or
    /// start with a space, and ascmhl writes such names as they are.
    @Test func pathsAreReadAsWrittenWithoutTrimming() throws {
        let folder = try scratchFolder()
        try Self.history(
            in: folder,
            [
                [
                    ("Icon&#13;", 0, "2026-11-30T10:00:00+00:00", "xxh64", "original", "ef46db3751d8e999"),
                    (" take.mov", 1, "2026-11-30T10:00:00+00:00", "xxh64", "original", "aaaaaaaaaaaaaaaa"),
                ]
            ])
        #expect(try HashListReader.ascMHL(folder: folder).keys.sorted() == [" take.mov", "Icon\r"])
        // ASC MHL separates folders with `/` only: a backslash is part of a name.
        try Self.history(in: folder, [[("CLIPS/back\\slash.mov", 1, "2026-11-30T10:00:00+00:00", "xxh64", "original", "aaaaaaaaaaaaaaaa")]])
        #expect(try HashListReader.ascMHL(folder: folder).keys.sorted() == ["CLIPS/back\\slash.mov"])
    }

    /// MHL 1.1's `xxhash` is XXH32, which catalog does not compute: a list whose files cannot
    /// all be checked is reported, not taken as proof.
    @Test func anMHL11ListInXXH32IsAProblem() throws {
        let folder = try scratchFolder()
        try """
        <?xml version="1.0" encoding="UTF-8"?>
        <hashlist version="1.1">
          <hash><file>A001C001.mov</file><size>4</size><xxhash>2d06800538d394c2</xxhash></hash>
        </hashlist>
        """.write(toFile: folder + "/A001.mhl", atomically: true, encoding: .utf8)
        #expect { try HashListReader.legacyMHL(file: folder + "/A001.mhl") } throws: { error in
            "\(error)".contains("1 file listed without a hash catalog checks") && "\(error)".contains("not xxhash, which is XXH32")
        }
    }
}

@Suite struct ASCMHLWriterTests {
    static let day = Date(timeIntervalSince1970: 1_796_000_000)

    /// Names with a carriage return or a leading space come back as they were from catalog's
    /// own seal (a literal carriage return would come back as a line feed).
    @Test func awkwardNamesSurviveTheSeal() throws {
        let folder = try scratchFolder()
        let files = ["Icon\r", " take.mov", "tab\there.mov"].map {
            ASCMHLWriter.File(path: $0, size: 1, modified: Self.day, xxh64: "aaaaaaaaaaaaaaaa")
        }
        try ASCMHLWriter.seal(files, folder: folder, tool: "catalog", version: "test", hostname: "host", now: Self.day)
        #expect(try HashListReader.ascMHL(folder: folder).keys.sorted() == [" take.mov", "Icon\r", "tab\there.mov"])
    }

    /// A name XML cannot carry (another control character) stops the seal before anything is
    /// written.
    @Test func aNameXMLCannotCarryStopsTheSeal() throws {
        let folder = try scratchFolder()
        let files = [ASCMHLWriter.File(path: "bell\u{7}.mov", size: 1, modified: Self.day, xxh64: "aaaaaaaaaaaaaaaa")]
        #expect { try ASCMHLWriter.seal(files, folder: folder, tool: "catalog", version: "test") } throws: { error in
            "\(error)".contains("control character") && "\(error)".contains("nothing was written")
        }
        #expect(!FileManager.default.fileExists(atPath: folder + "/ascmhl"))
    }

    /// A chain whose last generation number is the largest there is has no next one: an error,
    /// not a crash.
    @Test func aChainAtTheLastNumberIsRefused() throws {
        let folder = try scratchFolder()
        try HashListTests.history(in: folder, [[("a.mov", 1, "2026-11-30T10:00:00+00:00", "xxh64", "original", "aaaaaaaaaaaaaaaa")]])
        let chain = folder + "/ascmhl/ascmhl_chain.xml"
        let text = try String(contentsOfFile: chain, encoding: .utf8).replacingOccurrences(of: "sequencenr=\"1\"", with: "sequencenr=\"\(Int.max)\"")
        try text.write(toFile: chain, atomically: true, encoding: .utf8)
        let files = [ASCMHLWriter.File(path: "a.mov", size: 1, modified: Self.day, xxh64: "aaaaaaaaaaaaaaaa")]
        #expect { try ASCMHLWriter.seal(files, folder: folder, tool: "catalog", version: "test") } throws: { error in
            "\(error)".contains("there is no next one")
        }
    }
}

@Suite struct IgnorePatternTests {
    /// Patterns as ascmhl matches them (git's rules): a name at any depth and all under it; a
    /// path from the history's folder; a trailing `/` for folders only.
    @Test func patternsMatchAsGitAndAscmhlDo() {
        let ignore = IgnorePatterns(IgnorePatterns.defaults + ["*.tmp", "cache", "proxies/", "CLIPS/*.xml", "**/render/*.exr"])
        #expect(ignore.matches(".DS_Store", isFolder: false) && ignore.matches("CLIPS/.DS_Store", isFolder: false))
        #expect(ignore.matches("ascmhl/0001_card.mhl", isFolder: false))
        #expect(ignore.matches("CLIPS/take.tmp", isFolder: false) && !ignore.matches("CLIPS/take.tmp.mov", isFolder: false))
        #expect(ignore.matches("cache", isFolder: true) && ignore.matches("A/cache/x.bin", isFolder: false))
        #expect(ignore.matches("proxies/p.mov", isFolder: false) && !ignore.matches("proxies", isFolder: false))
        #expect(ignore.matches("CLIPS/A001.xml", isFolder: false) && !ignore.matches("SUB/CLIPS/A001.xml", isFolder: false))
        #expect(ignore.matches("CLIPS/CLIPS.xml", isFolder: false) && !ignore.matches("CLIPS/deep/A001.xml", isFolder: false))
        #expect(ignore.matches("shots/render/f001.exr", isFolder: false) && ignore.matches("render/f001.exr", isFolder: false))
        #expect(!ignore.matches("CLIPS/A001C001.mov", isFolder: false))
        // `**` inside a path: any number of folders, none too; at the end: what is inside.
        let deep = IgnorePatterns(["CLIP/**/c.xml", "OTHER/**", "f.xml ", "**/**/**/**/**/**/z.bin"])
        #expect(deep.matches("CLIP/sub/deep/c.xml", isFolder: false) && deep.matches("CLIP/c.xml", isFolder: false))
        #expect(!deep.matches("CLIP/sub/deep/d.xml", isFolder: false) && !deep.matches("SUB/CLIP/c.xml", isFolder: false))
        #expect(deep.matches("OTHER/a.mov", isFolder: false) && !deep.matches("OTHER", isFolder: true))
        // Trailing spaces are dropped from a pattern, as git drops them.
        #expect(deep.matches("f.xml", isFolder: false))
        let long = Array(repeating: "d", count: 40).joined(separator: "/") + "/z.bin"
        #expect(deep.matches(long, isFolder: false) && !deep.matches(long + "x", isFolder: false))
        // Shell globs: classes, ranges, negation, escapes.
        let globs = IgnorePatterns(["[Tt]ake_[0-9].mov", "[!A]*.wav", "star\\*.txt"])
        #expect(globs.matches("take_1.mov", isFolder: false) && globs.matches("Take_9.mov", isFolder: false))
        #expect(
            !globs.matches("take_x.mov", isFolder: false) && globs.matches("B01.wav", isFolder: false) && !globs.matches("A01.wav", isFolder: false))
        #expect(globs.matches("star*.txt", isFolder: false) && !globs.matches("starry.txt", isFolder: false))
        // Patterns a card could carry to stall a verify: many `**` apart, many `*` in a name.
        // Each answer comes at once (before: time exponential in the number of wildcards).
        let hostile = IgnorePatterns(["**/a/**/a/**/a/**/a/**/a/**/a/**/b", "*a*a*a*a*a*a*a*a*a*a*a*b"])
        #expect(!hostile.matches(Array(repeating: "a", count: 60).joined(separator: "/") + "/c", isFolder: false))
        #expect(!hostile.matches(String(repeating: "a", count: 255), isFolder: false))
        #expect(IgnorePatterns(IgnorePatterns.defaults + ["*.tmp", "*.tmp", ""]).patterns == [".DS_Store", "ascmhl", "ascmhl/", "*.tmp"])
    }
}

extension IgnorePatternTests {
    /// A generation of 10⁶ ignore patterns on one line (27 MB): it is well-formed and read
    /// (Foundation's parser, given it in one piece, stopped at libxml2's 10 MB lookup limit and
    /// called it malformed), and adding and matching the patterns takes linear time (before:
    /// each new pattern was compared with every earlier one, 22 s for 10⁵).
    @Test func aHistoryOfAMillionPatternsIsRead() throws {
        let folder = try scratchFolder()
        try FileManager.default.createDirectory(atPath: folder + "/ascmhl", withIntermediateDirectories: true)
        let patterns = (0..<1_000_000).map { "<pattern>take_\($0).tmp</pattern>" }.joined()
        let text =
            """
            <?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<hashlist version=\"2.0\" \
            xmlns=\"urn:ASC:MHL:v2.0\">\n<processinfo><ignore>\(patterns)</ignore></processinfo>\n
            """
            + "<hashes><hash><path size=\"4\" lastmodificationdate=\"2026-11-30T10:00:00+00:00\">clip.mov</path>"
            + "<xxh64 action=\"original\">aaaaaaaaaaaaaaaa</xxh64></hash></hashes>\n</hashlist>\n"
        #expect(text.utf8.count > 20_000_000)
        try text.write(toFile: folder + "/ascmhl/0001_card.mhl", atomically: true, encoding: .utf8)
        let chain =
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ascmhldirectory xmlns=\"urn:ASC:MHL:DIRECTORY:v2.0\">\n"
            + "<hashlist sequencenr=\"1\"><path>0001_card.mhl</path><c4>\(ASCMHLWriter.c4(of: Data(text.utf8)))</c4></hashlist>\n</ascmhldirectory>\n"
        try chain.write(toFile: folder + "/ascmhl/ascmhl_chain.xml", atomically: true, encoding: .utf8)
        let history = try HashListReader.ascMHLHistory(folder: folder)
        #expect(history.entries.count == 1 && history.entries["clip.mov"]?.hashes["xxh64"] == "aaaaaaaaaaaaaaaa")
        #expect(history.ignore.patterns.count == 1_000_000)
        #expect(
            history.ignore.matches("CLIPS/take_999999.tmp", isFolder: false) && !history.ignore.matches("CLIPS/take_1000000.tmp", isFolder: false))
        #expect(!history.ignore.matches("clip.mov", isFolder: false))
    }
}

@Suite struct FileIdentityTests {
    /// FAT and exFAT have no inodes (Linux makes numbers up per mount): there an unchanged file
    /// is known by size and time; elsewhere the inode must match too.
    @Test func inodesCountOnlyWhereTheyLast() {
        let record = LocalFileRecord(size: 4, modified: FileTime(seconds: 100, nanoseconds: 0), inode: 5, xxh64: "aaaaaaaaaaaaaaaa", md5: nil)
        let remounted = LocalEntry(
            relativePath: "A001C001.mov", isFolder: false, size: 4, modified: FileTime(seconds: 100, nanoseconds: 0), inode: 77)
        let exfat = Volume(id: "uuid:6A1F-22C0", name: "A001", root: "/media/A001", fileSystem: "exfat")
        let ext4 = Volume(id: "uuid:1234", name: "RAID", root: "/srv/raid", fileSystem: "ext4")
        #expect(ext4.hasStableInodes && !exfat.hasStableInodes)
        #expect(record.matches(remounted, on: exfat))
        #expect(!record.matches(remounted, on: ext4))
        var touched = remounted
        touched.modified = FileTime(seconds: 102, nanoseconds: 0)
        #expect(!record.matches(touched, on: exfat))
    }
}

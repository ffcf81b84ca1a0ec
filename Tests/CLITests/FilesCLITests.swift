import CatalogCore
import CatalogSandbox
import CatalogStore
import Foundation
import GRDB
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Paths that are not what they seem: pipes, devices, links, other programs' databases, catalogs
/// that cannot be written. Each is refused with a message saying what is wrong, or used without
/// being changed into something else.
@Suite(.serialized) struct FilesCLITests {
    /// A small catalog crawled from the bundled fixture, at `path`.
    func crawledCatalog(at path: String) async throws {
        let server = SandboxServer(frameIO: try FrameIODataset.bundledFixture(), configuration: SandboxConfiguration())
        try await server.withRunning { urls in
            let run = try await runCatalog(
                ["crawl", "frameio", "--db", path, "--quiet"], environment: ["FRAMEIO_TOKEN": "t", "FRAMEIO_API_URL": urls.frameIO])
            #expect(run.status == 0, "\(run.stderr)")
        }
    }

    /// Before: `--db /dev/null` said "the disk may be full" and, as root, left `/dev/null-journal`.
    @Test func aDatabasePathThatIsNotAFileIsRefusedSayingWhatItIs() async throws {
        let directory = try scratchDirectory()
        let fifo = directory + "/pipe"
        #expect(mkfifo(fifo, 0o600) == 0)
        for (path, kind) in [("/dev/null", "a character device"), (fifo, "a FIFO (named pipe)"), (directory, "a directory")] {
            for arguments in [["status"], ["search", "x"], ["crawl", "frameio"]] {
                let run = try await runCatalog(
                    arguments + ["--db", path], environment: ["FRAMEIO_TOKEN": "t", "FRAMEIO_API_URL": "http://127.0.0.1:9/v2"])
                #expect(run.status == 3, "\(arguments) \(path): \(run.stderr)")
                #expect(run.stderr.contains("is \(kind), not a catalog file"), "\(run.stderr)")
            }
        }
        #expect(!FileManager.default.fileExists(atPath: "/dev/null-journal") && !FileManager.default.fileExists(atPath: "/dev/null-wal"))
    }

    @Test func readCommandsNeverCreateACatalog() async throws {
        let path = try scratchDirectory() + "/none.sqlite"
        for arguments in [["status"], ["search", "x"], ["dupes"], ["changes"], ["export", "inventory"]] {
            let run = try await runCatalog(arguments + ["--db", path])
            #expect(run.status == 3, "\(arguments)")
            #expect(run.stderr.contains("no catalog at \(path). Run `catalog crawl` first"), "\(run.stderr)")
            #expect(!FileManager.default.fileExists(atPath: path))
        }
    }

    /// Before: a GRDB app's database with a migration named `v1` was switched to WAL and answered
    /// with a raw SQL error; a database holding only a view, with its own application_id and
    /// user_version, was turned into a catalog.
    @Test(arguments: ["grdb-app", "view-only"])
    func anotherProgramsDatabaseIsLeftByteIdentical(kind: String) async throws {
        let path = try scratchDirectory() + "/\(kind).sqlite"
        let queue = try DatabaseQueue(path: path)
        try await queue.write { db in
            if kind == "grdb-app" {
                try db.execute(
                    sql: """
                        CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY);
                        INSERT INTO grdb_migrations VALUES ('v1');
                        CREATE TABLE player (id INTEGER PRIMARY KEY, name TEXT);
                        """)
            } else {
                try db.execute(sql: "PRAGMA application_id = 1234; PRAGMA user_version = 7; CREATE VIEW answer AS SELECT 42 AS value")
            }
        }
        try queue.close()
        let before = bytes(path)
        for arguments in [["status"], ["search", "x"], ["crawl", "frameio"]] {
            let run = try await runCatalog(
                arguments + ["--db", path], environment: ["FRAMEIO_TOKEN": "t", "FRAMEIO_API_URL": "http://127.0.0.1:9/v2"])
            #expect(run.status == 3, "\(arguments): \(run.stderr)")
            #expect(run.stderr.contains("is not a catalog database") && run.stderr.contains("left unchanged"), "\(run.stderr)")
            #expect(!run.stderr.contains("newer version"))
        }
        #expect(bytes(path) == before)
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
    }

    /// Before: "attempt to write a readonly database".
    @Test func aCatalogThatCannotBeWrittenIsStillSearchable() async throws {
        let directory = try scratchDirectory()
        let path = directory + "/catalog.sqlite"
        try await crawledCatalog(at: path)
        // Root writes anything: the catalog belongs to nobody, who may only read it, in a
        // directory nobody cannot write.
        let nobody = 65534
        for file in [path, directory] { #expect(chown(file, uid_t(nobody), gid_t(nobody)) == 0) }
        #expect(chmod(path, 0o400) == 0)
        #expect(chmod(directory, 0o555) == 0)
        let before = bytes(path)
        for arguments in [["search", "interview"], ["status"], ["export", "inventory"]] {
            let run = try await runCatalog(arguments + ["--db", path], asUser: getuid() == 0 ? nobody : nil)
            #expect(run.status == 0, "\(arguments): \(run.stderr)")
        }
        let search = try await runCatalog(["search", "interview", "--db", path], asUser: getuid() == 0 ? nobody : nil)
        #expect(search.stdout.contains("Interview") || search.stdout.contains("interview"), "\(search.stdout)")
        #expect(bytes(path) == before)
        chmod(directory, 0o755)
    }

    /// A catalog made by an older catalog is upgraded by a read command that can write it, and
    /// refused, unchanged, by one that cannot (the review found reads trapped on missing columns).
    @Test func aCatalogFromAnOlderVersionIsUpgradedOrRefusedNeverTrapped() async throws {
        let directory = try scratchDirectory()
        let path = directory + "/catalog.sqlite"
        try await crawledCatalog(at: path)
        // Make it a catalog of before migrations v8 and v9.
        let queue = try DatabaseQueue(path: path)
        try await queue.write { db in
            try db.execute(
                sql: """
                    DELETE FROM grdb_migrations WHERE identifier IN ('v8-crawl-warnings', 'v9-application-id');
                    ALTER TABLE crawl DROP COLUMN warning_count; ALTER TABLE crawl DROP COLUMN warnings;
                    PRAGMA application_id = 0;
                    """)
        }
        try queue.close()
        let nobody = 65534
        if getuid() == 0 {
            for file in [path, directory] { #expect(chown(file, uid_t(nobody), gid_t(nobody)) == 0) }
            #expect(chmod(path, 0o400) == 0 && chmod(directory, 0o555) == 0)
            let before = bytes(path)
            let refused = try await runCatalog(["status", "--db", path], asUser: nobody)
            #expect(refused.status == 3 && refused.stderr.contains("older version of catalog"), "\(refused.stderr)")
            #expect(bytes(path) == before)
            #expect(chmod(directory, 0o755) == 0 && chmod(path, 0o600) == 0)
        }
        let status = try await runCatalog(["status", "--db", path])
        #expect(status.status == 0, "\(status.stderr)")
        #expect(status.stdout.contains("frameio: 45 items"), "\(status.stdout)")
    }

    /// Before: a symbolic link to the catalog let two crawls write it at once.
    @Test func aLinkToACatalogSharesItsCrawlLock() async throws {
        let directory = try scratchDirectory()
        let path = directory + "/catalog.sqlite"
        let link = directory + "/link.sqlite"
        let database = try CatalogDatabase(path: path)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: path)
        let session = try database.beginCrawl(source: .frameio)
        #expect(throws: StoreError.self) { try CatalogDatabase(path: link).beginCrawl(source: .frameio) }
        try await database.fail(session, error: "test", stats: .init())
        #expect(throws: Never.self) { try CatalogDatabase(path: link).beginCrawl(source: .dash) }
    }

    /// Before: `export --output` replaced a FIFO, a device or a symbolic link with a regular file.
    /// A report is an ordinary file (the umask's permissions, or those of the file it replaces);
    /// the catalog stays private.
    @Test func reportsGetOrdinaryPermissionsAndTheCatalogStaysPrivate() async throws {
        let directory = try scratchDirectory()
        let path = directory + "/catalog.sqlite"
        try await crawledCatalog(at: path)
        let mask = umask(0)
        umask(mask)
        func mode(_ file: String) -> mode_t {
            let permissions = try? FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int
            return mode_t(permissions ?? 0) & 0o777
        }
        let report = directory + "/inventory.csv"
        let made = try await runCatalog(["export", "inventory", "--db", path, "--format", "csv", "--output", report])
        #expect(made.status == 0, "\(made.stderr)")
        #expect(mode(report) == 0o666 & ~mask, "\(String(mode(report), radix: 8))")
        #expect(chmod(report, 0o640) == 0)
        let replaced = try await runCatalog(["export", "inventory", "--db", path, "--format", "csv", "--output", report])
        #expect(replaced.status == 0 && mode(report) == 0o640, "\(String(mode(report), radix: 8))")
        #expect(mode(path) == 0o600)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).allSatisfy { !$0.hasSuffix(".tmp") })
    }

    @Test func exportWritesThroughPipesAndDevicesAndRefusesLinks() async throws {
        let directory = try scratchDirectory()
        let path = directory + "/catalog.sqlite"
        try await crawledCatalog(at: path)
        // A device: written through, still a device.
        let null = try await runCatalog(["export", "inventory", "--db", path, "--output", "/dev/null"])
        #expect(null.status == 0, "\(null.stderr)")
        // The type of the entry itself (a link is not followed).
        func type(_ file: String) -> FileAttributeType? {
            (try? FileManager.default.attributesOfItem(atPath: file))?[.type] as? FileAttributeType
        }
        #expect(type("/dev/null") == .typeCharacterSpecial)
        // A FIFO: a reader gets the report; the FIFO stays a FIFO.
        let fifo = directory + "/pipe"
        #expect(mkfifo(fifo, 0o600) == 0)
        let reader = Task.detached { FileHandle(forReadingAtPath: fifo)?.readDataToEndOfFile() ?? Data() }
        let piped = try await runCatalog(["export", "inventory", "--db", path, "--output", fifo])
        #expect(piped.status == 0, "\(piped.stderr)")
        let received = await reader.value
        #expect(String(decoding: received, as: UTF8.self).contains("\"kind\":\"project\""))
        // Opening a FIFO to write without waiting fails with ENXIO while nobody reads it; a file opens.
        let opened = open(fifo, O_WRONLY | O_NONBLOCK)
        #expect(opened == -1 && errno == ENXIO && type(fifo) == .typeUnknown)
        if opened >= 0 { close(opened) }
        // A link: refused, the link and its target untouched; with --replace-link the link is replaced.
        let target = directory + "/keep.txt"
        try Data("keep".utf8).write(to: URL(fileURLWithPath: target))
        let link = directory + "/report.ndjson"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        let refused = try await runCatalog(["export", "inventory", "--db", path, "--output", link])
        #expect(refused.status == 2 && refused.stderr.contains("is a symbolic link"), "\(refused.stderr)")
        #expect(bytes(target) == Data("keep".utf8))
        let replaced = try await runCatalog(["export", "inventory", "--db", path, "--output", link, "--replace-link"])
        #expect(replaced.status == 0, "\(replaced.stderr)")
        #expect(type(link) == .typeRegular)
        #expect(bytes(target) == Data("keep".utf8))
        // `-` is stdout.
        let dash = try await runCatalog(["export", "inventory", "--db", path, "--output", "-"])
        #expect(dash.stdout.contains("\"kind\":\"project\""))
    }
}

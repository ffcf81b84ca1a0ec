import Foundation
import GRDB

/// The staging area of a running crawl: a separate SQLite file (`<catalog>.staging`, mode 0600)
/// attached to the writer connection as `staging`.
///
/// Staged rows are scratch data: they need no journal, no WAL copy and no durability, and a
/// crawl that dies leaves only a file that the next crawl deletes. Keeping them out of the
/// catalog file halves what a first crawl writes (measured: staging 100 000 items into a table
/// of the catalog cost 2.9 s to insert, 1.2 s to delete and most of a 2.1 s commit).
extension CatalogDatabase {
    /// The staging file's path (`:memory:` for an in-memory catalog).
    var stagingPath: String { path == ":memory:" ? ":memory:" : path + ".staging" }

    /// Creates a fresh staging file and attaches it. Call holding the crawl lock.
    func attachStaging() throws(StoreError) {
        detachStaging()
        let stagingPath = self.stagingPath
        if stagingPath != ":memory:" {
            try? FileManager.default.removeItem(atPath: stagingPath)
            let fd = open(stagingPath, O_CREAT | O_EXCL | O_RDWR, 0o600)
            guard fd >= 0 else {
                throw .cannotOpen(path: stagingPath, reason: String(cString: strerror(errno)))
            }
            close(fd)
        }
        let columns = CatalogSchema.itemColumns.map { $0 == "id" ? "id TEXT NOT NULL UNIQUE" : $0 }.joined(separator: ", ")
        do {
            try writer.writeWithoutTransaction { db in
                try db.execute(sql: "ATTACH DATABASE ? AS staging", arguments: [stagingPath])
                try db.execute(sql: "PRAGMA staging.journal_mode = OFF")
                try db.execute(sql: "PRAGMA staging.synchronous = OFF")
                try db.execute(sql: "CREATE TABLE staging.crawl_item (crawl_id INTEGER NOT NULL, \(columns))")
                try db.execute(sql: "CREATE TABLE staging.crawl_deleted (id TEXT PRIMARY KEY) WITHOUT ROWID")
                // An id staged again at another path is a conflict: recorded here (the upsert in
                // insertStaged keeps the smaller path).
                try db.execute(
                    sql: """
                        CREATE TABLE staging.crawl_conflict (id TEXT PRIMARY KEY, first_path TEXT, second_path TEXT) WITHOUT ROWID;
                        CREATE TRIGGER staging.crawl_item_conflict BEFORE INSERT ON crawl_item
                        WHEN EXISTS (SELECT 1 FROM crawl_item c WHERE c.id = NEW.id AND c.path IS NOT NEW.path)
                        BEGIN
                          INSERT OR IGNORE INTO crawl_conflict (id, first_path, second_path)
                          VALUES (NEW.id, (SELECT path FROM crawl_item c WHERE c.id = NEW.id), NEW.path);
                        END;
                        """)
            }
        } catch {
            throw Self.map(error, path: stagingPath)
        }
    }

    /// Detaches and deletes the staging file, if attached.
    func detachStaging() {
        try? writer.writeWithoutTransaction { db in
            if try Row.fetchAll(db, sql: "PRAGMA database_list").contains(where: { $0["name"] == "staging" }) {
                try db.execute(sql: "DETACH DATABASE staging")
            }
        }
        if stagingPath != ":memory:" { try? FileManager.default.removeItem(atPath: stagingPath) }
    }
}

import GRDB

/// The catalog's migrations. A shipped migration is never edited: changes go in a new one.
///
/// The schema is documented for sqlite3 and Datasette users in docs/schema.md.
enum CatalogSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE crawl (
                        id INTEGER PRIMARY KEY,
                        source TEXT NOT NULL,
                        mode TEXT NOT NULL DEFAULT 'full',
                        started_at TEXT NOT NULL,
                        finished_at TEXT,
                        status TEXT NOT NULL CHECK (status IN ('running', 'complete', 'failed')),
                        item_count INTEGER NOT NULL DEFAULT 0,
                        added_count INTEGER NOT NULL DEFAULT 0,
                        changed_count INTEGER NOT NULL DEFAULT 0,
                        deleted_count INTEGER NOT NULL DEFAULT 0,
                        unchanged_count INTEGER NOT NULL DEFAULT 0,
                        request_count INTEGER NOT NULL DEFAULT 0,
                        retry_count INTEGER NOT NULL DEFAULT 0,
                        throttled_count INTEGER NOT NULL DEFAULT 0,
                        error TEXT
                    );
                    CREATE INDEX crawl_source_status ON crawl(source, status, id);

                    CREATE TABLE item (
                        seq INTEGER PRIMARY KEY,
                        source TEXT NOT NULL,
                        id TEXT NOT NULL,
                        kind TEXT NOT NULL,
                        name TEXT NOT NULL,
                        parent_id TEXT,
                        project_id TEXT,
                        path TEXT NOT NULL,
                        size INTEGER,
                        mime TEXT,
                        ext TEXT,
                        created_at TEXT,
                        updated_at TEXT,
                        uploaded_at TEXT,
                        label TEXT,
                        xxh64 TEXT,
                        md5 TEXT,
                        text TEXT NOT NULL DEFAULT '',
                        digest TEXT NOT NULL,
                        record TEXT NOT NULL,
                        crawl_id INTEGER NOT NULL REFERENCES crawl(id),
                        UNIQUE (source, id)
                    );
                    CREATE INDEX item_parent ON item(source, parent_id);
                    CREATE INDEX item_project ON item(project_id);
                    CREATE INDEX item_kind_name ON item(kind, name COLLATE NOCASE);
                    CREATE INDEX item_xxh64 ON item(xxh64) WHERE xxh64 IS NOT NULL;
                    CREATE INDEX item_md5 ON item(md5) WHERE md5 IS NOT NULL;
                    CREATE INDEX item_path ON item(path);

                    CREATE VIRTUAL TABLE item_fts USING fts5(
                        name, path, label, text,
                        content = 'item', content_rowid = 'seq',
                        tokenize = 'unicode61 remove_diacritics 2',
                        prefix = '2 3'
                    );

                    CREATE TABLE crawl_item (
                        crawl_id INTEGER NOT NULL,
                        id TEXT NOT NULL,
                        kind TEXT NOT NULL,
                        name TEXT NOT NULL,
                        parent_id TEXT,
                        project_id TEXT,
                        path TEXT NOT NULL,
                        size INTEGER,
                        mime TEXT,
                        ext TEXT,
                        created_at TEXT,
                        updated_at TEXT,
                        uploaded_at TEXT,
                        label TEXT,
                        xxh64 TEXT,
                        md5 TEXT,
                        text TEXT NOT NULL DEFAULT '',
                        digest TEXT NOT NULL,
                        record TEXT NOT NULL,
                        PRIMARY KEY (crawl_id, id)
                    ) WITHOUT ROWID;
                    """)
        }
        // Search indexes: each filter a query may use alone is the prefix of an index that ends in
        // `path`, so a filter-only query (ordered by path) reads its first page in index order
        // instead of sorting every match (measured on 100 000 items: `kind:project` 100 ms → <1 ms).
        migrator.registerMigration("v2-search-indexes") { db in
            try db.execute(
                sql: """
                    DROP INDEX item_kind_name;
                    DROP INDEX item_project;
                    CREATE INDEX item_kind_path ON item(kind, path);
                    CREATE INDEX item_ext_path ON item(ext, path);
                    CREATE INDEX item_project_path ON item(project_id, path);
                    CREATE INDEX item_label_path ON item(label COLLATE NOCASE, path);
                    """)
        }
        // Staging moved to a separate scratch file (CatalogDatabase+Staging.swift).
        migrator.registerMigration("v3-staging-file") { db in
            try db.execute(sql: "DROP TABLE crawl_item")
        }
        // Dash: lifecycle state, folder paths and resolved metadata on items; fields and options.
        migrator.registerMigration("v4-fields") { db in
            try db.execute(
                sql: """
                    ALTER TABLE item ADD COLUMN state TEXT;
                    ALTER TABLE item ADD COLUMN folders TEXT;
                    ALTER TABLE item ADD COLUMN metadata TEXT;
                    CREATE INDEX item_state_path ON item(state COLLATE NOCASE, path);
                    CREATE INDEX item_mime_path ON item(mime, path);

                    CREATE TABLE field (
                        source TEXT NOT NULL,
                        id TEXT NOT NULL,
                        name TEXT NOT NULL,
                        position INTEGER NOT NULL,
                        has_fixed_options INTEGER NOT NULL,
                        hierarchical INTEGER NOT NULL,
                        multi_value INTEGER NOT NULL,
                        is_folders INTEGER NOT NULL,
                        record TEXT NOT NULL,
                        PRIMARY KEY (source, id)
                    );
                    CREATE TABLE field_option (
                        source TEXT NOT NULL,
                        id TEXT NOT NULL,
                        field_id TEXT NOT NULL,
                        parent_id TEXT,
                        value TEXT NOT NULL,
                        position INTEGER,
                        path TEXT NOT NULL,
                        record TEXT NOT NULL,
                        PRIMARY KEY (source, id)
                    );
                    CREATE INDEX field_option_path ON field_option(source, field_id, path);
                    """)
        }
        // Snapshots: the change log of every crawl, past versions by record digest, delta watermarks.
        migrator.registerMigration("v5-changes") { db in
            try db.execute(
                sql: """
                    ALTER TABLE crawl ADD COLUMN since TEXT;
                    ALTER TABLE crawl ADD COLUMN moved_count INTEGER NOT NULL DEFAULT 0;
                    CREATE TABLE item_change (
                        crawl_id INTEGER NOT NULL REFERENCES crawl(id),
                        source TEXT NOT NULL,
                        id TEXT NOT NULL,
                        change TEXT NOT NULL CHECK (change IN ('added', 'modified', 'moved', 'deleted')),
                        kind TEXT NOT NULL,
                        name TEXT NOT NULL,
                        old_path TEXT,
                        new_path TEXT,
                        old_digest TEXT,
                        new_digest TEXT,
                        fields TEXT
                    );
                    CREATE INDEX item_change_crawl ON item_change(crawl_id, change);
                    CREATE INDEX item_change_item ON item_change(source, id);
                    CREATE TABLE item_version (
                        digest TEXT PRIMARY KEY,
                        record TEXT NOT NULL
                    ) WITHOUT ROWID;
                    """)
        }
        // Dash-only filters (folder:, Field:value) read only the Dash rows, in path order.
        migrator.registerMigration("v6-source-path") { db in
            try db.execute(sql: "CREATE INDEX item_source_path ON item(source, path)")
        }
        // Names alone: a broad search's first tier (name matches) reads only names' doclists
        // instead of scanning every position of a common word in the full index, and prefixes
        // up to 6 characters are indexed so `interv*` does not merge every matching word's
        // postings (docs/query-language.md).
        migrator.registerMigration("v7-name-index") { db in
            try db.execute(
                sql: """
                    CREATE VIRTUAL TABLE item_name_fts USING fts5(
                        name, content = 'item', content_rowid = 'seq',
                        tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3 4 5 6'
                    );
                    INSERT INTO item_name_fts(item_name_fts) VALUES ('rebuild');
                    """)
        }
        // What a crawl carried past instead of failing on (an unknown asset type, repaired text,
        // an unreadable project root, an item listed twice): counted, the first few kept.
        migrator.registerMigration("v8-crawl-warnings") { db in
            try db.execute(
                sql: """
                    ALTER TABLE crawl ADD COLUMN warning_count INTEGER NOT NULL DEFAULT 0;
                    ALTER TABLE crawl ADD COLUMN warnings TEXT;
                    """)
        }
        // The header's application_id says "this is a catalog" (CatalogDatabase.applicationID),
        // so another program's SQLite file is never taken for one.
        migrator.registerMigration("v9-application-id") { db in
            try db.execute(sql: "PRAGMA application_id = \(CatalogDatabase.applicationID)")
        }
        // Which API each crawl read through (Frame.io v2 or V4); older crawls read v2.
        migrator.registerMigration("v10-crawl-api") { db in
            try db.execute(sql: "ALTER TABLE crawl ADD COLUMN api TEXT")
        }
        // The kind of value a custom field holds (V4 `field_type`, Dash `editControl`).
        migrator.registerMigration("v11-field-type") { db in
            try db.execute(sql: "ALTER TABLE field ADD COLUMN type TEXT")
        }
        // Sizes: a search whose size range is narrow (`size:>3GB label:approved`) reads its rows
        // from this index instead of from a broad filter's (SearchSQL.drivenBySize); `--sort size`
        // reads it in order.
        migrator.registerMigration("v12-size-index") { db in
            try db.execute(sql: "CREATE INDEX item_size ON item(size)")
        }
        // Which picture in the thumbnail cache (a content-addressed file) shows which item, and
        // for which of its records (digest) it was fetched: a changed item's is fetched again.
        migrator.registerMigration("v13-thumbnail") { db in
            try db.execute(
                sql: """
                    CREATE TABLE thumbnail (
                        source TEXT NOT NULL,
                        id TEXT NOT NULL,
                        digest TEXT NOT NULL,
                        file TEXT NOT NULL,
                        bytes INTEGER NOT NULL,
                        fetched_at TEXT NOT NULL,
                        PRIMARY KEY (source, id)
                    ) WITHOUT ROWID;
                    CREATE INDEX thumbnail_file ON thumbnail(file);
                    """)
        }
        // A file is a file in every source: `kind:file` means Frame.io (and local) files and
        // Dash assets. This index keys Dash's `asset` as `file`, so `kind:file` still reads its
        // matches in path order from one index range (two ranges, `kind IN ('asset', 'file')`,
        // would be sorted whole: every file of the catalog for a page of 50). The plain kind
        // index stays for everything that asks for one kind (`kind = 'project'`).
        migrator.registerMigration("v14-file-kind-index") { db in
            try db.execute(sql: "CREATE INDEX item_filekind_path ON item(\(fileKind), path)")
        }
        // Two filters broad alone and rare together, read in path order: the kind index also
        // holds each size, so `kind:file size:>4GB` tests a row's size without reading the row
        // (50 000 Dash assets sort first and none is that large: 55 ms to 4 ms at 1M items).
        // One source's files in path order: a field only Frame.io has (`Rating:2..3 kind:file`
        // asks for `source = 'frameio'`) no longer walks the Dash assets first (53 ms to 0.3 ms).
        // The source index gives a source's first and last row (SearchSQL.seqBounds), which
        // bound a full-text read: `tim* source:dash` no longer reads the 62 000 Frame.io
        // matches of `tim*` to refuse them one by one.
        migrator.registerMigration("v15-kind-size-and-source-indexes") { db in
            try db.execute(
                sql: """
                    DROP INDEX item_filekind_path;
                    CREATE INDEX item_filekind_path ON item(\(fileKind), path, size);
                    CREATE INDEX item_source_filekind_path ON item(source, \(fileKind), path);
                    CREATE INDEX item_source ON item(source);
                    """)
        }
        // The people user fields name (a V4 account's users), with their e-mail addresses:
        // items keep a person's name, and a search may give the address.
        migrator.registerMigration("v16-person") { db in
            try db.execute(
                sql: """
                    CREATE TABLE person (
                        source TEXT NOT NULL,
                        id TEXT NOT NULL,
                        name TEXT NOT NULL,
                        email TEXT,
                        PRIMARY KEY (source, id)
                    ) WITHOUT ROWID;
                    """)
        }
        // Review comments (Frame.io V4) and their replies, searchable on their own; the passes
        // that read them, and which file each pass has read (an interrupted pass resumes there);
        // what each pass changed (`catalog changes`). Comments are written as they are read, not
        // staged: a file's comments are replaced in one transaction.
        migrator.registerMigration("v17-comments") { db in
            try db.execute(
                sql: """
                    CREATE TABLE comment (
                        seq INTEGER PRIMARY KEY,
                        source TEXT NOT NULL,
                        id TEXT NOT NULL,
                        file_id TEXT NOT NULL,
                        parent_id TEXT,
                        text TEXT NOT NULL,
                        author_name TEXT,
                        author_email TEXT,
                        timestamp INTEGER,
                        duration INTEGER,
                        timecode TEXT,
                        page INTEGER,
                        completed_at TEXT,
                        completer_id TEXT,
                        created_at TEXT,
                        updated_at TEXT,
                        text_edited_at TEXT,
                        digest TEXT NOT NULL,
                        record TEXT NOT NULL,
                        pass_id INTEGER NOT NULL,
                        UNIQUE (source, id)
                    );
                    CREATE INDEX comment_by_file ON comment(source, file_id);
                    CREATE INDEX comment_open ON comment(source, file_id) WHERE completed_at IS NULL AND parent_id IS NULL;
                    CREATE VIRTUAL TABLE comment_fts USING fts5(
                        text, author_name,
                        content = 'comment', content_rowid = 'seq',
                        tokenize = 'unicode61 remove_diacritics 2',
                        prefix = '2 3'
                    );
                    CREATE TRIGGER comment_fts_insert AFTER INSERT ON comment BEGIN
                        INSERT INTO comment_fts(rowid, text, author_name) VALUES (new.seq, new.text, new.author_name);
                    END;
                    CREATE TRIGGER comment_fts_delete AFTER DELETE ON comment BEGIN
                        INSERT INTO comment_fts(comment_fts, rowid, text, author_name) VALUES ('delete', old.seq, old.text, old.author_name);
                    END;
                    CREATE TRIGGER comment_fts_update AFTER UPDATE OF text, author_name ON comment BEGIN
                        INSERT INTO comment_fts(comment_fts, rowid, text, author_name) VALUES ('delete', old.seq, old.text, old.author_name);
                        INSERT INTO comment_fts(rowid, text, author_name) VALUES (new.seq, new.text, new.author_name);
                    END;

                    CREATE TABLE comment_pass (
                        id INTEGER PRIMARY KEY,
                        source TEXT NOT NULL,
                        mode TEXT NOT NULL CHECK (mode IN ('full', 'delta')),
                        started_at TEXT NOT NULL,
                        finished_at TEXT,
                        since TEXT,
                        status TEXT NOT NULL CHECK (status IN ('running', 'complete', 'failed')),
                        files_read INTEGER NOT NULL DEFAULT 0,
                        files_failed INTEGER NOT NULL DEFAULT 0
                    );
                    CREATE TABLE comment_file (
                        source TEXT NOT NULL,
                        file_id TEXT NOT NULL,
                        pass_id INTEGER NOT NULL,
                        comment_count INTEGER NOT NULL,
                        read_at TEXT NOT NULL,
                        error TEXT,
                        PRIMARY KEY (source, file_id)
                    ) WITHOUT ROWID;
                    CREATE TABLE comment_change (
                        seq INTEGER PRIMARY KEY,
                        pass_id INTEGER NOT NULL,
                        source TEXT NOT NULL,
                        comment_id TEXT NOT NULL,
                        file_id TEXT NOT NULL,
                        change TEXT NOT NULL CHECK (change IN ('added', 'changed', 'deleted')),
                        at TEXT NOT NULL,
                        text TEXT NOT NULL
                    );
                    CREATE INDEX comment_change_pass ON comment_change(pass_id);
                    """)
        }
        // Where a pulled catalog came from (`catalog pull`): one row, none in a host's own catalog.
        migrator.registerMigration("v18-pull-origin") { db in
            try db.execute(
                sql: """
                    CREATE TABLE pull_origin (
                        id INTEGER PRIMARY KEY CHECK (id = 1),
                        url TEXT NOT NULL,
                        snapshot TEXT NOT NULL,
                        generation TEXT NOT NULL,
                        pulled_at TEXT NOT NULL,
                        bytes INTEGER NOT NULL
                    );
                    """)
        }
        // The last crawl a pull brought: crawls after it were made here (scans of drives).
        migrator.registerMigration("v19-pull-origin-last-crawl") { db in
            try db.execute(sql: "ALTER TABLE pull_origin ADD COLUMN last_crawl INTEGER NOT NULL DEFAULT 0")
        }
        return migrator
    }

    /// An item's kind with Dash's `asset` as `file`: what `kind:` filters compare, and what the
    /// kind index keys.
    static let fileKind = "(CASE kind WHEN 'asset' THEN 'file' ELSE kind END)"

    /// The item columns shared by `item` and the staging table `crawl_item`, in insert order.
    static let itemColumns = ItemRecord.Columns.allCases.map(\.name)
}

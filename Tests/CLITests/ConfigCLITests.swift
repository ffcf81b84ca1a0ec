import CatalogCore
import CatalogStore
import Foundation
import Testing

/// The config file and `catalog config`: flags > environment > file > defaults, secrets refused.
@Suite(.serialized) struct ConfigCLITests {
    /// A config home holding `text` as catalog/config.toml.
    static func configHome(_ text: String) throws -> String {
        let home = try scratchDirectory()
        try FileManager.default.createDirectory(atPath: home + "/catalog", withIntermediateDirectories: true)
        try text.write(toFile: home + "/catalog/config.toml", atomically: true, encoding: .utf8)
        return home
    }

    @Test func theFileGivesDefaultsTheEnvironmentAndFlagsOverride() async throws {
        let db = try scratchDirectory() + "/team.sqlite"
        let database = try CatalogDatabase(path: db)
        let session = try database.beginCrawl(source: .frameio)
        try await database.stage(
            [CatalogItem(source: .frameio, id: "f1", kind: .file, name: "clip.mov", parentID: "p", projectID: "p", path: "A/clip.mov", record: "{}")],
            in: session)
        try await database.complete(session, stats: CrawlStats())
        let home = try Self.configHome(
            """
            # the team's catalog
            db = "\(db)"

            [frameio]
            client_id = "abc123"   # the Adobe project
            api_url = 'https://frameio.example/v4'

            [crawl]
            concurrency = 4
            """)
        // `search` with no --db finds the catalog the file names.
        let search = try await runCatalog(["search", "clip", "--format", "csv", "--fields", "id"], environment: ["XDG_CONFIG_HOME": home])
        #expect(search.status == 0 && search.stdout.contains("f1"), "\(search.stdout) \(search.stderr)")
        let shown = try await runCatalog(
            ["config"], environment: ["XDG_CONFIG_HOME": home, "FRAMEIO_API_URL": "https://env.example/v4", "DASH_TOKEN": "s3cr3t-dash"])
        #expect(shown.status == 0, "\(shown.stderr)")
        let rows = shown.stdout.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ") }
        #expect(rows.contains("frameio.client_id abc123 config file"), "\(shown.stdout)")
        #expect(rows.contains("frameio.api_url https://env.example/v4 environment FRAMEIO_API_URL"), "\(shown.stdout)")
        #expect(rows.contains("crawl.concurrency 4 config file"), "\(shown.stdout)")
        #expect(rows.contains("dash.api_url https://api-v2.dash.app default"), "\(shown.stdout)")
        #expect(rows.contains("DASH_TOKEN •••••• (set) environment") && !shown.stdout.contains("s3cr3t"), "\(shown.stdout)")
        // A flag wins over the file: --db elsewhere is a missing catalog.
        let flag = try await runCatalog(["search", "clip", "--db", db + ".other"], environment: ["XDG_CONFIG_HOME": home])
        #expect(flag.status == 3, "\(flag.stderr)")
    }

    @Test func secretsUnknownKeysAndBadSyntaxAreRefusedWithTheLine() async throws {
        let secret = try Self.configHome("[dash]\nclient_secret = \"x\"\n")
        let refused = try await runCatalog(["status"], environment: ["XDG_CONFIG_HOME": secret])
        #expect(refused.status == 2 && refused.stderr.contains("holds dash.client_secret, a secret"), "\(refused.stderr)")
        let typo = try Self.configHome("[frameio]\napi_ulr = \"https://x/v4\"\n")
        let unknown = try await runCatalog(["config"], environment: ["XDG_CONFIG_HOME": typo])
        #expect(
            unknown.status == 2 && unknown.stderr.contains("unknown setting 'frameio.api_ulr'. Did you mean 'frameio.api_url'?"), "\(unknown.stderr)")
        let broken = try Self.configHome("# fine\n\n[crawl]\nconcurrency = [4]\n")
        let syntax = try await runCatalog(["config"], environment: ["XDG_CONFIG_HOME": broken])
        #expect(syntax.status == 2 && syntax.stderr.contains("config.toml, line 4: '[4]' is not a setting's value"), "\(syntax.stderr)")
        let badValue = try Self.configHome("[crawl]\nconcurrency = 500\n")
        let range = try await runCatalog(
            ["crawl", "frameio", "--db", try scratchDirectory() + "/c.sqlite"], environment: ["XDG_CONFIG_HOME": badValue, "FRAMEIO_TOKEN": "t"])
        #expect(range.status == 2 && range.stderr.contains("CATALOG_CONCURRENCY (the config file's crawl.concurrency) is '500'"), "\(range.stderr)")
    }
}

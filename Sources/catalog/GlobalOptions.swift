import ArgumentParser
import CatalogCore
import CatalogStore
import Foundation

/// Flags every subcommand shares.
struct GlobalOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The catalog file (default: $CATALOG_DB, else $XDG_DATA_HOME/catalog/catalog.sqlite, else ~/.local/share/catalog/catalog.sqlite).",
            valueName: "path"), completion: .file(extensions: ["sqlite"]))
    var db: String?

    @Flag(name: .shortAndLong, help: "No progress and no summary on stderr.")
    var quiet = false

    @Flag(name: .shortAndLong, help: "Log requests and retries on stderr.")
    var verbose = false

    /// The resolved catalog path (`--db`, `CATALOG_DB`, the config file's `db`, the default)
    /// and whether it is the default one.
    func databasePath() throws -> (path: String, isDefault: Bool) {
        if let db { return (db, false) }
        let environment = try Settings.environment()
        let path = CatalogLocation.defaultPath(environment: environment)
        return (path.hasPrefix("~/") ? NSHomeDirectory() + path.dropFirst() : path, environment["CATALOG_DB"]?.isEmpty ?? true)
    }

    /// Opens the catalog: for crawls, creating it (and the default directory) when needed; for
    /// every other command read-only, so they never create, migrate or lock a catalog and work on
    /// one they cannot write.
    func openDatabase(_ access: CatalogDatabase.Access = .readOnly) throws -> CatalogDatabase {
        let (path, isDefault) = try databasePath()
        return try CatalogDatabase(path: path, createDirectory: isDefault && access == .readWrite, access: access)
    }

    /// How items' web addresses are made for this catalog (the API of its last Frame.io crawl,
    /// `DASH_ASSET_URL`).
    func webLink(_ database: CatalogDatabase) throws -> WebLink {
        WebLink(
            frameIOAPI: try database.lastCompleteCrawl(source: .frameio)?.api,
            dashAssetURL: try Settings.environment()["DASH_ASSET_URL"])
    }
}

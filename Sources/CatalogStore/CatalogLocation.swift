/// Where the catalog file lives when no `--db` is given.
public enum CatalogLocation {
    /// `CATALOG_DB`, else `$XDG_DATA_HOME/catalog/catalog.sqlite`, else `~/.local/share/catalog/catalog.sqlite`.
    public static func defaultPath(environment: [String: String]) -> String {
        if let path = environment["CATALOG_DB"], !path.isEmpty { return path }
        if let data = environment["XDG_DATA_HOME"], data.hasPrefix("/") { return data + "/catalog/catalog.sqlite" }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        return home + "/.local/share/catalog/catalog.sqlite"
    }
}

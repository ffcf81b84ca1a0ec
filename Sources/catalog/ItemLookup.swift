import ArgumentParser
import CatalogCore
import CatalogStore

/// `ID|PATH` as `show` and `open` take it: an item's id, else its whole path.
struct ItemReference: ParsableArguments {
    @Argument(help: ArgumentHelp("The item's id, or its whole path (as search shows it).", valueName: "id|path"))
    var reference: String

    @Option(help: "Only this source (when an id or path is in both).")
    var source: Source?

    /// The items it names: those with that id, else those at that path. None is an error that
    /// says how to find one.
    func items(in database: CatalogDatabase) throws -> [CatalogItem] {
        let trimmed = reference.hasSuffix("/") && reference.count > 1 ? String(reference.dropLast()) : reference
        let byID = try database.items(id: trimmed, source: source)
        if !byID.isEmpty { return byID }
        let byPath = try database.items(path: trimmed, source: source)
        if !byPath.isEmpty { return byPath }
        throw ItemNotFound(reference: reference)
    }
}

/// No item has the id or path given.
struct ItemNotFound: Error, CatalogFailure, CustomStringConvertible {
    var reference: String
    var failureClass: FailureClass { .failure }
    var description: String {
        "no item has the id or path '\(reference)'. Find it with `catalog search` (the JSON's id and path), or browse with `catalog ls`."
    }
}

import ArgumentParser
import CatalogCore
import CatalogStore

/// `ID|PATH|NAME` as `show` and `open` take it: an item's id, its whole path, the start of its
/// id (at least 4 characters, as a table's short ID shows it), or its name, when one item has it.
struct ItemReference: ParsableArguments {
    @Argument(
        help: ArgumentHelp(
            "The item's id, whole path, id's first characters (4 or more) or name (when one item has it).", valueName: "id|path|name"))
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
        // The start of an id, then a name: one item is the answer; several are listed to choose from.
        if trimmed.count >= 4 {
            let byPrefix = try database.items(idPrefix: trimmed, source: source, limit: 11)
            if byPrefix.count == 1 { return byPrefix }
            if byPrefix.count > 1 { throw ItemAmbiguous(reference: reference, candidates: byPrefix, by: "ids start with") }
        }
        let byName = try database.items(named: trimmed, source: source, limit: 11)
        if byName.count == 1 { return byName }
        if byName.count > 1 { throw ItemAmbiguous(reference: reference, candidates: byName, by: "are named") }
        throw ItemNotFound(reference: reference)
    }
}

/// Several items answer to a short id or a name: each with its id and path, to pick one by.
struct ItemAmbiguous: Error, CatalogFailure, CustomStringConvertible {
    var reference: String
    var candidates: [CatalogItem]
    var by: String
    var failureClass: FailureClass { .usage }
    var description: String {
        let shown = candidates.prefix(10).map { "\n  \($0.source.rawValue) \(TerminalText.sanitize($0.id))  \(TerminalText.sanitize($0.path))" }
            .joined()
        return
            """
            \(candidates.count > 10 ? "more than 10" : String(candidates.count)) items \(by) '\(TerminalText.sanitize(reference))'; give one's \
            id or path:
            """
                + shown
    }
}

/// No item has the id or path given.
struct ItemNotFound: Error, CatalogFailure, CustomStringConvertible {
    var reference: String
    var failureClass: FailureClass { .failure }
    var description: String {
        "no item has the id, path or name '\(reference)'. Find it with `catalog search` (the JSON's id and path), or browse with `catalog ls`."
    }
}

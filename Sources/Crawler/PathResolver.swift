import CatalogCore

/// New paths of the items a delta places, resolved upwards through the re-listed projects, the
/// assets the delta read and, for the rest, the catalog, so an ancestor renamed in the same delta
/// is honoured. Shared by the Frame.io v2 and V4 deltas.
struct PathResolver {
    /// Project id by the id of its root (v2 root asset, V4 root folder).
    private var rootOwner: [String: String] = [:]
    private var resolved: [String: String] = [:]

    /// Where an item is: its name and the id of what it sits in, as the service says now (an
    /// asset read by the delta) or as the catalog holds it; nil when neither knows it.
    typealias Place = (name: String, parentID: String)

    init(projects: [(id: String, rootID: String, path: String)]) {
        for project in projects {
            rootOwner[project.rootID] = project.id
            resolved[project.id] = project.path
        }
    }

    /// The catalog parent (item id and new path) of an asset whose parent is `parentAssetID`.
    mutating func parent(_ parentAssetID: String, place: (String) throws -> Place?) throws -> (String, String)? {
        let id = rootOwner[parentAssetID] ?? parentAssetID
        guard let path = try path(of: id, place: place) else { return nil }
        return (id, path)
    }

    /// The new path of item `id` (a container, a project), or nil when it cannot be placed.
    mutating func path(of id: String, place: (String) throws -> Place?, depth: Int = 0) throws -> String? {
        if let path = resolved[id] { return path }
        guard depth < 256, let (name, parent) = try place(id) else { return nil }
        guard let parentPath = try path(of: rootOwner[parent] ?? parent, place: place, depth: depth + 1) else { return nil }
        let path = ItemPath.join(parentPath, name)
        resolved[id] = path
        return path
    }
}

/// Builds the human paths of catalog items.
///
/// Path segments are joined with `/`; a `/` inside a name is kept as-is, because names on the
/// services may contain it and the path is for people and full-text search, not for parsing.
public enum ItemPath {
    /// The path of a child named `name` under `parent` (an empty parent gives just the name).
    public static func join(_ parent: String, _ name: String) -> String {
        parent.isEmpty ? name : parent + "/" + name
    }
}

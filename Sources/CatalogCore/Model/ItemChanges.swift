/// What a committed crawl did to the catalog's items: the result of the store's merge, kept in
/// the crawl's ``CrawlStats``.
public struct ItemChanges: Sendable, Equatable {
    /// Items new to the catalog.
    public var added = 0
    /// Items whose record, path or searchable text changed.
    public var changed = 0
    /// Items removed because the service no longer has them.
    public var deleted = 0
    /// Items left as they were.
    public var unchanged = 0
    /// Changed items that moved: a new parent, or a new path under the same name (an ancestor
    /// renamed or moved). Counted among the changed.
    public var moved = 0

    /// Creates counts.
    public init(added: Int = 0, changed: Int = 0, deleted: Int = 0, unchanged: Int = 0, moved: Int = 0) {
        self.added = added
        self.changed = changed
        self.deleted = deleted
        self.unchanged = unchanged
        self.moved = moved
    }

    /// The source's items after the merge: added, changed and unchanged.
    public var items: Int { added + changed + unchanged }
}

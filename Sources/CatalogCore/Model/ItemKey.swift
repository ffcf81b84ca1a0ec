/// An item's identity: its source and its id there.
public struct ItemKey: Hashable, Sendable {
    /// The service.
    public var source: Source
    /// The service's id.
    public var id: String

    /// The identity of item `id` of `source`.
    public init(source: Source, id: String) {
        self.source = source
        self.id = id
    }
}

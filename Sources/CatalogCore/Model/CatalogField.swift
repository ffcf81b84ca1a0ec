/// A custom metadata field of a source (Dash fields, Frame.io V4 metadata fields), as the catalog keeps it.
public struct CatalogField: Sendable, Hashable {
    /// The service the field belongs to.
    public var source: Source
    /// The service's id for the field.
    public var id: String
    /// The display name, used in `Name:value` search filters.
    public var name: String
    /// The field's order in the service's list.
    public var position: Int
    /// Values are option ids rather than free text.
    public var hasFixedOptions: Bool
    /// Options form a tree.
    public var hierarchical: Bool
    /// An asset may hold several values.
    public var multiValue: Bool
    /// This is the source's folders field (Dash folder settings).
    public var isFolders: Bool
    /// The kind of value it holds, as the service names it (V4 `field_type`: `select`, `rating`,
    /// `user_multi`, …; Dash `editControl`), or empty when unknown.
    public var type: String
    /// The canonical JSON the service sent.
    public var record: String

    /// Creates a field.
    public init(
        source: Source, id: String, name: String, position: Int, hasFixedOptions: Bool, hierarchical: Bool, multiValue: Bool,
        isFolders: Bool, type: String = "", record: String
    ) {
        self.source = source
        self.id = id
        self.name = name
        self.position = position
        self.hasFixedOptions = hasFixedOptions
        self.hierarchical = hierarchical
        self.multiValue = multiValue
        self.isFolders = isFolders
        self.type = type
        self.record = record
    }
}

/// One option of a fixed-options field; in a hierarchical field, a node of its tree.
public struct CatalogFieldOption: Sendable, Hashable {
    /// The service the option belongs to.
    public var source: Source
    /// The service's id for the option.
    public var id: String
    /// The field's id.
    public var fieldID: String
    /// The parent option's id (nil at the root).
    public var parentID: String?
    /// The option's own value, e.g. `Spring`.
    public var value: String
    /// Its position among its siblings.
    public var position: Int?
    /// The full path from the root, e.g. `Campaigns / 2026 / Spring`.
    public var path: String
    /// The canonical JSON the service sent.
    public var record: String

    /// The separator between the levels of ``path``.
    public static let pathSeparator = " / "

    /// Creates an option.
    public init(source: Source, id: String, fieldID: String, parentID: String?, value: String, position: Int?, path: String, record: String) {
        self.source = source
        self.id = id
        self.fieldID = fieldID
        self.parentID = parentID
        self.value = value
        self.position = position
        self.path = path
        self.record = record
    }
}

/// A person a user field can name (a V4 account's user): user fields keep the name, so a
/// search by e-mail (`Assignee:mei@example.com`) finds it here.
public struct CatalogPerson: Sendable, Hashable {
    /// The service the person belongs to.
    public var source: Source
    /// The service's id for the user.
    public var id: String
    /// The name user fields hold for the person (what the catalog shows).
    public var name: String
    /// The person's e-mail address, when the service gives one.
    public var email: String?

    public init(source: Source, id: String, name: String, email: String?) {
        self.source = source
        self.id = id
        self.name = name
        self.email = email
    }
}

import CatalogCore

/// The signed-in user (`GET /current-user`).
public struct DashUser: Sendable, Equatable {
    /// The user's id.
    public var id: String
    /// The account (tenant) id.
    public var accountID: String?
    /// The e-mail address.
    public var email: String?
}

/// A custom field (`GET /fields`).
public struct DashField: Sendable, Equatable {
    /// The field's id (the key in `metadata.values`).
    public var id: String
    /// The display name.
    public var name: String
    /// Values are option ids.
    public var hasFixedOptions: Bool
    /// Options form a tree.
    public var hierarchical: Bool
    /// Several values are allowed.
    public var multiValue: Bool
    /// The object as sent.
    public var record: JSONValue
}

/// A field option (`POST /field-option-searches`).
public struct DashFieldOption: Listed, Equatable {
    /// The option's id.
    public var id: String
    /// Its value.
    public var value: String
    /// The field's id.
    public var fieldID: String?
    /// Its position among its siblings.
    public var position: Int?
    /// Whether it has no children.
    public var leaf: Bool?
    /// How many children it has, when sent.
    public var numberOfChildren: Int?
    /// The parent's id when the response names it (a flat search may send `parent: null`).
    public var parentID: String? = nil
    /// The object as sent.
    public var record: JSONValue

    /// Whether the option may have children to list (unknown counts are listed).
    public var mayHaveChildren: Bool {
        if let numberOfChildren { return numberOfChildren > 0 }
        return leaf != true
    }
}

/// An asset (`POST /asset-searches`): the parts the catalog reads, plus the object as sent.
public struct DashAsset: Listed, Equatable {
    /// The asset's id.
    public var id: String
    /// `lifecycleStatus.state` (LIVE, STAGED, PENDING_APPROVAL, BINNED …).
    public var state: String?
    /// `dateLastModified`.
    public var dateLastModified: String?
    /// `metadata.values`: field id → values.
    public var metadata: [(fieldID: String, values: [String])]
    /// `currentAssetFile.filename`.
    public var filename: String?
    /// `currentAssetFile.fileType`.
    public var fileType: String?
    /// `currentAssetFile.size`.
    public var size: Int64?
    /// `currentAssetFile.checksum` (MD5 hex), lowercased; nil when absent or not 32 hex digits.
    public var checksum: String?
    /// `currentAssetFile.dateAdded`.
    public var dateAdded: String?
    /// `currentAssetFile.mediaType` as `type/subType`.
    public var mime: String?
    /// The object as sent.
    public var record: JSONValue

    public static func == (lhs: DashAsset, rhs: DashAsset) -> Bool { lhs.record == rhs.record }
}

/// One page of a Dash search: `{results: [{result, permittedActions}], totalResults}`.
public struct DashPage<Element: Sendable>: Sendable {
    /// The elements of this page.
    public var elements: [Element]
    /// How many results the search has in all (may exceed what paging can reach).
    public var totalResults: Int
}

import CatalogCore
import Foundation

/// A Dash tenant the sandbox serves: fields, option trees and assets.
///
/// Loaded from the hand-written fixture (Fixtures/sandbox/dash-tenant.json) or generated from a
/// seed. Tests derive the exact expected catalog from it.
public struct DashDataset: Sendable {
    /// A custom field.
    public struct Field: Sendable, Equatable {
        public var id: String
        public var name: String
        public var hasFixedOptions: Bool
        public var hierarchical: Bool
        public var multiValue: Bool
        public var editControl: String
    }

    /// An option of a fixed-options field (a folder, for the folders field).
    public struct Option: Sendable, Equatable {
        public var id: String
        public var fieldID: String
        public var parentID: String?
        public var value: String
        public var position: Int
    }

    /// An asset and its current file.
    public struct Asset: Sendable, Equatable {
        public var id: String
        public var filename: String
        public var fileType: String
        public var size: Int64
        /// MD5 hex, or nil for a file still processing.
        public var checksum: String?
        /// When the current file was added (ms precision, UTC).
        public var dateAdded: String
        /// When the asset last changed (ms precision, UTC).
        public var dateLastModified: String
        public var mediaType: String
        public var subType: String
        /// STAGED, PENDING_APPROVAL, LIVE or BINNED.
        public var state: String
        /// Field id → values (option ids for fixed-options fields, text otherwise), in order.
        public var metadata: [(fieldID: String, values: [String])]
        /// Upload order (ADDED_ORDER).
        public var addedOrder: Int

        public static func == (lhs: Asset, rhs: Asset) -> Bool {
            lhs.id == rhs.id && lhs.dateLastModified == rhs.dateLastModified && lhs.checksum == rhs.checksum
        }
    }

    public var accountID: String
    public var userID: String
    public var userEmail: String
    public var fields: [Field] = []
    /// The folders field's id (folder settings).
    public var foldersFieldID: String
    public var options: [Option] = []
    public var assets: [Asset] = []

    /// Creates an empty tenant.
    public init(accountID: String, userID: String, userEmail: String, foldersFieldID: String) {
        self.accountID = accountID
        self.userID = userID
        self.userEmail = userEmail
        self.foldersFieldID = foldersFieldID
    }

    /// A tenant with no assets, for a sandbox that serves Frame.io only.
    public static let empty: DashDataset = {
        var dataset = DashDataset(accountID: "acc-empty", userID: "user-empty", userEmail: "nobody@example.com", foldersFieldID: "folders")
        dataset.fields = [
            Field(id: "folders", name: "Folders", hasFixedOptions: true, hierarchical: true, multiValue: true, editControl: "CHECKBOX")
        ]
        return dataset
    }()

    /// The values from the root to `optionID` (e.g. `["Campaigns", "2026", "Spring"]`), or nil.
    public func optionLevels(_ optionID: String) -> [String]? {
        let byID = Dictionary(options.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        return Self.levels(optionID, byID)
    }

    static func levels(_ optionID: String, _ byID: [String: Option]) -> [String]? {
        var levels: [String] = []
        var current = byID[optionID]
        var guardCount = 0
        while let option = current, guardCount < 64 {
            levels.insert(option.value, at: 0)
            current = option.parentID.flatMap { byID[$0] }
            guardCount += 1
        }
        return levels.isEmpty ? nil : levels
    }
}

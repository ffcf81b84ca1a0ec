import Foundation

/// A structured condition on catalog items, written `name:value` in a query.
public enum Filter: Sendable, Equatable {
    /// `kind:file,folder`: the item is of one of these kinds.
    case kind([ItemKind])
    /// `source:frameio`: the item came from one of these services.
    case source([Source])
    /// `project:NAME,OTHER`: the item belongs to a project of one of these names (case-insensitive
    /// in every script; `*` is a wildcard).
    case project([String])
    /// `ext:mov,mp4`: the file name ends in one of these extensions (case-insensitive).
    case ext([String])
    /// `label:approved,needs_review`: the review label is one of these (case-insensitive).
    case label([String])
    /// `size:>1GB`: the size compares so with this many bytes.
    case size(Comparison, Int64)
    /// `updated:>=2025-01-01`, `created:`, `uploaded:`: the time falls in `[lower, upper)`.
    case date(DateField, lower: Date?, upper: Date?)
    /// `xxh64:HEX` / `md5:HEX`: the content digest is this.
    case digest(Digest.Algorithm, String)
    /// `state:live`: lifecycle state, any of these (upper case).
    case state([String])
    /// `type:video`: the MIME type's top level, any of these (`document` = application/* and text/*).
    case mediaType([String])
    /// `folder:"Campaigns/2026"`: in one of these folders or below it (levels joined by `/`): a
    /// Dash asset filed there, any other item whose path runs through a folder of that path.
    case folder([String])
    /// `Brand:Acme,Globex`: a custom field (canonical name) holding one of these values, or an
    /// option below one.
    case field(name: String, values: [String])
    /// `Rating:>=4`, `Score:3..5`: a number field holding a number in `[lower, upper]` (each end
    /// inclusive or not, nil for none).
    case fieldNumber(name: String, lower: Bound?, upper: Bound?)
    /// `"Air Date":>=2026-03-01`: a date field holding a date in `[lower, upper)`.
    case fieldDate(name: String, lower: Date?, upper: Date?)
    /// `comment:logo`, `comment:"too small"`: a file with a comment or reply whose text (or
    /// author) matches one of these terms (full-text, as the free text is).
    case comment([SearchQuery.Term])
    /// `commented:true`: a Frame.io file with comments (false: one without).
    case commented(Bool)
    /// `comments:>3`: a Frame.io file with so many comments and replies.
    case commentCount(Comparison, Int)
    /// `open_comments:true`: a file with a comment not yet completed (false: none open).
    case openComments(Bool)

    /// Whether it asks about comments (the catalog's comment tables answer it).
    public var isAboutComments: Bool { matchesFilesWithoutComments != nil }

    /// For a filter about comments, whether a file without any comment matches it
    /// (`commented:false`, `comments:<3`); nil for any other filter. A filter no such file
    /// matches can match nothing in a catalog that holds no comments.
    public var matchesFilesWithoutComments: Bool? {
        switch self {
        case .comment: false
        case .commented(let flag), .openComments(let flag): !flag
        case .commentCount(let comparison, let count):
            switch comparison {
            case .less, .lessOrEqual: true
            case .equal, .greaterOrEqual: count == 0
            case .greater: false
            }
        default: nil
        }
    }

    /// One end of a number range.
    public struct Bound: Sendable, Equatable {
        public var value: Double
        public var inclusive: Bool

        public init(_ value: Double, inclusive: Bool) {
            self.value = value
            self.inclusive = inclusive
        }
    }

    /// A comparison operator in `size:` filters.
    public enum Comparison: String, Sendable, Equatable {
        /// `<`
        case less = "<"
        /// `<=`
        case lessOrEqual = "<="
        /// `>`
        case greater = ">"
        /// `>=`
        case greaterOrEqual = ">="
        /// `=` (or no operator)
        case equal = "="
    }

    /// The time columns date filters can test.
    public enum DateField: String, Sendable, Equatable, CaseIterable {
        /// `created:`, the service's creation time.
        case created
        /// `updated:`, the service's last-change time.
        case updated
        /// `uploaded:`, when the bytes finished uploading.
        case uploaded
    }

    /// The filter names the query language knows, for help and suggestions.
    public static let names = [
        "kind", "source", "project", "ext", "label", "size", "created", "updated", "uploaded", "xxh64", "md5", "state", "type", "folder",
        "comment", "commented", "comments", "open_comments",
    ]

    /// The values `type:` accepts.
    public static let mediaTypes = ["image", "video", "audio", "document"]
}

import Foundation

/// A review comment on a file, or a reply to one, as the catalog keeps it (Frame.io V4).
public struct CatalogComment: Sendable, Equatable {
    /// The service the comment belongs to.
    public var source: Source
    /// The service's id for the comment.
    public var id: String
    /// The file it is about.
    public var fileID: String
    /// The comment a reply answers; nil for a comment.
    public var parentID: String?
    public var text: String
    /// Who wrote it, when the service says (replies carry no author).
    public var authorName: String?
    public var authorEmail: String?
    /// Where in the media it points, as the service gives it: a frame number, and a length in
    /// frames (only with a timestamp).
    public var timestamp: Int?
    public var duration: Int?
    /// `timestamp` as a readable timecode (`HH:MM:SS:FF`, see ``Timecode``).
    public var timecode: String?
    /// The document page it is about.
    public var page: Int?
    /// When it was marked done, and by whom (nil: still to address).
    public var completedAt: Date?
    public var completerID: String?
    public var createdAt: Date?
    public var updatedAt: Date?
    /// When its text was last edited.
    public var textEditedAt: Date?
    /// The canonical JSON the service sent (replies removed: each is a comment of its own).
    public var record: String

    public init(
        source: Source, id: String, fileID: String, parentID: String? = nil, text: String, authorName: String? = nil,
        authorEmail: String? = nil, timestamp: Int? = nil, duration: Int? = nil, timecode: String? = nil, page: Int? = nil,
        completedAt: Date? = nil, completerID: String? = nil, createdAt: Date? = nil, updatedAt: Date? = nil, textEditedAt: Date? = nil,
        record: String
    ) {
        self.source = source
        self.id = id
        self.fileID = fileID
        self.parentID = parentID
        self.text = text
        self.authorName = authorName
        self.authorEmail = authorEmail
        self.timestamp = timestamp
        self.duration = duration
        self.timecode = timecode
        self.page = page
        self.completedAt = completedAt
        self.completerID = completerID
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.textEditedAt = textEditedAt
        self.record = record
    }

    /// Whether it is done (`completed_at` is set).
    public var isCompleted: Bool { completedAt != nil }
}

/// A frame number as a SMPTE-style timecode, `HH:MM:SS:FF` (non-drop-frame).
///
/// Frame.io V4 gives a comment's `timestamp` as a frame number and no frame rate for the file:
/// the catalog assumes 24 frames a second, 25 for MXF (what the service's own timecode strings
/// use; see docs/schema.md).
public enum Timecode {
    /// The frame rate assumed for a file of `mime` type.
    public static func framesPerSecond(mime: String?) -> Int { mime == "application/mxf" ? 25 : 24 }

    /// `frames` at `fps` as `HH:MM:SS:FF`; nil for a negative frame number or rate.
    public static func format(frames: Int, fps: Int) -> String? {
        guard frames >= 0, fps > 0 else { return nil }
        let seconds = frames / fps
        let (hours, minutes) = (seconds / 3600, (seconds / 60) % 60)
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(two(hours)):\(two(minutes)):\(two(seconds % 60)):\(two(frames % fps))"
    }
}

/// A comment with where its file is, as `catalog comments`, `show` and the reports list it.
public struct ListedComment: Sendable, Equatable {
    public var comment: CatalogComment
    /// The file's catalog path and project, nil when the file is not (or no longer) catalogued.
    public var path: String?
    public var projectID: String?

    public init(comment: CatalogComment, path: String?, projectID: String?) {
        self.comment = comment
        self.path = path
        self.projectID = projectID
    }
}

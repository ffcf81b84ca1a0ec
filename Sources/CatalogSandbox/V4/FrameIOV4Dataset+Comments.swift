import CatalogCore
import Foundation

extension FrameIOV4Dataset {
    /// A review comment on a file, or a reply to one (`parentID`). The service serves replies
    /// only nested under their comment, without an owner.
    public struct Comment: Sendable {
        public var id: String
        public var fileID: String
        public var parentID: String?
        public var text: String
        /// The author (a user id of ``users``).
        public var ownerID: String
        /// A frame number, and a length in frames.
        public var timestamp: Int?
        public var duration: Int?
        /// A document page.
        public var page: Int?
        public var completedAt: String?
        public var completerID: String?
        public var createdAt: String
        public var updatedAt: String
        public var textEditedAt: String?
    }

    /// The live comments of the file `fileID` that are not replies, oldest first, each with its
    /// replies.
    public func comments(of fileID: String) -> [(comment: Comment, replies: [Comment])] {
        let mine = commentsByFile[fileID] ?? []
        let replies = Dictionary(grouping: mine.filter { comments[$0].parentID != nil }.map { comments[$0] }) { $0.parentID ?? "" }
        return mine.map { comments[$0] }.filter { $0.parentID == nil }.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }.map {
            ($0, (replies[$0.id] ?? []).sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) })
        }
    }

    /// Comments and replies on `fileID` (what the system field `Comment Count` would say).
    public func commentCount(of fileID: String) -> Int { commentsByFile[fileID]?.count ?? 0 }

    /// Comments of the fixture: notes with timecodes, a reply, a completed note, a document page,
    /// hostile and long text, a comment on a version and one in the invited project.
    static func fixtureComments(users: [User]) -> [Comment] {
        let (vera, ravi) = (users[0].id, users.count > 1 ? users[1].id : users[0].id)
        func note(
            _ id: String, on file: String, _ text: String, by owner: String, at timestamp: Int? = nil, for duration: Int? = nil,
            page: Int? = nil, parent: String? = nil, completed: String? = nil, created: String, edited: String? = nil
        ) -> Comment {
            Comment(
                id: id, fileID: file, parentID: parent, text: text, ownerID: owner, timestamp: timestamp, duration: duration, page: page,
                completedAt: completed, completerID: completed == nil ? nil : vera, createdAt: created, updatedAt: completed ?? edited ?? created,
                textEditedAt: edited)
        }
        return [
            note(
                "cmt-flicker", on: "file-a001", "Flicker at the end of the take, see v2", by: ravi, at: 15_838, for: 47,
                created: "2026-06-16T09:00:00.000000Z"),
            note(
                "cmt-flicker-reply", on: "file-a001", "Fixed in the grade", by: vera, parent: "cmt-flicker",
                created: "2026-06-16T10:00:00.000000Z"),
            note(
                "cmt-focus", on: "file-a001", "Soft focus on the logo, too small as well", by: vera, at: 288,
                completed: "2026-06-17T08:00:00.000000Z", created: "2026-06-16T11:00:00.000000Z"),
            note(
                "cmt-cut", on: "file-cut-v2", "Logo too small in the end card", by: ravi, at: 2_400, for: 24,
                created: "2026-06-18T09:00:00.000000Z", edited: "2026-06-18T09:30:00.000000Z"),
            note("cmt-poster", on: "file-poster", "Approved by client", by: ravi, page: 2, created: "2026-06-19T09:00:00.000000Z"),
            note(
                "cmt-hostile", on: "file-slash", "\u{1B}[31mred\u{1B}[0m <script>alert(1)</script> \u{202E}txt.exe \"quoted\" \\ back",
                by: vera, at: 0, created: "2026-06-20T09:00:00.000000Z"),
            note(
                "cmt-long", on: "file-slash", String(repeating: "a very long note about the mix ", count: 40), by: ravi,
                created: "2026-06-20T10:00:00.000000Z"),
            note(
                "cmt-launch", on: "file-launch", "Client: approved, ship it", by: vera, at: 86_400 * 24 + 5,
                completed: "2026-06-22T09:00:00.000000Z", created: "2026-06-21T09:00:00.000000Z"),
        ]
    }

    /// Comments on about `rate` of the files of a generated account, from its own generator (the
    /// assets are the same with or without): one to four notes each, some with a reply, about
    /// a third completed, most at a frame, a few on a document page.
    static func generatedComments(assets: [Asset], users: [User], rate: Double, seed: UInt64) -> [Comment] {
        guard rate > 0 else { return [] }
        var rng = SeededGenerator(seed: seed ^ 0xC0)
        let words = ["logo", "flicker", "colour", "grade", "audio", "music", "title", "caption", "sync", "framing", "approved", "retime"]
        var comments: [Comment] = []
        let threshold = UInt64(rate * 1_000_000)
        for asset in assets where asset.type == "file" && rng.next() % 1_000_000 < threshold {
            for n in 0..<Int(1 + rng.next() % 4) {
                let id = FrameIODataset.uuid(0x4C0, UInt64(comments.count + 1), seed)
                let word = words[Int(rng.next() % UInt64(words.count))]
                let owner = users[Int(rng.next() % UInt64(users.count))].id
                let created = Timestamp.format(Date(timeIntervalSince1970: 1_735_689_600 + Double(rng.next() % 30_000_000)))
                    .replacingOccurrences(of: "Z", with: ".000000Z")
                let roll = rng.next() % 10
                let completed = roll < 3 ? created : nil
                comments.append(
                    Comment(
                        id: id, fileID: asset.id, parentID: nil, text: "Note \(n + 1): check the \(word) here", ownerID: owner,
                        timestamp: roll < 8 ? Int(rng.next() % 200_000) : nil, duration: roll < 2 ? Int(1 + rng.next() % 96) : nil,
                        page: roll == 9 ? Int(1 + rng.next() % 12) : nil, completedAt: completed, completerID: completed == nil ? nil : owner,
                        createdAt: created, updatedAt: created, textEditedAt: nil))
                if rng.next() % 4 == 0 {
                    comments.append(
                        Comment(
                            id: FrameIODataset.uuid(0x4C0, UInt64(comments.count + 1), seed), fileID: asset.id, parentID: id,
                            text: "Re: the \(word), done", ownerID: users[Int(rng.next() % UInt64(users.count))].id, createdAt: created,
                            updatedAt: created))
                }
            }
        }
        return comments
    }

    /// Changes some comments as reviewers do between two crawls, each written to the audit log:
    /// new comments and replies, an edit, a completion and one undone, deletions (a comment's
    /// replies go with it). Returns the counts by kind, and the events to log (type, comment
    /// id, file id).
    mutating func mutateComments(rate: Double, seed: UInt64, stamp: String) -> (
        counts: [String: Int], events: [(type: String, id: String, fileID: String)]
    ) {
        var rng = SeededGenerator(seed: seed ^ 0xC7)
        var counts: [String: Int] = [:]
        var events: [(type: String, id: String, fileID: String)] = []
        func log(_ type: String, _ id: String, _ fileID: String) { events.append((type, id, fileID)) }
        let files = liveIndices().filter { assets[$0].type == "file" }.map { assets[$0].id }
        guard !files.isEmpty else { return (counts, events) }
        let changes = max(6, Int((Double(comments.count) * rate).rounded()))
        for n in 0..<changes {
            let live = comments.indices.filter { commentFileIsLive(comments[$0]) }
            let kind = live.isEmpty ? 0 : n % 6
            switch kind {
            case 0, 1:
                // A new comment, or a reply to a live comment.
                let parent = kind == 1 ? live.filter { comments[$0].parentID == nil }.randomElement(using: &rng).map { comments[$0] } : nil
                let file = parent?.fileID ?? files[Int(rng.next() % UInt64(files.count))]
                let comment = Comment(
                    id: "cmt-\(seed)-\(n)", fileID: file, parentID: parent?.id, text: "Round \(seed) note \(n): logo placement",
                    ownerID: users.isEmpty ? user.id : users[Int(rng.next() % UInt64(users.count))].id,
                    timestamp: parent == nil ? Int(rng.next() % 5_000) : nil, createdAt: stamp, updatedAt: stamp)
                comments.append(comment)
                log("comment_created", comment.id, file)
                counts[parent == nil ? "comments added" : "replies added", default: 0] += 1
            case 2:
                guard let index = live.randomElement(using: &rng) else { continue }
                comments[index].text += " (edited in round \(seed))"
                comments[index].textEditedAt = stamp
                comments[index].updatedAt = stamp
                log("comment_updated", comments[index].id, comments[index].fileID)
                counts["comments edited", default: 0] += 1
            case 3, 4:
                // Completed, or (a completed one) uncompleted.
                let completed = kind == 4
                guard let index = live.filter({ (comments[$0].completedAt != nil) == completed }).randomElement(using: &rng) else { continue }
                comments[index].completedAt = completed ? nil : stamp
                comments[index].completerID = completed ? nil : user.id
                comments[index].updatedAt = stamp
                log(completed ? "comment_uncompleted" : "comment_completed", comments[index].id, comments[index].fileID)
                counts[completed ? "comments reopened" : "comments completed", default: 0] += 1
            default:
                guard let index = live.randomElement(using: &rng) else { continue }
                let id = comments[index].id
                log("comment_deleted", id, comments[index].fileID)
                comments.removeAll { $0.id == id || $0.parentID == id }
                counts["comments deleted", default: 0] += 1
            }
        }
        return (counts, events)
    }

    /// Whether the file a comment is on is live (a deleted file's comments are not served).
    func commentFileIsLive(_ comment: Comment) -> Bool { assetIndex[comment.fileID].map(isLive) ?? false }
}

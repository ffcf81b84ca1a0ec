import CatalogCore
import Foundation

extension FrameIOV4Dataset {
    /// The hand-written V4 fixture: two accounts; a workspace the user is in and one the user is
    /// not (a project invited from it); an inactive project; folders nested five deep; version
    /// stacks of three versions; an upload in progress (null media type); custom fields of every
    /// type with values; an asset type the client does not know; and hostile names (control
    /// characters, bidi overrides, escapes, a slash, very long names).
    public static func fixture() -> FrameIOV4Dataset {
        var data = FrameIOV4Dataset(user: User(id: "u-vera", name: "Vera Editor", email: "vera@example.com"))
        data.users = [data.user, User(id: "u-ravi", name: "Ravi Producer", email: "ravi@example.com")]
        let t0 = "2026-03-01T09:00:00.000000Z"
        let t1 = "2026-06-15T14:30:00.000000Z"
        data.accounts = [
            Account(id: "acc-studio", displayName: "Northlight Studio", createdAt: t0, updatedAt: t1),
            Account(id: "acc-agency", displayName: "Agency \"Blue\" \\ Partners", createdAt: t0, updatedAt: t1),
        ]
        data.workspaces = [
            Workspace(id: "ws-post", accountID: "acc-studio", name: "Post Production", createdAt: t0, updatedAt: t1, isMember: true),
            Workspace(id: "ws-mkt", accountID: "acc-studio", name: "Marketing", createdAt: t0, updatedAt: t1, isMember: true),
            Workspace(id: "ws-client", accountID: "acc-agency", name: "Client Work", createdAt: t0, updatedAt: t1, isMember: false),
        ]
        data.projects = [
            Project(
                id: "prj-feature", accountID: "acc-studio", workspaceID: "ws-post", name: "Feature Film", rootFolderID: "root-feature",
                status: "active", createdAt: t0, updatedAt: t1, isInvited: false),
            Project(
                id: "prj-archive", accountID: "acc-studio", workspaceID: "ws-post", name: "Archive 2024", rootFolderID: "root-archive",
                status: "inactive", createdAt: t0, updatedAt: t0, isInvited: false),
            // Invited too while the user is a member of its workspace: listed twice, catalogued once.
            Project(
                id: "prj-spot", accountID: "acc-studio", workspaceID: "ws-mkt", name: "Spring Spot", rootFolderID: "root-spot",
                status: "active", createdAt: t0, updatedAt: t1, isInvited: true),
            Project(
                id: "prj-invited", accountID: "acc-agency", workspaceID: "ws-client", name: "Launch ‮Film", rootFolderID: "root-invited",
                status: "active", createdAt: t0, updatedAt: t1, isInvited: true),
        ]
        data.fields = [
            FieldDefinition(
                id: "fd-status", accountID: "acc-studio", name: "Review Status", fieldType: "select",
                options: [("opt-approved", "Approved"), ("opt-review", "Needs Review")], mutable: true),
            FieldDefinition(
                id: "fd-tags", accountID: "acc-studio", name: "Tags", fieldType: "select_multi",
                options: [("opt-hero", "Hero"), ("opt-bts", "Behind the Scenes"), ("opt-social", "Social")], mutable: true),
            FieldDefinition(id: "fd-notes", accountID: "acc-studio", name: "Notes", fieldType: "text", options: [], mutable: true),
            FieldDefinition(id: "fd-synopsis", accountID: "acc-studio", name: "Synopsis", fieldType: "long_text", options: [], mutable: true),
            FieldDefinition(id: "fd-rating", accountID: "acc-studio", name: "Rating", fieldType: "rating", options: [], mutable: true),
            FieldDefinition(id: "fd-reel", accountID: "acc-studio", name: "Reel", fieldType: "number", options: [], mutable: true),
            FieldDefinition(id: "fd-circled", accountID: "acc-studio", name: "Circled", fieldType: "toggle", options: [], mutable: true),
            FieldDefinition(id: "fd-shot", accountID: "acc-studio", name: "Shoot Date", fieldType: "date", options: [], mutable: true),
            FieldDefinition(id: "fd-owner", accountID: "acc-studio", name: "Assignee", fieldType: "user_single", options: [], mutable: true),
            FieldDefinition(id: "fd-crew", accountID: "acc-studio", name: "Crew", fieldType: "user_multi", options: [], mutable: true),
            FieldDefinition(id: "fd-agency", accountID: "acc-agency", name: "Deliverable", fieldType: "text", options: [], mutable: true),
        ]
        var assets: [Asset] = []
        func folder(_ id: String, _ name: String, in parent: String, _ project: String) {
            assets.append(
                Asset(
                    id: id, type: "folder", name: name, parentID: parent, projectID: project, createdAt: t0, updatedAt: t1, fileSize: nil,
                    mediaType: nil, status: nil, metadata: [], extra: []))
        }
        func file(
            _ id: String, _ name: String, in parent: String, _ project: String, size: Int64, media: String?, status: String = "transcoded",
            metadata: [(String, JSONValue)] = []
        ) {
            assets.append(
                Asset(
                    id: id, type: "file", name: name, parentID: parent, projectID: project, createdAt: t0, updatedAt: t1, fileSize: size,
                    mediaType: media, status: status, metadata: metadata.map { ($0.0, $0.1) }, extra: []))
        }
        func stack(_ id: String, _ name: String, in parent: String, _ project: String) {
            assets.append(
                Asset(
                    id: id, type: "version_stack", name: name, parentID: parent, projectID: project, createdAt: t0, updatedAt: t1,
                    fileSize: nil, mediaType: nil, status: nil, metadata: [], extra: []))
        }
        func select(_ options: String...) -> JSONValue {
            .array(
                options.map { id in
                    let name = data.fields.flatMap(\.options).first { $0.id == id }?.displayName ?? id
                    return .object([("id", .string(id)), ("display_name", .string(name))])
                })
        }
        func users(_ ids: String...) -> JSONValue { .array(ids.map { .object([("id", .string($0)), ("type", .string("user"))]) }) }
        // Feature Film: dailies nested five deep, a version stack, an upload in progress.
        folder("f-dailies", "Dailies", in: "root-feature", "prj-feature")
        folder("f-day1", "Day 01", in: "f-dailies", "prj-feature")
        folder("f-camA", "Camera A", in: "f-day1", "prj-feature")
        folder("f-card1", "Card 001", in: "f-camA", "prj-feature")
        folder("f-deep", "Deep", in: "f-card1", "prj-feature")
        file(
            "file-a001", "A001_C001_0301.mov", in: "f-card1", "prj-feature", size: 4_294_967_296, media: "video/quicktime",
            metadata: [
                ("fd-status", select("opt-approved")), ("fd-tags", select("opt-hero", "opt-social")),
                ("fd-notes", .string("Best take; soft focus at 00:12")), ("fd-rating", .number("4")), ("fd-reel", .number("12.5")),
                ("fd-circled", .bool(true)), ("fd-shot", .string("2026-03-01")), ("fd-owner", users("u-ravi")),
                ("fd-crew", users("u-vera", "u-ravi")),
                ("fd-synopsis", .string("Wide establishing shot.\nSecond line of notes.")),
            ])
        file(
            "file-a002", "A001_C002_0301.mov", in: "f-card1", "prj-feature", size: 3_221_225_472, media: "video/quicktime",
            metadata: [("fd-status", select("opt-review")), ("fd-tags", .array([])), ("fd-notes", .null)])
        file("file-deep", "deep note.txt", in: "f-deep", "prj-feature", size: 12, media: "text/plain")
        file("file-uploading", "B001_C004_0301.mov", in: "f-camA", "prj-feature", size: 0, media: nil, status: "created")
        stack("vs-cut", "Main Cut", in: "root-feature", "prj-feature")
        file("file-cut-v1", "Main Cut v1.mov", in: "vs-cut", "prj-feature", size: 1_000_000, media: "video/mp4")
        file("file-cut-v2", "Main Cut v2.mov", in: "vs-cut", "prj-feature", size: 1_100_000, media: "video/mp4")
        file(
            "file-cut-v3", "Main Cut v3.mov", in: "vs-cut", "prj-feature", size: 1_200_000, media: "video/mp4",
            metadata: [("fd-status", select("opt-approved"))])
        file("file-poster", "poster.psd", in: "root-feature", "prj-feature", size: 88_000_000, media: "image/vnd.adobe.photoshop")
        // A copy of a daily elsewhere: same name and size (V4 gives no checksum).
        folder("f-selects", "Selects", in: "root-feature", "prj-feature")
        file("file-a001-copy", "A001_C001_0301.mov", in: "f-selects", "prj-feature", size: 4_294_967_296, media: "video/quicktime")
        // Archive (inactive project).
        folder("f-old", "2024 Deliveries", in: "root-archive", "prj-archive")
        file("file-old", "final_master.mxf", in: "f-old", "prj-archive", size: 52_000_000_000, media: "application/mxf")
        // Spring Spot: hostile names and a type the client does not know.
        folder("f-hostile", "Names \u{1B}[31mred\u{1B}[0m and \u{202E}txt.exe", in: "root-spot", "prj-spot")
        file("file-slash", "a/b: \"quoted\" \\ back.wav", in: "f-hostile", "prj-spot", size: 48_000, media: "audio/wav")
        file("file-long", String(repeating: "very long name ", count: 20) + ".jpg", in: "f-hostile", "prj-spot", size: 2_048, media: "image/jpeg")
        file("file-nl", "line\nbreak\ttab.png", in: "f-hostile", "prj-spot", size: 1_024, media: "image/png")
        assets.append(
            Asset(
                id: "link-1", type: "review_link", name: "Client review", parentID: "root-spot", projectID: "prj-spot", createdAt: t0,
                updatedAt: t1, fileSize: nil, mediaType: nil, status: nil, metadata: [],
                extra: [("url", .string("https://next.frame.io/share/abc")), ("expires_at", .null)]))
        // The invited project (its workspace is not the user's).
        folder("f-deliver", "Deliverables", in: "root-invited", "prj-invited")
        file("file-launch", "launch_film_v7.mp4", in: "f-deliver", "prj-invited", size: 750_000_000, media: "video/mp4")
        data.assets = assets
        data.comments = fixtureComments(users: data.users)
        return data
    }
}

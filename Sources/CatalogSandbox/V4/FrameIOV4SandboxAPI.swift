import CatalogCore
import Foundation
import Hummingbird
import Synchronization

/// The fake Frame.io V4 API (../shared/docs/api-facts-v4.md, and the official `frameio` 4.x
/// SDK): `{data, links, total_count}` lists paged by an opaque `after` cursor whose `links.next`
/// carries only the cursor (every other parameter must be sent again), strict parameters (422
/// with the V4 error body), one rate-limit bucket per endpoint class per user, and the gate's
/// faults. Tokens are IMS access tokens when an IMS is configured.
public final class FrameIOV4SandboxAPI: Sendable {
    public let configuration: SandboxConfiguration
    private let gate: SandboxGate
    private let state: Mutex<FrameIOV4Dataset>
    private let random: Mutex<SeededGenerator>
    /// The IMS whose access tokens are accepted, when configured.
    let ims: IMSSandbox?

    /// Where its signed media addresses point (thumbnails, previews).
    public let media: SandboxMedia

    public init(dataset: FrameIOV4Dataset, configuration: SandboxConfiguration, ims: IMSSandbox? = nil, media: SandboxMedia? = nil) {
        self.media = media ?? SandboxMedia(expiredRate: configuration.expiredThumbnailRate)
        self.configuration = configuration
        self.ims = ims
        gate = SandboxGate(configuration: configuration)
        state = Mutex(dataset)
        random = Mutex(SeededGenerator(seed: configuration.faultSeed ^ 0x4444))
    }

    /// The data served now.
    public var dataset: FrameIOV4Dataset { state.withLock { $0 } }

    /// Serves `dataset` from now on.
    public func replace(_ dataset: FrameIOV4Dataset) { state.withLock { $0 = dataset } }

    /// Changes about `rate` of the assets (see ``FrameIOV4Dataset/mutate(rate:seed:now:spread:)``).
    @discardableResult
    public func mutate(rate: Double, seed: UInt64, spread: FrameIOV4MutationSpread = .clustered) -> FrameIOV4MutationReport {
        state.withLock { $0.mutate(rate: rate, seed: seed, now: Date(), spread: spread) }
    }

    /// `POST /v4/_admin/mutate?rate=R&seed=S&spread=clustered|uniform` (no token needed; the
    /// sandbox binds loopback).
    func admin(query: [String: String]) -> SandboxResponse {
        guard let rate = Double(query["rate"] ?? "0.01"), (0...1).contains(rate) else {
            return FrameIOV4SandboxView.error(400, "Bad Request", "rate must be a number between 0 and 1")
        }
        guard let spread = FrameIOV4MutationSpread(rawValue: query["spread"] ?? "clustered") else {
            return FrameIOV4SandboxView.error(400, "Bad Request", "spread must be clustered or uniform")
        }
        return .json(mutate(rate: rate, seed: UInt64(query["seed"] ?? "") ?? UInt64.random(in: 0...UInt64.max), spread: spread).json)
    }

    /// Requests answered so far, by outcome.
    public var counts: SandboxCounters { gate.counts }

    /// The largest `page_size` the service takes (larger: 422).
    public static let maxPageSize = 100

    /// Adds the V4 routes to `group` (mounted at `/v4`); each names its rate-limit class.
    func addRoutes<Context: RequestContext>(to group: RouterGroup<Context>) {
        func get(
            _ path: RouterPath, _ endpoint: String, _ answer: @escaping @Sendable (FrameIOV4SandboxView, SandboxRequest) -> SandboxResponse
        ) {
            group.sandbox(.get, path) { [self] request in await serve(request, endpoint: "v4:" + endpoint, answer) }
        }
        get("me", "me") { view, _ in view.me() }
        get("accounts", "accounts") { view, request in view.accounts(request) }
        get("accounts/:account/workspaces", "workspaces") { view, request in view.workspaces(request) }
        get("accounts/:account/workspaces/:workspace/projects", "projects") { view, request in view.projects(request) }
        get("accounts/:account/invited_projects", "invited_projects") { view, request in view.invitedProjects(request) }
        get("accounts/:account/projects/:project", "project") { view, request in view.project(request) }
        get("accounts/:account/users", "users") { view, request in view.users(request) }
        get("accounts/:account/metadata/field_definitions", "field_definitions") { view, request in view.fieldDefinitions(request) }
        get("accounts/:account/folders/:folder/children", "children") { view, request in view.children(request, types: nil) }
        get("accounts/:account/folders/:folder/files", "files") { view, request in view.children(request, types: ["file"]) }
        get("accounts/:account/folders/:folder/folders", "folders") { view, request in view.children(request, types: ["folder"]) }
        get("accounts/:account/folders/:folder/version_stacks", "version_stacks") { view, request in
            view.children(request, types: ["version_stack"])
        }
        get("accounts/:account/version_stacks/:stack/children", "version_stack_children") { view, request in view.stackChildren(request) }
        get("accounts/:account/files/:id", "file") { view, request in view.asset(request, type: "file") }
        get("accounts/:account/folders/:folder", "folder") { view, request in view.asset(request, type: "folder") }
        get("accounts/:account/version_stacks/:stack", "version_stack") { view, request in view.asset(request, type: "version_stack") }
        get("accounts/:account/files/:id/metadata", "file_metadata") { view, request in view.fileMetadata(request) }
        get("accounts/:account/projects/:project/recently_deleted", "recently_deleted") { view, request in view.recentlyDeleted(request) }
        get("accounts/:account/files/:id/comments", "comments") { view, request in view.comments(request) }
        get("accounts/:account/comments/:comment", "comment") { view, request in view.comment(request) }
        let auditForbidden = configuration.auditLogForbidden
        get("accounts/:account/audit_logs", "audit_logs") { view, request in
            auditForbidden
                ? FrameIOV4SandboxView.error(403, "Forbidden", "Audit logs are available to account admins only")
                : view.auditLogs(request)
        }
        group.sandbox(.post, "_admin/mutate") { [self] request in admin(query: request.query) }
        group.sandboxFallback { method, path in FrameIOV4SandboxView.error(404, "Not Found", "No route for \(method) \(path)") }
    }

    private func serve(
        _ request: SandboxRequest, endpoint: String, _ answer: (FrameIOV4SandboxView, SandboxRequest) -> SandboxResponse
    ) async -> SandboxResponse {
        let required = configuration.requiredToken
        let ims = self.ims
        return await gate.serve(
            authorization: request.authorization, endpoint: endpoint, expiring: ims == nil,
            accepts: { token in ims.map { $0.accepts(token) } ?? (required == nil || token == required) },
            refuse: { FrameIOV4SandboxView.error($0, SandboxGate.title(of: $0), $1, headers: $2) },
            answer: { pageFault in
                let view = FrameIOV4SandboxView(
                    dataset: state.withLock { $0 }, pageFault: pageFault, nextRandom: { [self] in random.withLock { $0.next() } }, media: media,
                    commentCounts: configuration.commentCounts)
                return answer(view, request)
            })
    }
}

/// One consistent view of the V4 dataset answering one request.
struct FrameIOV4SandboxView {
    let dataset: FrameIOV4Dataset
    var pageFault: PageFault?
    let nextRandom: @Sendable () -> UInt64
    /// Where signed media addresses point.
    let media: SandboxMedia
    /// Whether files' metadata carries `Comment Count`.
    var commentCounts = false

    /// The V4 error body `{"errors": [{"title", "detail", "source": {"pointer"}}]}`.
    static func error(
        _ status: Int, _ title: String, _ detail: String, pointer: String? = nil, headers: [(name: String, value: String)] = []
    ) -> SandboxResponse {
        var error: [(key: String, value: JSONValue)] = [("title", .string(title)), ("detail", .string(detail))]
        if let pointer { error.append(("source", .object([("pointer", .string(pointer))]))) }
        return .json(.object([("errors", .array([.object(error)]))]), status: status, headers: headers)
    }

    static func invalid(_ name: String, _ value: String, _ expected: String) -> SandboxResponse {
        error(422, "Unprocessable Entity", "Invalid value for \(name): \(value) (expected \(expected))", pointer: "/\(name)")
    }

    // MARK: Parameters

    /// Refuses a request whose list parameters the service would not take.
    func checkList(_ request: SandboxRequest, sorts: [String], includes: Set<String>) -> SandboxResponse? {
        let query = request.query
        if let size = query["page_size"], !(Int(size).map { (1...FrameIOV4SandboxAPI.maxPageSize).contains($0) } ?? false) {
            return Self.invalid("page_size", size, "an integer from 1 to \(FrameIOV4SandboxAPI.maxPageSize)")
        }
        if let sort = query["sort"], !sorts.contains(sort) { return Self.invalid("sort", sort, sorts.joined(separator: ", ")) }
        if let refusal = checkIncludes(request, includes) { return refusal }
        if let count = query["include_total_count"], count != "true" && count != "false" {
            return Self.invalid("include_total_count", count, "true or false")
        }
        if let after = query["after"], Self.offset(cursor: after, path: request.path) == nil {
            return Self.invalid("after", after, "a cursor from links.next of this list")
        }
        return nil
    }

    /// Refuses an `include` naming anything but `includes`.
    func checkIncludes(_ request: SandboxRequest, _ includes: Set<String>) -> SandboxResponse? {
        guard let include = request.query["include"] else { return nil }
        for value in include.split(separator: ",", omittingEmptySubsequences: false) where !includes.contains(String(value)) {
            return Self.invalid("include", String(value), includes.sorted().joined(separator: ", "))
        }
        return nil
    }

    static let nameSorts = ["name_asc", "created_at_asc", "name_desc", "created_at_desc"]
    static let assetSorts = ["name_asc", "created_at_asc", "updated_at_asc", "name_desc", "created_at_desc", "updated_at_desc"]
    static let assetIncludes: Set<String> = [
        "media_links.original", "media_links.thumbnail", "media_links.thumbnail_high_quality", "media_links.video_h264_180",
        "media_links.high_quality", "media_links.efficient", "media_links.scrub_sheet", "creator", "project", "metadata",
    ]

    /// An opaque cursor: the offset, tied to the list's path.
    static func cursor(offset: Int, path: String) -> String {
        let text = "\(offset):\(Digest.xxh64(path).hex)"
        return Data(text.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func offset(cursor: String, path: String) -> Int? {
        var base64 = cursor.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64), let text = String(data: data, encoding: .utf8) else { return nil }
        let parts = text.split(separator: ":")
        guard parts.count == 2, let offset = Int(parts[0]), offset >= 0, parts[1] == Digest.xxh64(path).hex else { return nil }
        return offset
    }

    /// One page of `elements` as V4 pages them: `after` and `page_size` (default 50), a
    /// `links.next` carrying the path and the cursor only, `total_count` when asked for.
    func page<Element>(_ elements: [Element], _ request: SandboxRequest, render: (Element) -> JSONValue) -> SandboxResponse {
        let size = request.query["page_size"].flatMap(Int.init) ?? 50
        let start = min(elements.count, request.query["after"].flatMap { Self.offset(cursor: $0, path: request.path) } ?? 0)
        let end = min(elements.count, start + size)
        let (range, total) = pageFault?.apply(start: start, end: end, count: elements.count, page: start / size + 1) ?? (start..<end, elements.count)
        let next: JSONValue = end < elements.count ? .string("\(request.path)?after=\(Self.cursor(offset: end, path: request.path))") : .null
        var members: [(key: String, value: JSONValue)] = [("data", .array(range.map { render(elements[$0]) })), ("links", .object([("next", next)]))]
        if request.query["include_total_count"] == "true" { members.append(("total_count", .integer(total))) }
        return .json(.object(members))
    }

    static func one(_ value: JSONValue) -> SandboxResponse { .json(.object([("data", value)])) }

    func notFound(_ request: SandboxRequest) -> SandboxResponse { Self.error(404, "Not Found", "No resource at \(request.path)") }

    // MARK: Routes

    func me() -> SandboxResponse {
        Self.one(
            .object([
                ("id", .string(dataset.user.id)), ("name", .string(dataset.user.name)), ("email", .string(dataset.user.email)),
                ("avatar_url", .null),
            ]))
    }

    func accounts(_ request: SandboxRequest) -> SandboxResponse {
        if let refusal = checkList(request, sorts: ["display_name_asc", "created_at_asc", "display_name_desc", "created_at_desc"], includes: []) {
            return refusal
        }
        return page(dataset.accounts, request, render: render)
    }

    func account(_ request: SandboxRequest) -> FrameIOV4Dataset.Account? { dataset.accounts.first { $0.id == request.parameter("account") } }

    func workspaces(_ request: SandboxRequest) -> SandboxResponse {
        if let refusal = checkList(request, sorts: Self.nameSorts, includes: ["creator"]) { return refusal }
        guard let account = account(request) else { return notFound(request) }
        return page(dataset.workspaces.filter { $0.accountID == account.id && $0.isMember }, request, render: render)
    }

    func projects(_ request: SandboxRequest) -> SandboxResponse {
        if let refusal = checkList(request, sorts: Self.nameSorts, includes: ["owner"]) { return refusal }
        guard let account = account(request),
            let workspace = dataset.workspaces.first(where: { $0.id == request.parameter("workspace") && $0.accountID == account.id && $0.isMember })
        else { return notFound(request) }
        return page(dataset.projects.filter { $0.workspaceID == workspace.id }, request, render: render)
    }

    func invitedProjects(_ request: SandboxRequest) -> SandboxResponse {
        if let refusal = checkList(request, sorts: Self.nameSorts, includes: ["owner"]) { return refusal }
        guard let account = account(request) else { return notFound(request) }
        return page(dataset.projects.filter { $0.accountID == account.id && $0.isInvited }, request, render: render)
    }

    func project(_ request: SandboxRequest) -> SandboxResponse {
        guard let project = dataset.projects.first(where: { $0.id == request.parameter("project") && $0.accountID == request.parameter("account") })
        else { return notFound(request) }
        return Self.one(render(project))
    }

    func users(_ request: SandboxRequest) -> SandboxResponse {
        if let refusal = checkList(request, sorts: [], includes: []) { return refusal }
        guard account(request) != nil else { return notFound(request) }
        return page(dataset.users, request) { user in
            .object([
                ("role", .string(user.id == dataset.user.id ? "admin" : "member")),
                ("user", .object([("id", .string(user.id)), ("name", .string(user.name)), ("email", .string(user.email)), ("active", .bool(true))])),
            ])
        }
    }

    func fieldDefinitions(_ request: SandboxRequest) -> SandboxResponse {
        if let refusal = checkList(request, sorts: Self.nameSorts, includes: ["creator"]) { return refusal }
        guard let account = account(request) else { return notFound(request) }
        return page(dataset.fields.filter { $0.accountID == account.id }, request, render: render)
    }

    /// A folder's children (of `types`, or every type; the `type` parameter filters further).
    func children(_ request: SandboxRequest, types: Set<String>?) -> SandboxResponse {
        if let refusal = checkList(request, sorts: Self.assetSorts, includes: Self.assetIncludes) { return refusal }
        var types = types
        if types == nil, let filter = request.query["type"] {
            let asked = Set(filter.split(separator: ",").map(String.init))
            guard asked.isSubset(of: ["file", "folder", "version_stack"]), !asked.isEmpty else {
                return Self.invalid("type", filter, "file, folder or version_stack, comma-separated")
            }
            types = asked
        }
        let folderID = request.parameter("folder")
        guard isFolder(folderID, in: request.parameter("account")) else { return notFound(request) }
        var children = (dataset.childrenByParent[folderID] ?? []).map { dataset.assets[$0] }.filter { $0.deletedAt == nil }
        if let types { children = children.filter { types.contains($0.type) } }
        children = Self.sorted(children, request.query["sort"])
        let includes = includes(request)
        return page(children, request) { render($0, includes: includes) }
    }

    func stackChildren(_ request: SandboxRequest) -> SandboxResponse {
        if let refusal = checkList(request, sorts: Self.assetSorts, includes: Self.assetIncludes) { return refusal }
        let stackID = request.parameter("stack")
        guard let index = dataset.assetIndex[stackID], dataset.assets[index].type == "version_stack", inAccount(dataset.assets[index], request)
        else { return notFound(request) }
        let includes = includes(request)
        let versions = Self.sorted(
            (dataset.childrenByParent[stackID] ?? []).map { dataset.assets[$0] }.filter { $0.deletedAt == nil }, request.query["sort"])
        return page(versions, request) { render($0, includes: includes) }
    }

    func asset(_ request: SandboxRequest, type: String) -> SandboxResponse {
        let id = request.parameter(["folder": "folder", "version_stack": "stack"][type] ?? "id")
        if type == "folder", let project = dataset.projects.first(where: { $0.rootFolderID == id && $0.accountID == request.parameter("account") }) {
            return Self.one(renderRoot(project))
        }
        guard let index = dataset.assetIndex[id], dataset.assets[index].type == type, inAccount(dataset.assets[index], request),
            dataset.isLive(index)
        else { return notFound(request) }
        return Self.one(render(dataset.assets[index], includes: includes(request)))
    }

    func fileMetadata(_ request: SandboxRequest) -> SandboxResponse {
        let id = request.parameter("id")
        guard let index = dataset.assetIndex[id], dataset.assets[index].type == "file", inAccount(dataset.assets[index], request) else {
            return notFound(request)
        }
        return Self.one(.object([("file_id", .string(id)), ("metadata", metadata(dataset.assets[index]))]))
    }

    /// A project's deleted assets, newest first (`sort` may say otherwise).
    func recentlyDeleted(_ request: SandboxRequest) -> SandboxResponse {
        if let refusal = checkList(request, sorts: ["deleted_at_asc", "deleted_at_desc", "name_asc", "name_desc"], includes: []) { return refusal }
        guard let project = dataset.projects.first(where: { $0.id == request.parameter("project") && $0.accountID == request.parameter("account") })
        else { return notFound(request) }
        var deleted = dataset.assets.filter { $0.projectID == project.id && $0.deletedAt != nil }
        switch request.query["sort"] ?? "deleted_at_desc" {
        case "deleted_at_asc": deleted.sort { ($0.deletedAt ?? "", $0.id) < ($1.deletedAt ?? "", $1.id) }
        case "name_asc": deleted.sort { $0.name.lowercased() < $1.name.lowercased() }
        case "name_desc": deleted.sort { $0.name.lowercased() > $1.name.lowercased() }
        default: deleted.sort { ($0.deletedAt ?? "", $0.id) > ($1.deletedAt ?? "", $1.id) }
        }
        return page(deleted, request) { asset in
            var members: [(key: String, value: JSONValue)] = [
                ("id", .string(asset.id)), ("type", .string(asset.type)), ("name", .string(asset.name)), ("project_id", .string(asset.projectID)),
                ("parent_id", .string(asset.parentID)), ("created_at", .string(asset.createdAt)), ("updated_at", .string(asset.updatedAt)),
                ("deleted_at", .text(asset.deletedAt)),
            ]
            if asset.type == "file" {
                members += [("file_size", .integer(asset.fileSize)), ("media_type", .text(asset.mediaType)), ("status", .text(asset.status))]
            }
            return .object(members)
        }
    }

    /// The account's audit log, oldest first, with `filters[from_date]` (a day), `[to_date]`,
    /// `[event_type]`, `[resource_type]`, `[project_id]`, `[resource_id]`.
    func auditLogs(_ request: SandboxRequest) -> SandboxResponse {
        if let refusal = checkList(request, sorts: [], includes: ["user"]) { return refusal }
        guard let account = account(request) else { return notFound(request) }
        let query = request.query
        for name in ["from_date", "to_date"] {
            if let day = query["filters[\(name)]"], Timestamp.parse(day) == nil || day.count != 10 {
                return Self.invalid("filters[\(name)]", day, "a date YYYY-MM-DD")
            }
        }
        let events = dataset.auditLog.filter { event in
            event.accountID == account.id && query["filters[from_date]"].map { String(event.insertedAt.prefix(10)) >= $0 } ?? true
                && query["filters[to_date]"].map { String(event.insertedAt.prefix(10)) <= $0 } ?? true
                && query["filters[event_type]"].map { Set($0.split(separator: ",").map(String.init)).contains(event.eventType) } ?? true
                && query["filters[resource_type]"].map { $0 == event.resourceType } ?? true
                && query["filters[project_id]"].map { $0 == event.projectID } ?? true
                && query["filters[resource_id]"].map { $0 == event.resourceID } ?? true
        }
        return page(events, request) { event in
            .object([
                ("id", .string(event.id)), ("account_id", .string(event.accountID)), ("event_type", .string(event.eventType)),
                ("inserted_at", .string(event.insertedAt)), ("ip_address", .string("127.0.0.1")), ("resource_id", .string(event.resourceID)),
                ("resource_type", .string(event.resourceType)), ("project_id", .text(event.projectID)), ("user_id", .string(dataset.user.id)),
            ])
        }
    }

    static let commentSorts = ["owner_asc", "owner_desc", "completed_at_asc", "completed_at_desc", "created_at_asc", "created_at_desc"]

    /// A file's comments (not replies), each with its `owner` and its `replies` when included.
    func comments(_ request: SandboxRequest) -> SandboxResponse {
        if let refusal = checkList(request, sorts: Self.commentSorts, includes: ["owner", "replies"]) { return refusal }
        if let refusal = checkTimecodeFlag(request) { return refusal }
        let id = request.parameter("id")
        guard let index = dataset.assetIndex[id], dataset.assets[index].type == "file", inAccount(dataset.assets[index], request),
            dataset.isLive(index)
        else { return notFound(request) }
        let threads = Self.sorted(dataset.comments(of: id), request.query["sort"]) { field, thread in
            switch field {
            case "owner": thread.comment.ownerID
            case "completed_at": thread.comment.completedAt ?? ""
            default: thread.comment.createdAt
            }
        }
        let includes = includes(request)
        let fps = Timecode.framesPerSecond(mime: dataset.assets[index].mediaType)
        let timecodes = request.query["timestamp_as_timecode"] == "true"
        return page(threads, request) { thread in
            render(
                thread.comment, replies: includes.contains("replies") ? thread.replies : nil, owner: includes.contains("owner"),
                timecode: timecodes ? fps : nil)
        }
    }

    /// One comment (a reply too), with its replies and owner when included.
    func comment(_ request: SandboxRequest) -> SandboxResponse {
        let includes = includes(request)
        if let refusal = checkIncludes(request, ["owner", "replies"]) ?? checkTimecodeFlag(request) { return refusal }
        let id = request.parameter("comment")
        guard let comment = dataset.comments.first(where: { $0.id == id }), let index = dataset.assetIndex[comment.fileID],
            inAccount(dataset.assets[index], request), dataset.commentFileIsLive(comment)
        else { return notFound(request) }
        let replies = dataset.comments.filter { $0.parentID == id }.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
        let fps = Timecode.framesPerSecond(mime: dataset.assets[index].mediaType)
        return Self.one(
            render(
                comment, replies: includes.contains("replies") ? replies : nil, owner: includes.contains("owner"),
                timecode: request.query["timestamp_as_timecode"] == "true" ? fps : nil))
    }

    func checkTimecodeFlag(_ request: SandboxRequest) -> SandboxResponse? {
        guard let flag = request.query["timestamp_as_timecode"], flag != "true", flag != "false" else { return nil }
        return Self.invalid("timestamp_as_timecode", flag, "true or false")
    }

    // MARK: Helpers

    func includes(_ request: SandboxRequest) -> Set<String> {
        Set((request.query["include"] ?? "").split(separator: ",").map(String.init))
    }

    func isFolder(_ id: String, in accountID: String) -> Bool {
        if dataset.projects.contains(where: { $0.rootFolderID == id && $0.accountID == accountID }) { return true }
        guard let index = dataset.assetIndex[id] else { return false }
        return dataset.assets[index].type == "folder"
            && dataset.projects.contains { $0.id == dataset.assets[index].projectID && $0.accountID == accountID }
    }

    func inAccount(_ asset: FrameIOV4Dataset.Asset, _ request: SandboxRequest) -> Bool {
        dataset.projects.contains { $0.id == asset.projectID && $0.accountID == request.parameter("account") }
    }

    static func sorted(_ assets: [FrameIOV4Dataset.Asset], _ sort: String?) -> [FrameIOV4Dataset.Asset] {
        sorted(assets, sort) { field, asset in
            switch field {
            case "name": asset.name.lowercased()
            case "created_at": asset.createdAt
            default: asset.updatedAt
            }
        }
    }

    /// `elements` in the order `sort` asks (`FIELD_asc` or `FIELD_desc`; `key` gives an
    /// element's value of a field), stable; as they are without `sort`.
    static func sorted<Element>(_ elements: [Element], _ sort: String?, key: (String, Element) -> String) -> [Element] {
        guard let sort else { return elements }
        let descending = sort.hasSuffix("_desc")
        let field = sort.replacingOccurrences(of: "_desc", with: "").replacingOccurrences(of: "_asc", with: "")
        return elements.enumerated().sorted { a, b in
            let (x, y) = (key(field, a.element), key(field, b.element))
            if x != y { return descending ? x > y : x < y }
            return a.offset < b.offset
        }.map(\.element)
    }

    private func signedURL(_ kind: String, _ id: String) -> JSONValue {
        .string(media.address(kind, id, signature: String(nextRandom(), radix: 16)))
    }

    // MARK: Rendering

    func render(_ account: FrameIOV4Dataset.Account) -> JSONValue {
        let storage = dataset.projects.filter { $0.accountID == account.id }.reduce(Int64(0)) { $0 + (dataset.storageByProject[$1.id] ?? 0) }
        return .object([
            ("id", .string(account.id)), ("display_name", .string(account.displayName)), ("roles", .array([.string("member")])),
            ("storage_usage", .integer(storage)), ("storage_limit", .null), ("created_at", .string(account.createdAt)),
            ("updated_at", .string(account.updatedAt)), ("image", signedURL("image", account.id)), ("adobe_id", .null),
            ("v4_migrated_at", .string(account.createdAt)),
        ])
    }

    func render(_ workspace: FrameIOV4Dataset.Workspace) -> JSONValue {
        .object([
            ("id", .string(workspace.id)), ("account_id", .string(workspace.accountID)), ("name", .string(workspace.name)),
            ("created_at", .string(workspace.createdAt)), ("updated_at", .string(workspace.updatedAt)), ("image", .null),
        ])
    }

    func render(_ project: FrameIOV4Dataset.Project) -> JSONValue {
        let storage = dataset.storageByProject[project.id] ?? 0
        return .object([
            ("id", .string(project.id)), ("name", .string(project.name)), ("root_folder_id", .string(project.rootFolderID)),
            ("workspace_id", .string(project.workspaceID)), ("status", .string(project.status)), ("storage", .integer(storage)),
            ("view_url", .string("https://next.frame.io/project/\(project.id)")), ("created_at", .string(project.createdAt)),
            ("updated_at", .string(project.updatedAt)), ("restricted", .bool(false)), ("image", .null), ("adobe_id", .null),
        ])
    }

    func render(_ field: FrameIOV4Dataset.FieldDefinition) -> JSONValue {
        let configuration: JSONValue =
            switch field.fieldType {
            case "select", "select_multi":
                .object([
                    ("enable_add_new", .bool(false)),
                    (
                        "options",
                        .array(
                            field.options.map {
                                .object([("id", .string($0.id)), ("display_name", .string($0.displayName)), ("color", .string("#fbd400"))])
                            })
                    ),
                ])
            case "rating": .object([("max_value", .integer(5)), ("style", .string("star"))])
            case "number": .object([("scale", .integer(2))])
            case "date": .object([("display_format", .string("iso")), ("include_time", .bool(false))])
            case "user_single", "user_multi":
                .object([("member_options_type", .string("all_project_members")), ("custom_members", .array([])), ("notify_members", .bool(false))])
            default: .object([])
            }
        return .object([
            ("id", .string(field.id)), ("name", .string(field.name)), ("field_type", .string(field.fieldType)),
            ("field_configuration", configuration), ("mutable", .bool(field.mutable)), ("creator_id", .string(dataset.user.id)),
            ("created_at", .string("2026-01-05T10:00:00.000000Z")), ("updated_at", .string("2026-01-05T10:00:00.000000Z")),
        ])
    }

    /// A file's metadata list: every field of its account with a value on it (and, with
    /// ``SandboxConfiguration/commentCounts``, a file's `Comment Count`).
    func metadata(_ asset: FrameIOV4Dataset.Asset) -> JSONValue {
        var counted: [JSONValue] = []
        if commentCounts, asset.type == "file" {
            counted.append(
                .object([
                    ("field_definition_id", .string("system-comment-count")), ("field_definition_name", .string("Comment Count")),
                    ("field_type", .string("number")), ("mutable", .bool(false)),
                    ("value", .number(String(dataset.commentCount(of: asset.id)))),
                ]))
        }
        return .array(
            counted
                + asset.metadata.compactMap { entry in
                    guard let field = dataset.fields.first(where: { $0.id == entry.fieldID }) else { return nil }
                    var members: [(key: String, value: JSONValue)] = [
                        ("field_definition_id", .string(field.id)), ("field_definition_name", .string(field.name)),
                        ("field_type", .string(field.fieldType)), ("mutable", .bool(field.mutable)), ("value", entry.value),
                    ]
                    if field.fieldType.hasPrefix("user") { members.append(("member_options_type", .string("all_project_members"))) }
                    return .object(members)
                })
    }

    /// A comment as the SDK's `CommentWithIncludes` (a reply as a plain `Comment`: no owner).
    func render(_ comment: FrameIOV4Dataset.Comment, replies: [FrameIOV4Dataset.Comment]?, owner: Bool, timecode fps: Int?) -> JSONValue {
        let timestamp: JSONValue =
            if let frames = comment.timestamp {
                fps.flatMap { Timecode.format(frames: frames, fps: $0) }.map(JSONValue.string) ?? .integer(frames)
            } else { .null }
        var members: [(key: String, value: JSONValue)] = [
            ("id", .string(comment.id)), ("file_id", .string(comment.fileID)), ("text", .string(comment.text)), ("timestamp", timestamp),
            ("duration", comment.timestamp == nil ? .null : .integer(comment.duration.map(Int64.init))),
            ("page", .integer(comment.page.map(Int64.init))),
            ("anchor", .null), ("annotation", .null), ("attachments", .array([])), ("mentions", .array([])), ("links", .array([])),
            ("text_review_annotation", .null), ("completed_at", .text(comment.completedAt)), ("completer_id", .text(comment.completerID)),
            ("text_edited_at", .text(comment.textEditedAt)), ("created_at", .string(comment.createdAt)),
            ("updated_at", .string(comment.updatedAt)),
        ]
        if owner, replies != nil || comment.parentID == nil {
            let user = dataset.users.first { $0.id == comment.ownerID }
            members.append(
                (
                    "owner",
                    .object([
                        ("id", .string(comment.ownerID)), ("name", .text(user?.name)), ("email", .text(user?.email)), ("avatar_url", .null),
                        ("active", .bool(true)), ("adobe_user_id", .null),
                    ])
                ))
        }
        if let replies { members.append(("replies", .array(replies.map { render($0, replies: nil, owner: false, timecode: fps) }))) }
        return .object(members)
    }

    /// The hidden root folder of a project (`GET /folders/{root_folder_id}`).
    func renderRoot(_ project: FrameIOV4Dataset.Project) -> JSONValue {
        .object([
            ("id", .string(project.rootFolderID)), ("type", .string("folder")), ("name", .string("root")), ("parent_id", .null),
            ("project_id", .string(project.id)), ("view_url", .string("https://next.frame.io/project/\(project.id)")),
            ("created_at", .string(project.createdAt)), ("updated_at", .string(project.updatedAt)), ("restricted", .bool(false)),
            ("cover_file_id", .null),
        ])
    }

    func render(_ asset: FrameIOV4Dataset.Asset, includes: Set<String>) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = [
            ("id", .string(asset.id)), ("type", .string(asset.type)), ("name", .string(asset.name)), ("parent_id", .string(asset.parentID)),
            ("project_id", .string(asset.projectID)), ("view_url", .string("https://next.frame.io/project/\(asset.projectID)/view/\(asset.id)")),
            ("created_at", .string(asset.createdAt)), ("updated_at", .string(asset.updatedAt)), ("adobe_id", .null),
        ]
        switch asset.type {
        case "file":
            members += [
                ("file_size", .integer(asset.fileSize)), ("media_type", .text(asset.mediaType)), ("status", .text(asset.status)),
            ]
            if includes.contains("metadata") { members.append(("metadata", metadata(asset))) }
            let links = includes.filter { $0.hasPrefix("media_links.") }.sorted()
            if !links.isEmpty {
                members.append(
                    (
                        "media_links",
                        .object(
                            links.map { include in
                                let kind = String(include.dropFirst("media_links.".count))
                                // A file still uploading has no renditions yet.
                                guard asset.mediaType != nil else { return (kind, .null) }
                                return (
                                    kind, .object([("url", signedURL(kind, asset.id)), ("download_url", signedURL(kind + "-download", asset.id))])
                                )
                            })
                    ))
            }
        case "folder":
            let cover = (dataset.childrenByParent[asset.id] ?? []).first { dataset.assets[$0].type == "file" }.map { dataset.assets[$0].id }
            members += [("restricted", .bool(false)), ("cover_file_id", .text(cover))]
        case "version_stack":
            if let head = (dataset.childrenByParent[asset.id] ?? []).last {
                members.append(("head_version", render(dataset.assets[head], includes: includes.filter { $0 == "metadata" })))
            } else {
                members.append(("head_version", .null))
            }
        default:
            break
        }
        members += asset.extra.map { ($0.key, $0.value) }
        return .object(members)
    }
}

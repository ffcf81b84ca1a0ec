import CatalogCore
import Foundation
import Hummingbird
import Synchronization

/// The fake Frame.io v2 API: routes, header pagination, rate limits, faults and payloads shaped
/// as documented (see ../shared/docs/api-facts.md). Independent of the HTTP server so it can be
/// tested directly. The dataset can change between crawls (``mutate(rate:seed:)``).
public final class FrameIOSandboxAPI: Sendable {
    /// Limits and faults.
    public let configuration: SandboxConfiguration
    private let gate: SandboxGate
    /// Varies signed URLs and view counts between responses.
    private let random: Mutex<SeededGenerator>
    private let state: Mutex<FrameIOSandboxView.Snapshot>

    /// Requests answered so far, by outcome.
    public typealias Counters = SandboxCounters

    /// Where its signed media addresses point (thumbnails, previews).
    public let media: SandboxMedia

    /// Creates the API over a dataset.
    public init(dataset: FrameIODataset, configuration: SandboxConfiguration, media: SandboxMedia? = nil) {
        self.media = media ?? SandboxMedia(expiredRate: configuration.expiredThumbnailRate)
        self.configuration = configuration
        gate = SandboxGate(configuration: configuration)
        random = Mutex(SeededGenerator(seed: configuration.faultSeed ^ 0x5151))
        state = Mutex(FrameIOSandboxView.Snapshot(dataset))
    }

    /// The data served now (it changes when mutated).
    public var dataset: FrameIODataset { state.withLock { $0.dataset } }

    /// The counters so far.
    public var counts: Counters { gate.counts }

    /// Serves `dataset` from now on.
    public func replace(_ dataset: FrameIODataset) {
        state.withLock { $0 = FrameIOSandboxView.Snapshot(dataset) }
    }

    /// Changes about `rate` of the assets (see ``FrameIODataset/mutate(rate:seed:now:)``).
    @discardableResult
    public func mutate(rate: Double, seed: UInt64, purge: Bool = false) -> FrameIOMutationReport {
        state.withLock { snapshot in
            var dataset = snapshot.dataset
            let report = dataset.mutate(rate: rate, seed: seed, now: Date(), purge: purge)
            snapshot = FrameIOSandboxView.Snapshot(dataset)
            return report
        }
    }

    /// `POST /_admin/mutate?rate=R&seed=S[&purge=true]` (no token needed; the sandbox binds loopback).
    func admin(query: [String: String]) -> SandboxResponse {
        guard let rate = Double(query["rate"] ?? "0.01"), (0...1).contains(rate) else {
            return .frameIOError(status: 400, title: "Bad Request", detail: "rate must be a number between 0 and 1")
        }
        let report = mutate(
            rate: rate, seed: UInt64(query["seed"] ?? "") ?? UInt64.random(in: 0...UInt64.max), purge: query["purge"] == "true")
        return .json(report.json)
    }

    /// Adds the v2 routes to `group` (mounted at `/v2`). Each names its rate-limit class as the
    /// service limits them: `children` for `GET /assets/{id}/children`, `asset` for
    /// `GET /assets/{id}`, `search` for `POST /search/library`, else the method and the path
    /// with ids left out (the keys of ``SandboxConfiguration/endpointRateLimits``).
    func addRoutes<Context: RequestContext>(to group: RouterGroup<Context>) {
        func get(_ path: RouterPath, _ endpoint: String, _ answer: @escaping @Sendable (FrameIOSandboxView, SandboxRequest) -> SandboxResponse) {
            group.sandbox(.get, path) { [self] request in await serve(request, endpoint: endpoint, answer) }
        }
        get("me", "GET /me") { view, _ in view.me() }
        // Every team of every account the user is on (the official SDK's `teams.list_all`).
        get("teams", "GET /teams") { view, request in view.paginate(view.dataset.teams, request, render: view.renderTeam) }
        get("accounts", "GET /accounts") { view, request in view.paginate(view.dataset.accounts, request, render: view.renderAccount) }
        get("accounts/:account/teams", "GET /accounts/{id}/teams") { view, request in view.teams(ofAccount: request.parameter("account"), request) }
        get("teams/:team/projects", "GET /teams/{id}/projects") { view, request in view.projects(ofTeam: request.parameter("team"), request) }
        get("projects/shared", "GET /projects/shared") { view, request in view.sharedProjects(request) }
        get("projects/:project", "GET /projects/{id}") { view, request in view.project(request.parameter("project"), request) }
        get("projects/:project/trash", "GET /projects/{id}/trash") { view, request in view.trash(ofProject: request.parameter("project"), request) }
        get("assets/:asset", "asset") { view, request in view.asset(request.parameter("asset"), request) }
        get("assets/:asset/children", "children") { view, request in view.children(of: request.parameter("asset"), request) }
        group.sandbox(.post, "search/library") { [self] request in
            await serve(request, endpoint: "search") { view, request in view.searchLibrary(body: request.body) }
        }
        group.sandbox(.post, "_admin/mutate") { [self] request in admin(query: request.query) }
        group.sandboxFallback { method, path in
            .frameIOError(status: 404, title: "Not Found", detail: "No resource at \(method) \(path)")
        }
    }

    /// Answers one admitted request: the gate first (token, rate limit, faults), then the
    /// parameters every v2 list checks, then `answer` over one consistent view of the dataset.
    private func serve(
        _ request: SandboxRequest, endpoint: String, _ answer: (FrameIOSandboxView, SandboxRequest) -> SandboxResponse
    ) async -> SandboxResponse {
        let required = configuration.requiredToken
        return await gate.serve(
            authorization: request.authorization, endpoint: endpoint, accepts: { required == nil || $0 == required },
            refuse: { .frameIOError(status: $0, title: SandboxGate.title(of: $0), detail: $1, headers: $2) },
            answer: { pageFault in
                let view = FrameIOSandboxView(
                    snapshot: state.withLock { $0 }, configuration: configuration, pageFault: pageFault,
                    nextRandom: { [self] in random.withLock { $0.next() } }, media: media)
                return view.invalidParameter(request.query) ?? answer(view, request)
            })
    }
}

/// One consistent view of the dataset answering one request.
struct FrameIOSandboxView {
    /// The dataset and its lookup tables, rebuilt when the dataset changes.
    struct Snapshot: Sendable {
        var dataset: FrameIODataset
        var projectsByID: [String: Int]
        var teamsByID: [String: Int]
        /// Live files (version stacks and versions included), folders and bytes per project.
        var projectCounts: [String: (files: Int64, folders: Int64, storage: Int64)]

        init(_ dataset: FrameIODataset) {
            self.dataset = dataset
            projectsByID = Dictionary(dataset.projects.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
            teamsByID = Dictionary(dataset.teams.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
            projectCounts = [:]
            for project in dataset.projects {
                var counts: (files: Int64, folders: Int64, storage: Int64) = (0, 0, 0)
                var stack = [project.rootAssetID]
                while let parent = stack.popLast() {
                    for i in dataset.childrenByParent[parent] ?? [] where dataset.assets[i].deletedAt == nil {
                        let asset = dataset.assets[i]
                        if asset.type == "folder" { counts.folders += 1 } else { counts.files += 1 }
                        counts.storage += asset.filesize ?? 0
                        if asset.type != "file" { stack.append(asset.id) }
                    }
                }
                projectCounts[project.id] = counts
            }
        }
    }

    let snapshot: Snapshot
    let configuration: SandboxConfiguration
    /// How this request's list page is distorted, if at all.
    var pageFault: PageFault? = nil
    let nextRandom: @Sendable () -> UInt64
    /// Where signed media addresses point.
    let media: SandboxMedia

    var dataset: FrameIODataset { snapshot.dataset }
    var projectsByID: [String: Int] { snapshot.projectsByID }
    var teamsByID: [String: Int] { snapshot.teamsByID }

    /// The values `filter[archived]` takes: `all` on team projects, a boolean on shared projects
    /// (the v2 reference: get-projects-by-team, get-shared-projects).
    static let archivedValues: Set<String> = ["true", "false", "all"]
    /// The `sort` keys children lists take, comma-separated, each with `-` for descending (the v2
    /// reference, getAssets).
    static let sortKeys: Set<String> = ["comment_count", "filesize", "filetype", "id", "label", "name", "uploaded_at"]

    /// The service answers 422 for a parameter it cannot use, rather than guessing.
    func invalidParameter(_ query: [String: String]) -> SandboxResponse? {
        func refuse(_ name: String, _ expected: String) -> SandboxResponse {
            .frameIOError(
                status: 422, title: "Unprocessable Entity", detail: "Invalid parameter \(name)=\(query[name] ?? ""): expected \(expected)")
        }
        if let page = query["page"], (Int(page) ?? 0) < 1 { return refuse("page", "an integer of at least 1") }
        if let size = query["page_size"], (Int(size) ?? 0) < 1 { return refuse("page_size", "an integer of at least 1") }
        if let size = query["page_size"].flatMap(Int.init), let refused = configuration.refusePageSizeAbove, size > refused {
            return refuse("page_size", "at most \(refused)")
        }
        if let archived = query["filter[archived]"], !Self.archivedValues.contains(archived) {
            return refuse("filter[archived]", "true, false or all")
        }
        if let sort = query["sort"],
            !sort.split(separator: ",", omittingEmptySubsequences: false).allSatisfy({
                Self.sortKeys.contains(String($0.hasPrefix("-") ? $0.dropFirst() : $0))
            })
        {
            return refuse("sort", "keys among \(Self.sortKeys.sorted().joined(separator: ", ")), comma-separated, - for descending")
        }
        if let type = query["type"], !["file", "folder", "version_stack"].contains(type) {
            return refuse("type", "file, folder or version_stack")
        }
        return nil
    }

    func me() -> SandboxResponse {
        .json(
            .object([
                ("id", .string(dataset.userID)), ("name", .string(dataset.userName)), ("email", .string(dataset.userEmail)),
                ("_type", .string("user")),
            ]))
    }

    func teams(ofAccount accountID: String, _ request: SandboxRequest) -> SandboxResponse {
        guard dataset.accounts.contains(where: { $0.id == accountID }) else { return notFound(request.path) }
        return paginate(dataset.teams.filter { $0.accountID == accountID }, request, render: renderTeam)
    }

    func projects(ofTeam teamID: String, _ request: SandboxRequest) -> SandboxResponse {
        guard teamsByID[teamID] != nil else { return notFound(request.path) }
        let projects = dataset.projects.filter { $0.teamID == teamID && $0.isTeamProject && archived($0, request.query) }
        return paginate(projects, request) { renderProject($0, embedRoot: false) }
    }

    func sharedProjects(_ request: SandboxRequest) -> SandboxResponse {
        // Documented as a boolean here (default false): `all` is not a value of it.
        if let archived = request.query["filter[archived]"], archived != "true" && archived != "false" {
            return .frameIOError(
                status: 422, title: "Unprocessable Entity", detail: "Invalid parameter filter[archived]=\(archived): expected true or false")
        }
        let accountFilter = request.query["filter[account_id]"]
        let projects = dataset.projects.filter { project in
            project.isShared && archived(project, request.query) && (accountFilter == nil || accountFilter == project.accountID)
        }
        return paginate(projects, request) { renderProject($0, embedRoot: false) }
    }

    func project(_ id: String, _ request: SandboxRequest) -> SandboxResponse {
        guard let index = projectsByID[id] else { return notFound(request.path) }
        return .json(renderProject(dataset.projects[index], embedRoot: true))
    }

    func trash(ofProject id: String, _ request: SandboxRequest) -> SandboxResponse {
        guard let index = projectsByID[id] else { return notFound(request.path) }
        let projectID = dataset.projects[index].id
        let deleted = dataset.assets.filter { $0.projectID == projectID && $0.deletedAt != nil }
        return paginate(deleted, request, render: renderAsset)
    }

    func asset(_ id: String, _ request: SandboxRequest) -> SandboxResponse {
        // A project's root asset is a readable hidden folder, as on the service.
        if let project = dataset.projects.first(where: { $0.rootAssetID == id }) { return .json(renderRoot(project)) }
        guard let index = dataset.assetIndex[id], request.query["include_deleted"] == "true" || dataset.assets[index].deletedAt == nil else {
            return notFound(request.path)
        }
        return .json(renderAsset(dataset.assets[index]))
    }

    func children(of parent: String, _ request: SandboxRequest) -> SandboxResponse {
        guard dataset.assetIndex[parent] != nil || dataset.projects.contains(where: { $0.rootAssetID == parent }) else {
            return notFound(request.path)
        }
        let includeDeleted = request.query["include_deleted"] == "true"
        let type = request.query["type"]
        var children = (dataset.childrenByParent[parent] ?? []).map { self.dataset.assets[$0] }.filter {
            (includeDeleted || $0.deletedAt == nil) && (type == nil || $0.type == type)
        }
        if let sort = request.query["sort"] { children = Self.sorted(children, by: sort) }
        return paginate(children, request, render: renderAsset)
    }

    /// `POST /search/library`: live assets of an account (and project) updated since a time,
    /// newest first. Like the real service, pages past the first 100 results are unreliable:
    /// some results there are silently left out, so a page holds fewer than `page_size`.
    func searchLibrary(body: [UInt8]) -> SandboxResponse {
        guard let json = try? JSONParser.parse(body), let accountID = json["account_id"]?.stringValue else {
            return .frameIOError(status: 422, title: "Unprocessable Entity", detail: "search needs a JSON body with account_id")
        }
        let filter = json["filter"]
        let projectID = filter?["project_id"]?["value"]?.stringValue
        let since = filter?["updated_at"]?["value"]?.stringValue.flatMap(Timestamp.parse)
        if filter?["updated_at"] != nil, since == nil || filter?["updated_at"]?["op"]?.stringValue != "gte" {
            return .frameIOError(status: 422, title: "Unprocessable Entity", detail: "filter.updated_at needs op gte and an ISO 8601 value")
        }
        var found: [(date: Date, index: Int)] = []
        for (i, asset) in dataset.assets.enumerated() where asset.deletedAt == nil && asset.projectID == (projectID ?? asset.projectID) {
            guard let project = projectsByID[asset.projectID], dataset.projects[project].accountID == accountID, isLive(i),
                let updated = Timestamp.parse(asset.updatedAt)
            else { continue }
            if let since, updated < since { continue }
            found.append((updated, i))
        }
        found.sort { $0.date != $1.date ? $0.date > $1.date : $0.index < $1.index }
        let pageSize = max(1, min(json["page_size"]?.int64Value.map(Int.init) ?? configuration.defaultPageSize, configuration.maxPageSize))
        let page = max(1, json["page"]?.int64Value.map(Int.init) ?? 1)
        let start = min(found.count, (page - 1) * pageSize)
        let end = min(found.count, start + pageSize)
        // The documented bug: past ~100 results, some are dropped.
        let results = (start..<end).filter { !($0 >= 100 && $0 % 7 == 3) }.map { renderAsset(dataset.assets[found[$0].index]) }
        let totalPages = max(1, (found.count + pageSize - 1) / pageSize)
        return .json(
            .array(results),
            headers: [
                ("page-number", String(page)), ("per-page", String(pageSize)), ("total", String(found.count)),
                ("total-pages", String(totalPages)),
            ])
    }

    /// `children` in the order `sort` names (`name`, `-filesize,id`, …); ties keep the service's order.
    static func sorted(_ children: [FrameIODataset.Asset], by sort: String) -> [FrameIODataset.Asset] {
        let keys = sort.split(separator: ",").map { key in (descending: key.hasPrefix("-"), name: String(key.hasPrefix("-") ? key.dropFirst() : key))
        }
        func value(_ asset: FrameIODataset.Asset, _ key: String) -> String {
            switch key {
            case "name": asset.name.lowercased()
            case "uploaded_at": asset.insertedAt
            case "filesize": String(format: "%020lld", asset.filesize ?? 0)
            case "filetype": asset.filetype ?? ""
            case "label": asset.label ?? "none"
            case "id": asset.id
            default: "0"  // comment_count: the sandbox keeps no comments
            }
        }
        return children.enumerated().sorted { a, b in
            for key in keys {
                let (x, y) = (value(a.element, key.name), value(b.element, key.name))
                if x != y { return key.descending ? x > y : x < y }
            }
            return a.offset < b.offset
        }.map(\.element)
    }

    /// Whether the asset and all its ancestors are live.
    private func isLive(_ index: Int) -> Bool {
        var asset = dataset.assets[index]
        while true {
            if asset.deletedAt != nil { return false }
            guard let parent = dataset.assetIndex[asset.parentID] else { return true }
            asset = dataset.assets[parent]
        }
    }

    private func archived(_ project: FrameIODataset.Project, _ query: [String: String]) -> Bool {
        switch query["filter[archived]"] ?? "false" {
        case "all": true
        case "true": project.archivedAt != nil
        default: project.archivedAt == nil
        }
    }

    private func notFound(_ path: String) -> SandboxResponse {
        .frameIOError(status: 404, title: "Not Found", detail: "No resource at \(path)")
    }

    /// Header pagination: `page` (1-based), `page_size` capped at the configured maximum, and an
    /// RFC 8288 `link` header (`<…?page=2&page_size=50>; rel="next"`, with first, prev and last).
    func paginate<Element>(_ elements: [Element], _ request: SandboxRequest, render: (Element) -> JSONValue) -> SandboxResponse {
        let query = request.query
        let requested = query["page_size"].flatMap(Int.init) ?? configuration.defaultPageSize
        let pageSize = max(1, min(requested, configuration.maxPageSize))
        let page = max(1, query["page"].flatMap(Int.init) ?? 1)
        let start = min(elements.count, (page - 1) * pageSize)
        let end = min(elements.count, start + pageSize)
        let (range, total) = pageFault?.apply(start: start, end: end, count: elements.count, page: page) ?? (start..<end, elements.count)
        let totalPages = max(1, (total + pageSize - 1) / pageSize)
        // The path below the API root, as the link header names it.
        let path = request.path.hasPrefix("/v2") ? String(request.path.dropFirst(3)) : request.path
        func link(_ number: Int, _ relation: String) -> String {
            let others = query.filter { $0.key != "page" && $0.key != "page_size" }.sorted { $0.key < $1.key }
                .map { "&\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? $0.value)" }.joined()
            return "<\(configuration.publicBaseURL)\(path)?page=\(number)&page_size=\(pageSize)\(others)>; rel=\"\(relation)\""
        }
        var links = [link(1, "first"), link(totalPages, "last")]
        if page > 1 { links.append(link(min(page - 1, totalPages), "prev")) }
        if page < totalPages { links.append(link(page + 1, "next")) }
        return .json(
            .array(range.map { render(elements[$0]) }),
            headers: [
                ("page-number", String(page)), ("per-page", String(pageSize)), ("total", String(total)),
                ("total-pages", String(totalPages)), ("link", links.joined(separator: ", ")),
            ])
    }

    // MARK: - Payloads

    /// A fresh pre-signed URL: different on every request, as the real service's are.
    private func signedURL(_ kind: String, _ id: String) -> JSONValue {
        .string(media.address(kind, id, signature: String(nextRandom(), radix: 16)))
    }

    func renderAccount(_ account: FrameIODataset.Account) -> JSONValue {
        .object([
            ("id", .string(account.id)), ("display_name", .text(account.displayName)),
            ("owner", .object([("name", .text(account.ownerName)), ("email", .text(account.ownerEmail))])),
            ("image", signedURL("image", account.id)), ("_type", .string("account")),
        ])
    }

    func renderTeam(_ team: FrameIODataset.Team) -> JSONValue {
        let projects = dataset.projects.filter { $0.teamID == team.id }
        let counts = projects.map { snapshot.projectCounts[$0.id] ?? (0, 0, 0) }
        return .object([
            ("id", .string(team.id)), ("name", .string(team.name)), ("account_id", .string(team.accountID)),
            ("team_image", signedURL("team", team.id)), ("project_count", .integer(projects.count)),
            ("file_count", .integer(counts.reduce(0) { $0 + $1.files })), ("folder_count", .integer(counts.reduce(0) { $0 + $1.folders })),
            ("storage", .integer(counts.reduce(0) { $0 + $1.storage })), ("_type", .string("team")),
        ])
    }

    func renderProject(_ project: FrameIODataset.Project, embedRoot: Bool) -> JSONValue {
        var team: [(key: String, value: JSONValue)] = [("id", .string(project.teamID))]
        // The reference's example of a shared project carries no team.account_id: a project
        // shared from a team the user is not on comes without it here too.
        if project.isTeamProject || teamsByID[project.teamID] != nil { team.append(("account_id", .string(project.accountID))) }
        if let index = teamsByID[project.teamID] { team.append(("name", .string(dataset.teams[index].name))) }
        let (files, folders, storage) = snapshot.projectCounts[project.id] ?? (0, 0, 0)
        var members: [(key: String, value: JSONValue)] = [
            ("id", .string(project.id)), ("name", .string(project.name)), ("root_asset_id", .string(project.rootAssetID)),
            ("team_id", .string(project.teamID)), ("team", .object(team)), ("private", .bool(false)),
            ("inserted_at", .text(project.insertedAt)), ("updated_at", .text(project.updatedAt)), ("archived_at", .text(project.archivedAt)),
            ("deleted_at", .null), ("file_count", .integer(files)), ("folder_count", .integer(folders)), ("storage", .integer(storage)),
            ("_type", .string("project")),
        ]
        if embedRoot {
            members.append(
                (
                    "root_asset",
                    .object([
                        ("id", .string(project.rootAssetID)), ("name", .string("root")), ("type", .string("folder")),
                        ("project_id", .string(project.id)),
                    ])
                ))
        }
        return .object(members)
    }

    /// The documented `asset_type` of a MIME type: `stream` (video, audio), `image` or `document`.
    static func assetType(_ mime: String?) -> String {
        let mime = (mime ?? "").lowercased()
        if mime.hasPrefix("video/") || mime.hasPrefix("audio/") { return "stream" }
        if mime.hasPrefix("image/") { return "image" }
        return "document"
    }

    /// A project's root asset: the hidden folder standing for the project.
    func renderRoot(_ project: FrameIODataset.Project) -> JSONValue {
        let live = (dataset.childrenByParent[project.rootAssetID] ?? []).filter { dataset.assets[$0].deletedAt == nil }
        return .object([
            ("id", .string(project.rootAssetID)), ("name", .string("root")), ("type", .string("folder")), ("_type", .string("folder")),
            ("parent_id", .null), ("project_id", .string(project.id)), ("team_id", .string(project.teamID)),
            ("account_id", .string(project.accountID)), ("inserted_at", .text(project.insertedAt)), ("updated_at", .text(project.updatedAt)),
            ("deleted_at", .null), ("item_count", .integer(live.count)),
        ])
    }

    func renderAsset(_ asset: FrameIODataset.Asset) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = [
            ("id", .string(asset.id)), ("name", .string(asset.name)), ("type", .string(asset.type)), ("_type", .string(asset.type)),
            ("parent_id", .string(asset.parentID)), ("project_id", .string(asset.projectID)),
        ]
        if let project = projectsByID[asset.projectID] {
            members += [("team_id", .string(dataset.projects[project].teamID)), ("account_id", .string(dataset.projects[project].accountID))]
        }
        members += [
            ("inserted_at", .text(asset.insertedAt)), ("updated_at", .text(asset.updatedAt)), ("deleted_at", .text(asset.deletedAt)),
            ("archived_at", .null), ("index", .integer(asset.index)), ("view_count", .integer(Int64(nextRandom() % 1000))),
        ]
        if asset.type == "file" {
            let assetType = Self.assetType(asset.filetype)
            members += [
                ("filesize", .integer(asset.filesize)), ("filetype", .text(asset.filetype)), ("asset_type", .string(assetType)),
                ("duration", assetType == "stream" ? .number("\(Double(asset.index % 600) + 12.5)") : .null),
                ("fps", (asset.filetype ?? "").hasPrefix("video/") ? .number("23.976") : .null),
                ("uploaded_at", .text(asset.insertedAt)), ("upload_completed_at", .text(asset.insertedAt)),
                ("label", .string(asset.label ?? "none")),
            ]
            if asset.hasChecksums { members.append(("checksums", asset.xxHash.map { .object([("xx_hash", .string($0))]) } ?? .null)) }
            members += [("original", signedURL("original", asset.id)), ("thumb", signedURL("thumb", asset.id))]
        } else {
            // Live children only: deleted ones are in the project's trash, not counted here.
            let live = (dataset.childrenByParent[asset.id] ?? []).filter { dataset.assets[$0].deletedAt == nil }
            members += [("item_count", .integer(live.count)), ("filesize", .integer(0)), ("label", .string(asset.label ?? "none"))]
            if asset.type == "version_stack" {
                members += [
                    ("versions", .integer(live.count)),
                    ("cover_asset_id", .text(dataset.childrenByParent[asset.id]?.last.map { dataset.assets[$0].id })),
                    ("thumb", signedURL("thumb", asset.id)),
                ]
            }
        }
        members += asset.extra.map { ($0.key, $0.value) }
        return .object(members)
    }
}

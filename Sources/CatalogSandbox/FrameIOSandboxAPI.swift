import CatalogCore
import Foundation
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

    /// Creates the API over a dataset.
    public init(dataset: FrameIODataset, configuration: SandboxConfiguration) {
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
    public func admin(path: String, query: [String: String]) -> SandboxResponse {
        guard path == "/_admin/mutate" else { return .frameIOError(status: 404, title: "Not Found", detail: "Unknown admin endpoint \(path)") }
        guard let rate = Double(query["rate"] ?? "0.01"), (0...1).contains(rate) else {
            return .frameIOError(status: 400, title: "Bad Request", detail: "rate must be a number between 0 and 1")
        }
        let report = mutate(
            rate: rate, seed: UInt64(query["seed"] ?? "") ?? UInt64.random(in: 0...UInt64.max), purge: query["purge"] == "true")
        return .json(Array(JSONWriter.string(report.json, canonical: false).utf8))
    }

    /// The rate-limit class of a request, as the service limits them: each endpoint has its own
    /// bucket (`children` for `GET /assets/{id}/children`, `asset` for `GET /assets/{id}`,
    /// `search` for `POST /search/library`, else the method and the path with ids left out).
    public static func endpoint(method: String, path: String) -> String {
        let parts = path.split(separator: "/")
        switch (method, parts.first, parts.count, parts.last) {
        case ("GET", "assets", 3, "children"): return "children"
        case ("GET", "assets", 2, _): return "asset"
        case ("POST", "search", 2, "library"): return "search"
        default:
            let shape = parts.enumerated().map { $0.offset % 2 == 1 && parts.count > 1 && $0.element != "shared" ? "{id}" : String($0.element) }
            return "\(method) /" + shape.joined(separator: "/")
        }
    }

    /// Answers one request. `path` is below the API root (e.g. `/assets/ID/children`).
    public func handle(
        method: String, path: String, query: [String: String], body: [UInt8] = [], authorization: String?
    ) async -> SandboxResponse {
        let required = configuration.requiredToken
        switch await gate.check(
            authorization: authorization, endpoint: Self.endpoint(method: method, path: path), accepts: { required == nil || $0 == required })
        {
        case .refuse(let status, let reason, let headers):
            let title = status == 401 ? "Unauthorized" : status == 429 ? "Too Many Requests" : "Server Error"
            return .frameIOError(status: status, title: title, detail: reason, headers: headers)
        case .admit(let rateHeaders, let pageFault, let bodyFault):
            let view = FrameIOSandboxView(
                snapshot: state.withLock { $0 }, configuration: configuration, pageFault: pageFault,
                nextRandom: { [self] in random.withLock { $0.next() } })
            var response = view.route(method: method, path: path, query: query, body: body)
            response.headers += rateHeaders
            return SandboxGate.corrupt(response, with: bodyFault)
        }
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

    func route(method: String, path: String, query: [String: String], body: [UInt8]) -> SandboxResponse {
        if let refusal = invalidParameter(query) { return refusal }
        let parts = path.split(separator: "/").map(String.init)
        if method == "POST", parts == ["search", "library"] { return searchLibrary(body: body) }
        guard method == "GET" else { return .frameIOError(status: 405, title: "Method Not Allowed", detail: "\(method) \(path)") }
        switch parts.count {
        case 1 where parts[0] == "me":
            var w = JSONWriter()
            w.appendRaw("{\"id\":")
            w.writeString(dataset.userID)
            w.appendRaw(",\"name\":")
            w.writeString(dataset.userName)
            w.appendRaw(",\"email\":")
            w.writeString(dataset.userEmail)
            w.appendRaw(",\"_type\":\"user\"}")
            return .json(w.bytes)
        case 1 where parts[0] == "teams":
            // Every team of every account the user is on (the official SDK's `teams.list_all`).
            return paginate(dataset.teams, query: query, path: path, render: renderTeam)
        case 1 where parts[0] == "accounts":
            return paginate(dataset.accounts, query: query, path: path, render: renderAccount)
        case 3 where parts[0] == "accounts" && parts[2] == "teams":
            guard dataset.accounts.contains(where: { $0.id == parts[1] }) else { return notFound(path) }
            return paginate(dataset.teams.filter { $0.accountID == parts[1] }, query: query, path: path, render: renderTeam)
        case 3 where parts[0] == "teams" && parts[2] == "projects":
            guard teamsByID[parts[1]] != nil else { return notFound(path) }
            let projects = dataset.projects.filter { $0.teamID == parts[1] && $0.isTeamProject && archived($0, query) }
            return paginate(projects, query: query, path: path) { renderProject($0, &$1, embedRoot: false) }
        case 2 where parts[0] == "projects" && parts[1] == "shared":
            // Documented as a boolean here (default false): `all` is not a value of it.
            if let archived = query["filter[archived]"], archived != "true" && archived != "false" {
                return .frameIOError(
                    status: 422, title: "Unprocessable Entity", detail: "Invalid parameter filter[archived]=\(archived): expected true or false")
            }
            let accountFilter = query["filter[account_id]"]
            let projects = dataset.projects.filter { project in
                project.isShared && archived(project, query) && (accountFilter == nil || accountFilter == project.accountID)
            }
            return paginate(projects, query: query, path: path) { renderProject($0, &$1, embedRoot: false) }
        case 2 where parts[0] == "projects":
            guard let index = projectsByID[parts[1]] else { return notFound(path) }
            var w = JSONWriter()
            renderProject(dataset.projects[index], &w, embedRoot: true)
            return .json(w.bytes)
        case 3 where parts[0] == "projects" && parts[2] == "trash":
            guard let index = projectsByID[parts[1]] else { return notFound(path) }
            let projectID = dataset.projects[index].id
            let deleted = dataset.assets.filter { $0.projectID == projectID && $0.deletedAt != nil }
            return paginate(deleted, query: query, path: path, render: renderAsset)
        case 2 where parts[0] == "assets":
            let includeDeleted = query["include_deleted"] == "true"
            if let project = dataset.projects.first(where: { $0.rootAssetID == parts[1] }) {
                // A project's root asset is a readable hidden folder, as on the service.
                var w = JSONWriter()
                renderRoot(project, &w)
                return .json(w.bytes)
            }
            guard let index = dataset.assetIndex[parts[1]], includeDeleted || dataset.assets[index].deletedAt == nil else {
                return notFound(path)
            }
            var w = JSONWriter()
            renderAsset(dataset.assets[index], &w)
            return .json(w.bytes)
        case 3 where parts[0] == "assets" && parts[2] == "children":
            let parent = parts[1]
            guard dataset.assetIndex[parent] != nil || dataset.projects.contains(where: { $0.rootAssetID == parent }) else {
                return notFound(path)
            }
            let includeDeleted = query["include_deleted"] == "true"
            let type = query["type"]
            var children = (dataset.childrenByParent[parent] ?? []).map { self.dataset.assets[$0] }.filter {
                (includeDeleted || $0.deletedAt == nil) && (type == nil || $0.type == type)
            }
            if let sort = query["sort"] { children = Self.sorted(children, by: sort) }
            return paginate(children, query: query, path: path, render: renderAsset)
        default:
            return notFound(path)
        }
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
        var w = JSONWriter()
        w.appendRaw("[")
        var first = true
        for position in start..<end {
            // The documented bug: past ~100 results, some are dropped.
            if position >= 100, position % 7 == 3 { continue }
            if !first { w.appendRaw(",") }
            first = false
            renderAsset(dataset.assets[found[position].index], &w)
        }
        w.appendRaw("]")
        let totalPages = max(1, (found.count + pageSize - 1) / pageSize)
        return .json(
            w.bytes,
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
    private func paginate<Element>(
        _ elements: [Element], query: [String: String], path: String = "", render: (Element, inout JSONWriter) -> Void
    ) -> SandboxResponse {
        let requested = query["page_size"].flatMap(Int.init) ?? configuration.defaultPageSize
        let pageSize = max(1, min(requested, configuration.maxPageSize))
        let page = max(1, query["page"].flatMap(Int.init) ?? 1)
        let start = min(elements.count, (page - 1) * pageSize)
        let end = min(elements.count, start + pageSize)
        let (range, total) = pageFault?.apply(start: start, end: end, count: elements.count, page: page) ?? (start..<end, elements.count)
        var w = JSONWriter()
        w.appendRaw("[")
        for i in range {
            if i > range.lowerBound { w.appendRaw(",") }
            render(elements[i], &w)
        }
        w.appendRaw("]")
        let totalPages = max(1, (total + pageSize - 1) / pageSize)
        var headers = [
            ("page-number", String(page)), ("per-page", String(pageSize)), ("total", String(total)),
            ("total-pages", String(totalPages)),
        ]
        if !path.isEmpty {
            func link(_ number: Int, _ relation: String) -> String {
                let others = query.filter { $0.key != "page" && $0.key != "page_size" }.sorted { $0.key < $1.key }
                    .map { "&\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? $0.value)" }.joined()
                return "<\(configuration.publicBaseURL)\(path)?page=\(number)&page_size=\(pageSize)\(others)>; rel=\"\(relation)\""
            }
            var links = [link(1, "first"), link(totalPages, "last")]
            if page > 1 { links.append(link(min(page - 1, totalPages), "prev")) }
            if page < totalPages { links.append(link(page + 1, "next")) }
            headers.append(("link", links.joined(separator: ", ")))
        }
        return .json(w.bytes, headers: headers)
    }

    // MARK: - Payloads

    private func member(_ w: inout JSONWriter, _ key: String, _ value: String?, first: Bool = false) {
        w.appendRaw(first ? "" : ",")
        w.writeString(key)
        w.appendRaw(":")
        if let value { w.writeString(value) } else { w.appendRaw("null") }
    }

    private func number(_ w: inout JSONWriter, _ key: String, _ value: Int64?) {
        w.appendRaw(",")
        w.writeString(key)
        w.appendRaw(value.map { ":\($0)" } ?? ":null")
    }

    /// A fresh pre-signed URL: different on every request, as the real service's are.
    private func signedURL(_ kind: String, _ id: String) -> String {
        let signature = String(nextRandom(), radix: 16)
        return "https://assets.sandbox.invalid/\(id)/\(kind)?Expires=1790000000&Signature=\(signature)&Key-Pair-Id=SANDBOX"
    }

    private func renderAccount(_ account: FrameIODataset.Account, _ w: inout JSONWriter) {
        w.appendRaw("{")
        member(&w, "id", account.id, first: true)
        member(&w, "display_name", account.displayName)
        w.appendRaw(",\"owner\":{")
        member(&w, "name", account.ownerName, first: true)
        member(&w, "email", account.ownerEmail)
        w.appendRaw("}")
        member(&w, "image", signedURL("image", account.id))
        member(&w, "_type", "account")
        w.appendRaw("}")
    }

    private func renderTeam(_ team: FrameIODataset.Team, _ w: inout JSONWriter) {
        w.appendRaw("{")
        member(&w, "id", team.id, first: true)
        member(&w, "name", team.name)
        member(&w, "account_id", team.accountID)
        member(&w, "team_image", signedURL("team", team.id))
        let projects = dataset.projects.filter { $0.teamID == team.id }
        number(&w, "project_count", Int64(projects.count))
        let counts = projects.map { snapshot.projectCounts[$0.id] ?? (0, 0, 0) }
        number(&w, "file_count", counts.reduce(0) { $0 + $1.files })
        number(&w, "folder_count", counts.reduce(0) { $0 + $1.folders })
        number(&w, "storage", counts.reduce(0) { $0 + $1.storage })
        member(&w, "_type", "team")
        w.appendRaw("}")
    }

    private func renderProject(_ project: FrameIODataset.Project, _ w: inout JSONWriter, embedRoot: Bool) {
        w.appendRaw("{")
        member(&w, "id", project.id, first: true)
        member(&w, "name", project.name)
        member(&w, "root_asset_id", project.rootAssetID)
        member(&w, "team_id", project.teamID)
        w.appendRaw(",\"team\":{")
        member(&w, "id", project.teamID, first: true)
        // The reference's example of a shared project carries no team.account_id: a project
        // shared from a team the user is not on comes without it here too.
        if project.isTeamProject || teamsByID[project.teamID] != nil { member(&w, "account_id", project.accountID) }
        if let team = teamsByID[project.teamID] { member(&w, "name", dataset.teams[team].name) }
        w.appendRaw("}")
        w.appendRaw(",\"private\":false")
        member(&w, "inserted_at", project.insertedAt)
        member(&w, "updated_at", project.updatedAt)
        member(&w, "archived_at", project.archivedAt)
        member(&w, "deleted_at", nil)
        let (files, folders, storage) = snapshot.projectCounts[project.id] ?? (0, 0, 0)
        number(&w, "file_count", files)
        number(&w, "folder_count", folders)
        number(&w, "storage", storage)
        member(&w, "_type", "project")
        if embedRoot {
            w.appendRaw(",\"root_asset\":{")
            member(&w, "id", project.rootAssetID, first: true)
            member(&w, "name", "root")
            member(&w, "type", "folder")
            member(&w, "project_id", project.id)
            w.appendRaw("}")
        }
        w.appendRaw("}")
    }

    /// The documented `asset_type` of a MIME type: `stream` (video, audio), `image` or `document`.
    static func assetType(_ mime: String?) -> String {
        let mime = (mime ?? "").lowercased()
        if mime.hasPrefix("video/") || mime.hasPrefix("audio/") { return "stream" }
        if mime.hasPrefix("image/") { return "image" }
        return "document"
    }

    /// A project's root asset: the hidden folder standing for the project.
    private func renderRoot(_ project: FrameIODataset.Project, _ w: inout JSONWriter) {
        w.appendRaw("{")
        member(&w, "id", project.rootAssetID, first: true)
        member(&w, "name", "root")
        member(&w, "type", "folder")
        member(&w, "_type", "folder")
        member(&w, "parent_id", nil)
        member(&w, "project_id", project.id)
        member(&w, "team_id", project.teamID)
        member(&w, "account_id", project.accountID)
        member(&w, "inserted_at", project.insertedAt)
        member(&w, "updated_at", project.updatedAt)
        member(&w, "deleted_at", nil)
        let live = (dataset.childrenByParent[project.rootAssetID] ?? []).filter { dataset.assets[$0].deletedAt == nil }
        number(&w, "item_count", Int64(live.count))
        w.appendRaw("}")
    }

    private func renderAsset(_ asset: FrameIODataset.Asset, _ w: inout JSONWriter) {
        w.appendRaw("{")
        member(&w, "id", asset.id, first: true)
        member(&w, "name", asset.name)
        member(&w, "type", asset.type)
        member(&w, "_type", asset.type)
        member(&w, "parent_id", asset.parentID)
        member(&w, "project_id", asset.projectID)
        if let project = projectsByID[asset.projectID] {
            member(&w, "team_id", dataset.projects[project].teamID)
            member(&w, "account_id", dataset.projects[project].accountID)
        }
        member(&w, "inserted_at", asset.insertedAt)
        member(&w, "updated_at", asset.updatedAt)
        member(&w, "deleted_at", asset.deletedAt)
        member(&w, "archived_at", nil)
        number(&w, "index", Int64(asset.index))
        number(&w, "view_count", Int64(nextRandom() % 1000))
        if asset.type == "file" {
            number(&w, "filesize", asset.filesize)
            member(&w, "filetype", asset.filetype)
            member(&w, "asset_type", Self.assetType(asset.filetype))
            let isStream = Self.assetType(asset.filetype) == "stream"
            w.appendRaw(isStream ? ",\"duration\":\(Double(asset.index % 600) + 12.5)" : ",\"duration\":null")
            w.appendRaw((asset.filetype ?? "").hasPrefix("video/") ? ",\"fps\":23.976" : ",\"fps\":null")
            member(&w, "uploaded_at", asset.insertedAt)
            member(&w, "upload_completed_at", asset.insertedAt)
            member(&w, "label", asset.label ?? "none")
            if asset.hasChecksums {
                w.appendRaw(",\"checksums\":")
                if let hash = asset.xxHash {
                    w.appendRaw("{\"xx_hash\":")
                    w.writeString(hash)
                    w.appendRaw("}")
                } else {
                    w.appendRaw("null")
                }
            }
            member(&w, "original", signedURL("original", asset.id))
            member(&w, "thumb", signedURL("thumb", asset.id))
        } else {
            // Live children only: deleted ones are in the project's trash, not counted here.
            let live = (dataset.childrenByParent[asset.id] ?? []).filter { dataset.assets[$0].deletedAt == nil }
            number(&w, "item_count", Int64(live.count))
            number(&w, "filesize", 0)
            member(&w, "label", asset.label ?? "none")
            if asset.type == "version_stack" {
                number(&w, "versions", Int64(live.count))
                member(&w, "cover_asset_id", dataset.childrenByParent[asset.id]?.last.map { dataset.assets[$0].id })
                member(&w, "thumb", signedURL("thumb", asset.id))
            }
        }
        for member in asset.extra {
            w.appendRaw(",")
            w.writeString(member.key)
            w.appendRaw(":")
            w.write(member.value, canonical: false)
        }
        w.appendRaw("}")
    }
}

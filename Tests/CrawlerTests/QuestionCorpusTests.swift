import CatalogCore
import CatalogSandbox
import CatalogStore
import Foundation
import TestSupport
import Testing

/// The questions a producer or editor asks, against a generated Frame.io V4 account and Dash
/// tenant crawled through the sandbox; each answer is worked out here from the datasets alone
/// (the sandbox's own structures, never catalog's output), and compared exactly (issue 29).
@Suite(.serialized) struct QuestionCorpusTests {
    /// An item as the datasets define it: what a question can ask of it.
    struct Expected {
        var id: String
        var source: Source
        var kind: String
        var path: String
        var projectName: String?
        var size: Int64?
        var state: String?
        /// Field name → values as people read them (options by name, people by name).
        var fields: [String: [String]]
        /// Dash: the folders it is filed in, `A/B/C`.
        var folders: [String]
    }

    static let v4 = FrameIOV4Dataset.generated(assets: 2_500, seed: 29)
    static let dash = DashDataset.generated(assets: 900, seed: 29)

    /// Every item of both datasets, with the facts the questions use.
    static func expectedItems() -> [Expected] {
        var items: [Expected] = []
        let catalogue = expectedV4Catalog(v4)
        let assets = Dictionary(v4.assets.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let fieldNames = Dictionary(uniqueKeysWithValues: v4.fields.map { ($0.id, $0.name) })
        let userNames = Dictionary(uniqueKeysWithValues: v4.users.map { ($0.id, $0.name) })
        let projects = Dictionary(uniqueKeysWithValues: v4.projects.map { ($0.id, $0.name) })
        func texts(_ value: JSONValue) -> [String] {
            switch value {
            case .string(let text): return text.isEmpty ? [] : [text]
            case .number(let number): return [number]
            case .bool(let flag): return [flag ? "true" : "false"]
            case .array(let elements): return elements.flatMap(texts)
            case .object:
                if let name = value["display_name"]?.stringValue { return [name] }
                return value["id"]?.stringValue.flatMap { userNames[$0] }.map { [$0] } ?? []
            case .null: return []
            }
        }
        for (id, entry) in catalogue {
            let asset = assets[id]
            var fields: [String: [String]] = [:]
            for (fieldID, value) in asset?.metadata ?? [] {
                guard let name = fieldNames[fieldID] else { continue }
                fields[name, default: []] += texts(value)
            }
            let projectName = asset.flatMap { projects[$0.projectID] } ?? projects[id]
            items.append(
                Expected(
                    id: id, source: .frameio, kind: entry.kind, path: entry.path, projectName: projectName,
                    size: entry.kind == "file" ? asset?.fileSize : nil, state: asset?.status ?? v4.projects.first { $0.id == id }?.status,
                    fields: fields, folders: []))
        }
        // Dash: option paths from their parents; fields by name; folders as `A/B/C`.
        let options = Dictionary(uniqueKeysWithValues: dash.options.map { ($0.id, $0) })
        func path(_ id: String) -> [String] {
            guard let option = options[id] else { return [] }
            return (option.parentID.map(path) ?? []) + [option.value]
        }
        let dashFields = Dictionary(uniqueKeysWithValues: dash.fields.map { ($0.id, $0) })
        for asset in dash.assets {
            var fields: [String: [String]] = [:]
            var folders: [String] = []
            for (fieldID, values) in asset.metadata {
                guard let field = dashFields[fieldID] else { continue }
                for value in values {
                    if field.hasFixedOptions {
                        fields[field.name, default: []].append(path(value).joined(separator: " / "))
                        if fieldID == dash.foldersFieldID { folders.append(path(value).joined(separator: "/")) }
                    } else {
                        fields[field.name, default: []].append(value)
                    }
                }
            }
            items.append(
                Expected(
                    id: asset.id, source: .dash, kind: "asset", path: (folders.first.map { $0 + "/" } ?? "") + asset.filename, projectName: nil,
                    size: asset.size, state: asset.state, fields: fields, folders: folders))
        }
        return items
    }

    /// The questions: the query, and which items answer it.
    static func questions(_ all: [Expected]) -> [(String, (Expected) -> Bool)] {
        func isFile(_ item: Expected) -> Bool { item.kind == "file" || item.kind == "asset" }
        func field(_ item: Expected, _ name: String) -> [String] { item.fields[name] ?? [] }
        func rating(_ item: Expected) -> [Double] { field(item, "Rating").compactMap(Double.init) }
        func under(_ item: Expected, _ folder: String) -> Bool {
            // A Frame.io item under a container whose path is `folder` or ends in `/folder`.
            let parts = item.path.split(separator: "/").map(String.init)
            let wanted = folder.split(separator: "/").map(String.init)
            guard parts.count > wanted.count else { return false }
            for start in 0...(parts.count - 1 - wanted.count) where Array(parts[start..<start + wanted.count]) == wanted { return true }
            return false
        }
        func filed(_ item: Expected, _ folder: String) -> Bool {
            item.folders.contains { $0.lowercased() == folder.lowercased() || $0.lowercased().hasPrefix(folder.lowercased() + "/") }
        }
        // A folder name and a project the generated data certainly has.
        let folderName =
            all.first { $0.source == .frameio && $0.kind == "folder" && $0.path.split(separator: "/").count == 4 }.map {
                String($0.path.split(separator: "/").last ?? "")
            } ?? "none"
        let project = v4.projects[0].name
        let projectFolder =
            all.first { $0.kind == "folder" && $0.projectName == project && $0.path.split(separator: "/").count == 4 }.map {
                $0.path.split(separator: "/").suffix(2).joined(separator: "/")
            } ?? project
        let crew = v4.users[2].name
        return [
            ("kind:file source:frameio", { $0.source == .frameio && $0.kind == "file" }),
            ("kind:folder", { $0.kind == "folder" }),
            ("kind:version_stack", { $0.kind == "version_stack" }),
            ("kind:project", { $0.kind == "project" }),
            ("kind:file", isFile),
            ("kind:asset", isFile),
            ("source:dash", { $0.source == .dash }),
            (#""Review Status":Approved"#, { field($0, "Review Status").contains("Approved") }),
            (#""review status":approved"#, { field($0, "Review Status").contains("Approved") }),
            (#""Review Status":Approved,Rejected"#, { !Set(field($0, "Review Status")).isDisjoint(with: ["Approved", "Rejected"]) }),
            (#""Review Status":"Needs Review""#, { field($0, "Review Status").contains("Needs Review") }),
            ("Rating:>=4", { rating($0).contains { $0 >= 4 } }),
            ("Rating:<2", { rating($0).contains { $0 < 2 } }),
            ("Rating:2..3", { rating($0).contains { $0 >= 2 && $0 <= 3 } }),
            ("Rating:5", { rating($0).contains(5) }),
            ("Rating:4,5", { rating($0).contains { $0 == 4 || $0 == 5 } }),
            (#"Rating:>=4 "Review Status":Approved"#, { rating($0).contains { $0 >= 4 } && field($0, "Review Status").contains("Approved") }),
            (#""Review Status":Approved OR Rating:5"#, { field($0, "Review Status").contains("Approved") || rating($0).contains(5) }),
            (
                #"kind:file source:frameio -"Review Status":Approved"#,
                { $0.source == .frameio && $0.kind == "file" && !field($0, "Review Status").contains("Approved") }
            ),
            (
                #"NOT "Review Status":Rejected kind:file source:frameio"#,
                { $0.source == .frameio && $0.kind == "file" && !field($0, "Review Status").contains("Rejected") }
            ),
            ("(Rating:5 OR Rating:1) source:frameio", { rating($0).contains(5) || rating($0).contains(1) }),
            ("state:created", { $0.state?.lowercased() == "created" }),
            ("state:transcoded", { $0.state?.lowercased() == "transcoded" }),
            ("kind:file source:frameio size:>4GB", { $0.source == .frameio && $0.kind == "file" && ($0.size ?? 0) > 4_000_000_000 }),
            ("size:>3GB", { isFile($0) && ($0.size ?? 0) > 3_000_000_000 }),
            ("kind:file size:<=10MB", { isFile($0) && ($0.size.map { $0 <= 10_000_000 } ?? false) }),
            ("Assignee:\"\(crew)\"", { field($0, "Assignee").contains(crew) }),
            ("Assignee:\"\(crew.lowercased())\"", { field($0, "Assignee").contains(crew) }),
            // A person by e-mail address (the field holds names; the account lists addresses).
            ("Assignee:\(v4.users[2].email.uppercased())", { field($0, "Assignee").contains(crew) }),
            (
                "Assignee:\(v4.users[2].email),\(v4.users[3].email) kind:file",
                { field($0, "Assignee").contains { [crew, v4.users[3].name].contains($0) } }
            ),
            ("folder:\"\(folderName)\"", { $0.source == .frameio && under($0, folderName) }),
            ("folder:\"\(projectFolder)\"", { $0.source == .frameio && under($0, projectFolder) }),
            ("project:\"\(project)\"", { $0.projectName == project }),
            (
                #""Review Status":Approved kind:file project:"\#(project)""#,
                { field($0, "Review Status").contains("Approved") && $0.projectName == project }
            ),
            ("Brand:Acme", { field($0, "Brand").contains("Acme") }),
            ("brand:ACME", { field($0, "Brand").contains("Acme") }),
            ("Brand:Acme,Globex", { !Set(field($0, "Brand")).isDisjoint(with: ["Acme", "Globex"]) }),
            ("Brand:Acme Brand:Globex", { Set(field($0, "Brand")).isSuperset(of: ["Acme", "Globex"]) }),
            ("state:live source:dash", { $0.source == .dash && $0.state == "LIVE" }),
            ("state:binned", { $0.state == "BINNED" }),
            ("-state:binned source:dash", { $0.source == .dash && $0.state != "BINNED" }),
            ("folder:Campaigns", { filed($0, "Campaigns") }),
            ("folder:Campaigns/2026", { filed($0, "Campaigns/2026") }),
            ("folder:\"campaigns/2026/spring\"", { filed($0, "Campaigns/2026/Spring") }),
            ("Brand:Acme folder:Campaigns", { field($0, "Brand").contains("Acme") && filed($0, "Campaigns") }),
            ("(Brand:Acme OR state:binned) source:dash", { $0.source == .dash && (field($0, "Brand").contains("Acme") || $0.state == "BINNED") }),
            (#"Brand:Acme OR "Review Status":Approved"#, { field($0, "Brand").contains("Acme") || field($0, "Review Status").contains("Approved") }),
            ("kind:file -(source:dash OR Rating:>=3)", { $0.source == .frameio && $0.kind == "file" && !rating($0).contains { $0 >= 3 } }),
            (
                #""Usage Rights":"Web only","Internal" state:live"#,
                { !Set(field($0, "Usage Rights")).isDisjoint(with: ["Web only", "Internal"]) && $0.state == "LIVE" }
            ),
        ]
    }

    @Test func everyQuestionGetsExactlyItsAnswer() async throws {
        let server = SandboxServer(
            frameIO: FrameIODataset.generated(assets: 0, seed: 1), frameIOV4: Self.v4, dash: Self.dash, configuration: SandboxConfiguration())
        let database = try CatalogDatabase(path: try temporaryDatabasePath())
        try await server.withRunning { urls in
            _ = try await crawlV4(urls.frameIOV4, into: database)
            _ = try await crawlDash(urls.dash, into: database)
        }
        let all = Self.expectedItems()
        let questions = Self.questions(all)
        #expect(questions.count >= 40)
        var empty = 0
        var answered: [String] = []
        for (text, answers) in questions {
            let expected = Set(all.filter(answers).map { "\($0.source.rawValue):\($0.id)" })
            if expected.isEmpty { empty += 1 }
            answered.append("\(text) → \(expected.count)")
            let query = try database.parseQuery(text)
            let found = try database.search(query, order: .path, limit: 100_000).map { "\($0.source.rawValue):\($0.id)" }
            #expect(
                Set(found) == expected,
                """
                \(text): \(found.count) found, \(expected.count) expected; missing \(expected.subtracting(found).prefix(3)), extra \
                \(Set(found).subtracting(expected).prefix(3))
                """
            )
            #expect(found.count == Set(found).count, "\(text): an item listed twice")
            let counted = try database.count(query, cap: 1_000_000, budget: .seconds(60))
            #expect(counted == MatchCount(count: expected.count, isExact: true), "\(text)")
        }
        // An address no one has is an error naming the closest ones, not an empty answer.
        do {
            _ = try database.parseQuery("Assignee:crew9@example.com")
            Issue.record("an unknown address was accepted")
        } catch {
            #expect("\(error)".contains("crew") && "\(error)".contains("e-mail"), "\(error)")
        }
        // A corpus whose questions all answer nothing would prove little.
        #expect(empty <= 2, "\(empty) questions have no answer in the generated data")
        print("question corpus: " + answered.joined(separator: "; "))
    }
}

import ArgumentParser
import CatalogCore
import CatalogReports
import CatalogStore
import Foundation

/// `catalog show ID|PATH`: everything the catalog knows of one item.
struct ShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show every field of one item, its versions, its duplicates and its history.",
        discussion: """
            ID|PATH is the item's id or its whole path, as search shows them (`catalog search clip --format json`). An id or path found in both \
            sources shows both; --source chooses. JSON: one object an item, with its item, versions, same_content, changes and \
            comments; keys: reports.md (in share/doc/catalog/docs).

            Examples:
              catalog show A001_C001_0301.mov
              catalog show file-a001 --format json | jq .metadata
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var reference: ItemReference

    /// What show writes: text for a person, or JSON (a CSV of items is `catalog search --format csv`).
    enum Format: String, FormatChoice {
        case table, json, ndjson
    }

    @Option(help: "table (text for a person; default on a terminal), json or ndjson (default when piped).")
    var format: Format?

    @OptionGroup var output: OutputOptions

    func run() async throws {
        Catalog.bootstrapLogging(verbose: global.verbose)
        let database = try global.openDatabase()
        let link = try global.webLink(database)
        let chosen = Terminal.format(format?.output, toStdout: output.isStdout)
        let shown = try reference.items(in: database).map { try Shown(item: $0, database: database) }
        try AtomicOutput.write(to: output.target) { sink in
            switch chosen {
            case .table, .csv:
                try sink(Array(shown.map { $0.text(link: link, width: Terminal.columns) }.joined(separator: "\n").utf8))
            case .json, .ndjson:
                var w = JSONWriter()
                if chosen == .json { w.appendRaw("{\"version\":\(ItemWriter.schemaVersion),\"report\":\"show\",\"items\":[") }
                for (i, one) in shown.enumerated() {
                    if i > 0 { w.appendRaw(chosen == .json ? "," : "\n") }
                    one.writeJSON(link: link, to: &w)
                }
                w.appendRaw(chosen == .json ? "]}\n" : "\n")
                try sink(w.bytes)
            }
        }
    }

    /// One item and what surrounds it.
    struct Shown {
        var item: CatalogItem
        /// The versions of its stack (the item's own, or the one it is a version in), newest first.
        var versions: [CatalogItem]
        var sameContent: [CatalogItem]
        var changes: [CatalogChange]
        var projects: [String: String]
        /// Its review comments and replies (a Frame.io file's, when comments were crawled).
        var comments: [ListedComment]

        init(item: CatalogItem, database: CatalogDatabase) throws {
            let details = try database.details(of: item)
            self.item = item
            projects = details.projects
            versions = details.versions
            sameContent = details.sameContent
            changes = details.changes
            comments = details.comments
        }

        /// The item as lines of text for a person: its fields (absent ones left out), metadata,
        /// versions, copies and history.
        func text(link: WebLink, width: Int = 160) -> String {
            func clean(_ text: String) -> String { TerminalText.sanitize(text) }
            var rows: [(String, String)] = []
            for field in ItemField.allCases where ![.name, .folders, .metadata].contains(field) {
                guard let value = field.text(of: item, link: link, projects: projects), !value.isEmpty else { continue }
                switch field {
                case .size:
                    rows.append(("size", item.size.map { "\(ByteCount.format($0)) (\(Count.grouped(Int($0))) bytes)" } ?? value))
                case .createdAt, .updatedAt, .uploadedAt:
                    rows.append((field.rawValue.replacingOccurrences(of: "_at", with: ""), value.replacingOccurrences(of: "T", with: " ")))
                default:
                    rows.append((field.rawValue.replacingOccurrences(of: "_", with: " "), clean(value)))
                }
            }
            if item.folders.count > 1 { rows.append(("folders", item.folders.map(clean).joined(separator: "; "))) }
            var lines = [clean(item.name)] + Self.aligned(rows, indent: 2, width: width)
            if !item.metadata.isEmpty {
                lines.append("  metadata")
                lines += Self.aligned(
                    item.metadata.sorted { $0.key < $1.key }.map { (clean($0.key), $0.value.map(clean).joined(separator: "; ")) }, indent: 4,
                    width: width)
            }
            if !versions.isEmpty {
                lines.append("  versions (\(versions.count), newest first)")
                lines += versions.map { version in
                    """
                        \(version.id == item.id ? "▸ " : "  ")\(clean(version.name))  \(version.size.map(ByteCount.format) ?? "")  \
                    \(version.createdAt.map { String(Timestamp.format($0).prefix(10)) } ?? "")
                    """
                }
            }
            if !sameContent.isEmpty {
                lines.append("  same content (\(sameContent.count))")
                lines += sameContent.map { "    \($0.source.rawValue)  \(clean($0.path))" }
            }
            if !comments.isEmpty {
                lines.append("  comments (\(comments.count))")
                lines += comments.map { listed in
                    let c = listed.comment
                    let place = CommentWriter.place(c)
                    let head = [place, c.authorName ?? "", c.isCompleted ? "✓ done" : ""].filter { !$0.isEmpty }.joined(separator: "  ")
                    let text = clean(c.text.split(whereSeparator: \.isNewline).joined(separator: " "))
                    let indent = c.parentID == nil ? "    " : "      ↳ "
                    return DisplayWidth.truncate(indent + (head.isEmpty ? "" : clean(head) + "  ") + text, to: max(20, width))
                }
            }
            lines.append(changes.isEmpty ? "  history: no changes since the first crawl that saw it" : "  history")
            lines += changes.map { change in
                let when = change.finishedAt.map { String(Timestamp.format($0).prefix(16)).replacingOccurrences(of: "T", with: " ") } ?? "?"
                let what =
                    switch change.change {
                    case .moved: "moved from \(clean(change.oldPath ?? "?"))"
                    case .modified: "modified" + (change.fields.isEmpty ? "" : " (\(change.fields.joined(separator: ", ")))")
                    case .added, .deleted: change.change.rawValue
                    }
                return "    \(when)  crawl \(change.crawlID)  \(what)"
            }
            return lines.joined(separator: "\n") + "\n"
        }

        /// `name  value` rows with the values lined up, a value too long for `width` wrapped
        /// under itself.
        static func aligned(_ rows: [(String, String)], indent: Int, width: Int) -> [String] {
            let names = rows.map { DisplayWidth.of($0.0) }.max() ?? 0
            let pad = String(repeating: " ", count: indent)
            let column = indent + names + 2
            return rows.flatMap { name, value in
                let wrapped = DisplayWidth.wrap(value, width: max(20, width - column), indent: 0)
                return wrapped.enumerated().map { i, part in
                    (i == 0 ? pad + name + String(repeating: " ", count: names - DisplayWidth.of(name) + 2) : String(repeating: " ", count: column))
                        + part
                }
            }
        }

        /// The item and what surrounds it as one JSON object.
        func writeJSON(link: WebLink, to w: inout JSONWriter) {
            ItemWriter.writeDetailsJSON(
                item: item, versions: versions, sameContent: sameContent, changes: changes, link: link, projects: projects,
                comments: comments, to: &w)
            w.appendRaw("}")
        }
    }
}

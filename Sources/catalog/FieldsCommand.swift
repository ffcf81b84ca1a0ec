import ArgumentParser
import CatalogCore
import CatalogReports
import CatalogStore
import Foundation

/// `catalog fields`: every custom field of the catalogued sources (Dash fields, Frame.io V4
/// metadata fields), with its type, its options, and how many items hold each value.
struct FieldsCommand: AsyncParsableCommand, Listing {
    static let limitHelp = "The most fields listed (with NAME: the most values of it, most used first); 0 for all."
    static let formatHelp = "table (default on a terminal), json, ndjson (default when piped: one field a line) or csv; -o FILE.csv names it too."

    static let configuration = CommandConfiguration(
        commandName: "fields",
        abstract: "List the custom fields (Dash, Frame.io V4): type, options, and how many items hold each value; or one field's values.",
        discussion: """
            Each field's name is a search filter (`"Review Status":Approved`, `Brand:Acme`). The table shows each field's most used values; json \
            gives every field with all its options and values; csv one row per field and value (options no item holds have a count of 0).

            Examples:
              catalog fields
              catalog fields "Review Status" --format json
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("One field: every value it holds or offers, with how many items hold each (what can I type?).", valueName: "name"))
    var name: String?

    @OptionGroup var only: SourceOption

    @OptionGroup var listing: ListingOptions<Self>

    struct Listed {
        var field: CatalogField
        var options: [CatalogFieldOption]
        /// Value → items holding it, most held first.
        var values: [(value: String, items: Int)]
    }

    func run() async throws {
        Catalog.bootstrapLogging(verbose: global.verbose)
        let database = try global.openDatabase()
        let only = self.only.source
        let counts = try database.fieldValueCounts(source: only)
        var listed: [Listed] = []
        var fields = try database.fields(source: only)
        if let name {
            let named = fields.filter { $0.name.lowercased() == name.lowercased() }
            guard !named.isEmpty else {
                let close = Suggestions.closest(to: name, among: fields.map(\.name))
                throw UsageError(
                    description: "no custom field is called '\(TerminalText.sanitize(name))'."
                        + Suggestions.didYouMean(close)
                        + " `catalog fields` lists them.")
            }
            fields = named
        }
        for field in fields {
            let options = field.hasFixedOptions ? try database.fieldOptions(source: field.source, fieldID: field.id) : []
            var values = counts.filter { $0.source == field.source && $0.field == field.name }.map { ($0.value, $0.items) }
            let held = Set(values.map(\.0))
            values += options.filter { !held.contains($0.path) }.map { ($0.path, 0) }
            listed.append(Listed(field: field, options: options, values: values))
        }
        let limit = listing.limit
        // The first `limit` fields, or values of the one named; the count says how many there are.
        var shown = (listed.count, listed.count, "field")
        if limit > 0, name == nil, listed.count > limit {
            listed = Array(listed.prefix(limit))
            shown.0 = limit
        } else if limit > 0, name != nil {
            let values = listed.reduce(0) { $0 + $1.values.count }
            shown = (min(values, limit), values, "value")
            for index in listed.indices { listed[index].values = Array(listed[index].values.prefix(limit)) }
        }
        let chosen = listing.chosenFormat()
        try AtomicOutput.write(to: listing.output.target) { sink in try Self.write(listed, one: name != nil, format: chosen, to: sink) }
        if shown.0 < shown.1, !global.quiet {
            Terminal.say("\(Count.grouped(shown.0)) of \(Count.of(shown.1, shown.2)) shown (--limit 0 for all)")
        }
    }

    /// The fields listed, in `format`: a table of every field (or, for `one`, of its values), a
    /// JSON array of fields, one field a line, or a CSV of field values.
    static func write(_ listed: [Listed], one: Bool, format: OutputFormat, to sink: (borrowing [UInt8]) throws -> Void) throws {
        /// A line, or a table (which ends in its own line break).
        func line(_ text: String) throws { try sink(Array((text.hasSuffix("\n") ? text : text + "\n").utf8)) }
        switch format {
        case .table where one:
            // One field: every value, the items holding it, and the filter that finds them.
            let rows = listed.flatMap { entry in
                entry.values.map { value -> [String] in
                    [
                        entry.field.source.rawValue, TerminalText.sanitize(value.value), String(value.items),
                        TerminalText.sanitize(SearchFacet.fieldFilter(name: entry.field.name, value: value.value)),
                    ]
                }
            }
            try line(
                TableRenderer.grid(
                    header: ["SOURCE", "VALUE", "ITEMS", "FILTER"], rows: rows,
                    limits: TableRenderer.fit(
                        header: ["SOURCE", "VALUE", "ITEMS", "FILTER"], rows: rows, limits: [7, 40, 8, 60], flexible: [1, 3],
                        width: Terminal.columns),
                    rightAligned: [2],
                ))
        case .table:
            guard !listed.isEmpty else {
                try line("no custom fields in the catalog (Dash fields and Frame.io V4 metadata fields come with a crawl)")
                return
            }
            let rows = listed.map { entry -> [String] in
                let used = entry.values.filter { $0.items > 0 }
                let top = used.prefix(3).map { "\($0.value) (\($0.items))" }.joined(separator: ", ") + (used.count > 3 ? ", …" : "")
                return [
                    entry.field.source.rawValue, TerminalText.sanitize(entry.field.name), TerminalText.sanitize(Self.kind(of: entry.field)),
                    entry.options.isEmpty ? "" : String(entry.options.count),
                    String(used.count), TerminalText.sanitize(top),
                ]
            }
            try line(
                TableRenderer.grid(
                    header: ["SOURCE", "FIELD", "TYPE", "OPTIONS", "VALUES", "MOST USED"], rows: rows,
                    limits: TableRenderer.fit(
                        header: ["SOURCE", "FIELD", "TYPE", "OPTIONS", "VALUES", "MOST USED"], rows: rows, limits: [7, 30, 17, 7, 6, 60],
                        flexible: [1, 5], width: Terminal.columns),
                    rightAligned: [3, 4]))
        case .json, .ndjson:
            let documents = listed.map { entry -> JSONValue in
                .object([
                    ("source", .string(entry.field.source.rawValue)), ("id", .string(entry.field.id)), ("name", .string(entry.field.name)),
                    ("type", .string(Self.type(of: entry.field))), ("multi_value", .bool(entry.field.multiValue)),
                    ("options", .array(entry.options.map { .object([("id", .string($0.id)), ("value", .string($0.path))]) })),
                    ("values", .array(entry.values.map { .object([("value", .string($0.value)), ("items", .number(String($0.items)))]) })),
                ])
            }
            if format == .json {
                try line(JSONWriter.string(.array(documents), canonical: false))
            } else {
                for document in documents { try line(JSONWriter.string(document, canonical: false)) }
            }
        case .csv:
            var bytes: [UInt8] = []
            CSV.appendRow(["source", "field", "type", "value", "items"], to: &bytes)
            for entry in listed {
                for value in entry.values {
                    CSV.appendRow(
                        [entry.field.source.rawValue, entry.field.name, Self.type(of: entry.field), value.value, String(value.items)], to: &bytes)
                }
            }
            try sink(bytes)
        }
    }

    /// What the field holds, in one vocabulary for every source (the table's TYPE): Dash's
    /// `DROPDOWN` and Frame.io's `select` are both `options`; the service's own name is the JSON's
    /// and CSV's `type`.
    static func kind(of field: CatalogField) -> String {
        if field.isFolders { return "folders" }
        switch field.type.lowercased() {
        case "dropdown", "select", "select_single": return "options"
        case "checkbox", "select_multi": return "options (several)"
        case "tags": return "tags (several)"
        case "text": return "text"
        case "text_area", "long_text": return "long text"
        case "user_single", "user": return "person"
        case "user_multi", "users": return "people"
        case "date": return "date"
        case "number": return "number"
        case "rating": return "rating"
        case "toggle", "boolean": return "yes/no"
        case "": return type(of: field)
        default: return field.type.lowercased().replacingOccurrences(of: "_", with: " ")
        }
    }

    /// The field's type as the service names it, else what the catalog knows of it.
    static func type(of field: CatalogField) -> String {
        if !field.type.isEmpty { return field.type }
        if field.hasFixedOptions { return field.hierarchical ? "option tree" : field.multiValue ? "options (several)" : "options" }
        return field.multiValue ? "text (several)" : "text"
    }
}

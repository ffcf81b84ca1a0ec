import CatalogCore
import Foundation

/// A plain-text table of items for terminals: by default name, kind, size, path, updated.
public enum TableRenderer {
    /// The columns of a search's table unless `--fields` names others.
    public static let defaultFields: [ItemField] = [.name, .kind, .size, .path, .updatedAt]

    /// The table of `fields`, with a header, fitted to `width` terminal cells. Short columns
    /// (kind, size, dates, source, id) are as wide as they need; the rest share what remains
    /// equally (a path ends with the name its row shows already): a path is cut in its middle
    /// (keeping its top folder and file name), a name in its middle (keeping its end), any
    /// other text at its end with `…`. Sizes are in units (`1.75 GB`), a container's size is
    /// `—`, dates are days. The ID column shows `shortIDs` (item → the start of its id) where
    /// given.
    public static func render(
        _ items: [CatalogItem], fields: [ItemField] = defaultFields, link: WebLink? = nil, projects: [String: String] = [:],
        shortIDs: [ItemKey: String] = [:], width: Int = 160
    ) -> String {
        // Nothing at all: the command says "no results" on stderr; stdout carries results only.
        guard !items.isEmpty else { return "" }
        let fields = fields.isEmpty ? defaultFields : fields
        let rows = items.map { item in
            fields.map { field in
                field == .id
                    ? clean(shortIDs[ItemKey(source: item.source, id: item.id)] ?? item.id) : cell(field, of: item, link: link, projects: projects)
            }
        }
        // Dates are headed UPDATED, CREATED, UPLOADED; every other column by its field's name.
        let header = fields.map { $0.rawValue.uppercased().replacingOccurrences(of: "_AT", with: "") }
        let natural = naturalWidths(header: header, rows: rows)
        let flexible = fields.indices.filter { !fields[$0].isShort }
        var limits = fit(header: header, rows: rows, limits: natural, flexible: flexible, width: width)
        // Paths and names are cut in the middle: their ends (a file name, its extension, a take
        // number) tell rows apart.
        let paths = Set(fields.indices.filter { fields[$0] == .path || fields[$0] == .name })
        // A path cut between its folders may come out shorter than its column: the cells it
        // leaves go to the other columns that were cut, so no name is cut beside empty space.
        var spare = 0
        for column in paths.sorted() where fields[column] == .path && natural[column] > limits[column] {
            let used = rows.reduce(DisplayWidth.of(header[column])) {
                max($0, DisplayWidth.of(DisplayWidth.elidePath($1[column], to: limits[column])))
            }
            spare += limits[column] - used
            limits[column] = used
        }
        for column in flexible where spare > 0 && natural[column] > limits[column] && fields[column] != .path {
            let grow = min(spare, natural[column] - limits[column])
            limits[column] += grow
            spare -= grow
        }
        let right = Set(fields.indices.filter { fields[$0] == .size })
        return grid(header: header, rows: rows, limits: limits, rightAligned: right, paths: paths)
    }

    /// Each column's widest cell (its header's included), in terminal cells.
    public static func naturalWidths(header: [String], rows: [[String]]) -> [Int] {
        header.indices.map { column in rows.reduce(DisplayWidth.of(header[column])) { max($0, DisplayWidth.of($1[column])) } }
    }

    /// The widths of a table's columns within `width` (two cells between columns): each column
    /// as wide as its widest cell up to its limit; the `flexible` columns share what the others
    /// leave equally, never more than they need (the narrowest first, so what they leave goes to
    /// the others) and never less than 10 cells. The one way every table is fitted.
    public static func fit(header: [String], rows: [[String]], limits: [Int], flexible: [Int], width: Int) -> [Int] {
        var widths = zip(naturalWidths(header: header, rows: rows), limits).map { min($0, $1) }
        let fixed = widths.indices.filter { !flexible.contains($0) }.reduce(0) { $0 + widths[$1] } + 2 * max(0, widths.count - 1)
        var rest = max(10 * flexible.count, width - fixed)
        var open = flexible.sorted { widths[$0] < widths[$1] }
        while let column = open.first {
            widths[column] = min(widths[column], max(10, rest / open.count))
            rest -= widths[column]
            open.removeFirst()
        }
        return widths
    }

    /// What a table shows of `field` for `item`.
    public static func cell(_ field: ItemField, of item: CatalogItem, link: WebLink? = nil, projects: [String: String] = [:]) -> String {
        switch field {
        case .size: item.kind.isContainer ? "—" : item.size.map(ByteCount.format) ?? ""
        case .createdAt, .updatedAt, .uploadedAt: field.text(of: item).map { String($0.prefix(10)) } ?? ""
        default: clean(field.text(of: item, link: link, projects: projects) ?? "")
        }
    }

    /// A table of text cells: each column as wide as its widest cell up to its limit, in
    /// terminal cells; longer cells are cut at the end with `…`, or, for the columns in `paths`,
    /// in the middle (``DisplayWidth/elidePath(_:to:)``). Two spaces between columns.
    public static func grid(
        header: [String], rows: [[String]], limits: [Int], rightAligned: Set<Int> = [], paths: Set<Int> = [], fitting width: Int? = nil
    ) -> String {
        var natural = header.map(DisplayWidth.of)
        for row in rows {
            for (i, cell) in row.enumerated() { natural[i] = max(natural[i], DisplayWidth.of(cell)) }
        }
        var widths = zip(natural, limits).map { min($0, $1) }
        // Room the other columns leave within `width` goes to the path columns that were cut,
        // leftmost first, so names are cut no more than the line needs.
        if let width {
            var spare = width - widths.reduce(0, +) - 2 * max(0, widths.count - 1)
            for i in paths.sorted() where spare > 0 && natural[i] > widths[i] {
                let grow = min(spare, natural[i] - widths[i])
                widths[i] += grow
                spare -= grow
            }
        }
        func line(_ cells: [String]) -> String {
            let joined = cells.enumerated().map { i, cell in
                let cut = paths.contains(i) ? DisplayWidth.elidePath(cell, to: widths[i]) : DisplayWidth.truncate(cell, to: widths[i])
                let pad = String(repeating: " ", count: max(0, widths[i] - DisplayWidth.of(cut)))
                return rightAligned.contains(i) ? pad + cut : cut + pad
            }.joined(separator: "  ")
            return DisplayWidth.trimmingTrailingSpaces(joined) + "\n"
        }
        return line(header) + rows.map(line).joined()
    }

    /// A cell made safe for a terminal (``TerminalText/sanitize(_:keepingLines:)``): control
    /// and bidi characters shown, never obeyed.
    static func clean(_ text: String) -> String { TerminalText.sanitize(text) }
}

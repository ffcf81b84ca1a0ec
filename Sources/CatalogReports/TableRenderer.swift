import CatalogCore
import Foundation

/// A plain-text table of items for terminals: name, kind, size, path, updated.
public enum TableRenderer {
    /// The table, with a header, fitted to `width` terminal cells: kind, size and date as wide as
    /// they need, the name up to two fifths of the rest (cut at its end with `…`), the path the
    /// remainder (cut in its middle, keeping its top folder and file name). A container's size
    /// is `—`.
    public static func render(_ items: [CatalogItem], width: Int = 160) -> String {
        guard !items.isEmpty else { return "no items found\n" }
        let rows = items.map { item in
            [
                clean(item.name), item.kind.rawValue, item.kind.isContainer ? "—" : item.size.map(ByteCount.format) ?? "", clean(item.path),
                item.updatedAt.map { String(Timestamp.format($0).prefix(10)) } ?? "",
            ]
        }
        let header = ["NAME", "KIND", "SIZE", "PATH", "UPDATED"]
        func widest(_ column: Int) -> Int { rows.reduce(DisplayWidth.of(header[column])) { max($0, DisplayWidth.of($1[column])) } }
        let fixed = widest(1) + widest(2) + widest(4) + 2 * (header.count - 1)
        let rest = max(30, width - fixed)
        let name = min(widest(0), max(10, rest * 2 / 5))
        let limits = [name, widest(1), widest(2), max(10, rest - name), widest(4)]
        return grid(header: header, rows: rows, limits: limits, rightAligned: [2], paths: [3])
    }

    /// A table of text cells: each column as wide as its widest cell up to its limit, in
    /// terminal cells; longer cells are cut at the end with `…`, or, for the columns in `paths`,
    /// in the middle (``DisplayWidth/elidePath(_:to:)``). Two spaces between columns.
    public static func grid(header: [String], rows: [[String]], limits: [Int], rightAligned: Set<Int> = [], paths: Set<Int> = []) -> String {
        var widths = header.map(DisplayWidth.of)
        for row in rows {
            for (i, cell) in row.enumerated() { widths[i] = min(limits[i], max(widths[i], DisplayWidth.of(cell))) }
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, cell in
                let cut = paths.contains(i) ? DisplayWidth.elidePath(cell, to: widths[i]) : DisplayWidth.truncate(cell, to: widths[i])
                let pad = String(repeating: " ", count: max(0, widths[i] - DisplayWidth.of(cut)))
                return rightAligned.contains(i) ? pad + cut : cut + pad
            }.joined(separator: "  ").trimmingCharacters(in: .whitespaces) + "\n"
        }
        return line(header) + rows.map(line).joined()
    }

    /// A cell made safe for a terminal (``TerminalText/sanitize(_:keepingLines:)``): control
    /// and bidi characters shown, never obeyed.
    static func clean(_ text: String) -> String { TerminalText.sanitize(text) }
}

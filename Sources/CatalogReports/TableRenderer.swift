import CatalogCore
import Foundation

/// A plain-text table of items for terminals: name, kind, size, path, updated.
public enum TableRenderer {
    /// The table, with a header; long names and paths are cut with `…`.
    public static func render(_ items: [CatalogItem], width: Int = 160) -> String {
        guard !items.isEmpty else { return "no items found\n" }
        let rows = items.map { item in
            [
                clean(item.name), item.kind.rawValue, item.size.map(ByteCount.format) ?? "", clean(item.path),
                item.updatedAt.map { String(Timestamp.format($0).prefix(10)) } ?? "",
            ]
        }
        let header = ["NAME", "KIND", "SIZE", "PATH", "UPDATED"]
        let limits = [40, 13, 9, max(20, width - 40 - 13 - 9 - 10 - 8), 10]
        return grid(header: header, rows: rows, limits: limits, rightAligned: [2])
    }

    /// A table of text cells: each column as wide as its widest cell up to its limit (longer
    /// cells cut with `…`), two spaces between columns.
    public static func grid(header: [String], rows: [[String]], limits: [Int], rightAligned: Set<Int> = []) -> String {
        var widths = header.map(\.count)
        for row in rows {
            for (i, cell) in row.enumerated() { widths[i] = min(limits[i], max(widths[i], cell.count)) }
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, cell in
                let cut = cell.count > widths[i] ? String(cell.prefix(widths[i] - 1)) + "…" : cell
                let pad = String(repeating: " ", count: max(0, widths[i] - cut.count))
                return rightAligned.contains(i) ? pad + cut : cut + pad
            }.joined(separator: "  ").trimmingCharacters(in: .whitespaces) + "\n"
        }
        return line(header) + rows.map(line).joined()
    }

    /// A cell made safe for a terminal (``TerminalText/sanitize(_:keepingLines:)``): control
    /// and bidi characters shown, never obeyed.
    static func clean(_ text: String) -> String { TerminalText.sanitize(text) }
}

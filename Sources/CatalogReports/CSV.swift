/// RFC 4180 CSV rows, with cells a spreadsheet would execute neutralised.
public enum CSV {
    /// One CRLF-terminated row.
    public static func row(_ cells: [String]) -> String {
        var bytes: [UInt8] = []
        appendRow(cells, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A cell: quoted when it holds `,` `"` CR or LF (quotes doubled); a leading `=`, `+`, `-`,
    /// `@`, tab or CR gets a `'` in front so spreadsheets show it as text instead of running it.
    public static func cell(_ value: String) -> String {
        var bytes: [UInt8] = []
        appendCell(value, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends one CRLF-terminated row of `cells` to `bytes`.
    public static func appendRow(_ cells: some Sequence<String>, to bytes: inout [UInt8]) {
        var first = true
        for cell in cells {
            if !first { bytes.append(UInt8(ascii: ",")) }
            first = false
            appendCell(cell, to: &bytes)
        }
        bytes.append(contentsOf: [0x0D, 0x0A])
    }

    /// Appends one cell (see ``cell(_:)``) to `bytes`, working on the UTF-8 bytes directly.
    public static func appendCell(_ value: String, to bytes: inout [UInt8]) {
        var value = value
        value.withUTF8 { utf8 in
            let neutralised = utf8.first.map { Self.executable.contains($0) } ?? false
            let quoted = utf8.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D }
            if quoted { bytes.append(UInt8(ascii: "\"")) }
            if neutralised { bytes.append(UInt8(ascii: "'")) }
            if quoted {
                for c in utf8 {
                    if c == UInt8(ascii: "\"") { bytes.append(c) }
                    bytes.append(c)
                }
                bytes.append(UInt8(ascii: "\""))
            } else {
                bytes.append(contentsOf: utf8)
            }
        }
    }

    /// First bytes that make a spreadsheet treat a cell as a formula: `=` `+` `-` `@` tab CR.
    private static let executable: [UInt8] = [0x3D, 0x2B, 0x2D, 0x40, 0x09, 0x0D]
}

import CatalogCore
import Foundation

/// Dash times: UTC ISO 8601 with milliseconds (`2026-03-04T10:11:12.345Z`), as milliseconds.
public enum DashTime {
    /// Formats milliseconds since 1970.
    public static func format(_ milliseconds: Int64) -> String {
        let seconds = Int64((Double(milliseconds) / 1000).rounded(.down))
        let millis = milliseconds - seconds * 1000
        let base = Timestamp.format(Date(timeIntervalSince1970: Double(seconds)))  // …:SSZ
        return String(base.dropLast()) + String(format: ".%03lldZ", millis)
    }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.fff]Z` to milliseconds, or nil.
    public static func parse(_ text: String) -> Int64? {
        guard text.count >= 20, text.hasSuffix("Z") else { return nil }
        let chars = Array(text)
        let secondsText = String(chars[0..<19]) + "Z"
        guard let date = Timestamp.parse(secondsText) else { return nil }
        var millis: Int64 = 0
        if chars.count > 20, chars[19] == "." {
            // ASCII digits only: `Character.isNumber` also accepts other scripts' digits and fractions.
            let fraction = chars[20..<(chars.count - 1)]
            guard !fraction.isEmpty, fraction.allSatisfy({ $0.isASCII && $0.isWholeNumber }) else { return nil }
            for digit in (Array(fraction) + ["0", "0"]).prefix(3) {
                guard let value = digit.wholeNumberValue else { return nil }
                millis = millis * 10 + Int64(value)
            }
        } else if chars.count != 20 {
            return nil
        }
        return Int64(date.timeIntervalSince1970.rounded()) * 1000 + millis
    }
}

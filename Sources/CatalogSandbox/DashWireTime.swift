import Foundation

/// Dash's wire times (`2026-03-04T10:11:12.345Z`) as the fake service writes and reads them,
/// with Foundation's ISO 8601 format rather than the client's own parser (`DashClient.DashTime`),
/// so a mistake in the client's reading is not mirrored by the service it is tested against.
enum DashWireTime {
    private static let withFraction = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
    private static let whole = Date.ISO8601FormatStyle()

    /// `milliseconds` since 1970 as Dash writes them (always with milliseconds, UTC).
    static func format(_ milliseconds: Int64) -> String {
        withFraction.format(Date(timeIntervalSince1970: Double(milliseconds) / 1000))
    }

    /// Milliseconds since 1970, or nil when `text` is not an ISO 8601 UTC time.
    static func parse(_ text: String) -> Int64? {
        guard let date = (try? withFraction.parse(text)) ?? (try? whole.parse(text)) else { return nil }
        return Int64((date.timeIntervalSince1970 * 1000).rounded())
    }
}

/// How results are written.
public enum OutputFormat: String, CaseIterable, Sendable {
    /// An aligned table for people.
    case table
    /// One JSON document: `{"version":1,"items":[…]}`.
    case json
    /// One JSON object per line.
    case ndjson
    /// RFC 4180 CSV with a header row.
    case csv
}

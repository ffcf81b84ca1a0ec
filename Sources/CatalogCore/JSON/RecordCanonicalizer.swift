/// Turns a service record into its canonical stored form: volatile members removed at any depth,
/// keys sorted, compact.
///
/// Volatile members are those that change between two reads of an unchanged item: signed URLs
/// (which also grant access to media, so they must not be kept) and counters such as view counts.
public struct RecordCanonicalizer: Sendable {
    /// Member names removed wherever they appear.
    public let volatileKeys: Set<String>

    /// Creates a canonicalizer removing `volatileKeys` and any string that is a signed URL.
    public init(volatileKeys: Set<String>) {
        self.volatileKeys = volatileKeys
    }

    /// The canonical JSON text of `record`.
    public func canonicalText(_ record: JSONValue) -> String {
        JSONWriter.string(strip(record), canonical: true)
    }

    /// `record` with volatile members and signed URLs removed.
    public func strip(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let members):
            var kept: [(key: String, value: JSONValue)] = []
            kept.reserveCapacity(members.count)
            for member in members where !volatileKeys.contains(member.key) {
                if case .string(let s) = member.value, Self.isSignedURL(s) { continue }
                kept.append((member.key, strip(member.value)))
            }
            return .object(kept)
        case .array(let elements):
            return .array(elements.map(strip))
        default:
            return value
        }
    }

    /// Whether a string looks like a pre-signed URL (S3, CloudFront and similar signatures).
    public static func isSignedURL(_ s: String) -> Bool {
        guard s.hasPrefix("https://") || s.hasPrefix("http://") else { return false }
        return s.contains("X-Amz-Signature=") || s.contains("Signature=") || s.contains("Expires=")
            || s.contains("x-amz-signature=") || s.contains("Key-Pair-Id=") || s.contains("token=")
    }
}

import Foundation

/// Removes secret values from text before it is logged or shown.
public struct Redactor: Sendable {
    private let secrets: [String]

    /// Redacts each of `secrets` (empty and very short ones are ignored).
    public init(secrets: [String]) {
        self.secrets = secrets.filter { $0.count >= 4 }
    }

    /// `text` with every secret replaced by `[REDACTED]`.
    public func callAsFunction(_ text: String) -> String {
        var result = text
        for secret in secrets where result.contains(secret) {
            result = result.replacingOccurrences(of: secret, with: "[REDACTED]")
        }
        return result
    }
}

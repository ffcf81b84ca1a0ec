import Foundation

/// Removes secrets from text before it reaches a log line or an error message: the configured
/// secrets verbatim, and anything shaped like a credential (a `Bearer …` value, a JWT), since
/// access tokens issued during a run are not known in advance.
public struct Redactor: Sendable {
    private let secrets: [String]

    /// A redactor for `secrets` (values shorter than 4 characters are ignored).
    public init(secrets: [String]) {
        self.secrets = secrets.filter { $0.count >= 4 }
    }

    nonisolated(unsafe) private static let shapes: [NSRegularExpression] = [
        try! NSRegularExpression(pattern: #"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]+"#),
        try! NSRegularExpression(pattern: #"eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*"#),
        try! NSRegularExpression(pattern: #"(?i)((?:access|refresh)_token["=:\s]+"?)[A-Za-z0-9._~+/=-]+"#),
    ]

    /// `text` with every secret replaced by `[REDACTED]`.
    public func callAsFunction(_ text: String) -> String {
        var result = text
        for secret in secrets where result.contains(secret) {
            result = result.replacingOccurrences(of: secret, with: "[REDACTED]")
        }
        for shape in Self.shapes {
            let range = NSRange(result.startIndex..., in: result)
            let template = shape.numberOfCaptureGroups > 0 ? "$1[REDACTED]" : "[REDACTED]"
            result = shape.stringByReplacingMatches(in: result, range: range, withTemplate: template)
        }
        return result
    }
}

import Foundation
import Synchronization

/// Every secret this process holds or has received: configured tokens and client secrets,
/// access tokens a token endpoint issued, refresh tokens it rotated. Each is redacted by value
/// from every message (a 403 body that echoes a token that is no JWT reached the screen, the
/// crawl table and `status`).
public enum Secrets {
    private static let known = Mutex<[String]>([])

    /// Remembers `value` as a secret (values shorter than 8 characters are too common to hide).
    public static func register(_ value: String?) {
        guard let value, value.count >= 8 else { return }
        known.withLock { secrets in
            guard !secrets.contains(value) else { return }
            secrets.append(value)
            // Longest first, so a secret that holds another is hidden whole.
            secrets.sort { $0.count > $1.count }
        }
    }

    /// The secrets known now, longest first.
    public static var all: [String] { known.withLock { $0 } }

    /// `text` with every known secret, and anything shaped like a credential, hidden.
    public static func redact(_ text: String) -> String { Redactor(secrets: [])(text) }
}

/// Removes secrets from text before it reaches a log line or an error message: the configured
/// secrets and every one the process has received (``Secrets``) verbatim, and anything shaped
/// like a credential (a `Bearer …` value, a JWT).
public struct Redactor: Sendable {
    private let secrets: [String]

    /// A redactor for `secrets` (values shorter than 4 characters are ignored), and ``Secrets``.
    public init(secrets: [String]) {
        self.secrets = secrets.filter { $0.count >= 4 }
        for secret in secrets { Secrets.register(secret) }
    }

    nonisolated(unsafe) private static let shapes: [NSRegularExpression] = [
        try! NSRegularExpression(pattern: #"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]+"#),
        try! NSRegularExpression(pattern: #"eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*"#),
        // `access_token=…`, `"refresh_token": "…"`, `access_token: …`; not prose that names one
        // (`DASH_REFRESH_TOKEN with DASH_CLIENT_ID` lost its "with").
        try! NSRegularExpression(pattern: #"(?i)((?:access|refresh)_token"?\s*[=:]\s*"?)[A-Za-z0-9._~+/=-]+"#),
    ]

    /// `text` with every secret replaced by `[REDACTED]`.
    public func callAsFunction(_ text: String) -> String {
        var result = text
        for secret in (Secrets.all + secrets) where result.contains(secret) {
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

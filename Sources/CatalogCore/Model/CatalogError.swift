/// Errors raised by the core types, with messages that say what happened.
public enum CatalogError: CatalogFailure, Sendable {
    public var failureClass: FailureClass { .failure }

    /// A local file could not be read.
    case fileUnreadable(path: String, reason: String)

    /// A message for people.
    public var description: String {
        switch self {
        case .fileUnreadable(let path, let reason):
            "cannot read \(path): \(reason). Check that the file exists and is readable."
        }
    }
}

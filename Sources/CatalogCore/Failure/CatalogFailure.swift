/// A failure the libraries report: what happened (its `description`), which class of failure it
/// is (the exit status a command reports for it) and, when the way out is a step the person
/// takes, which step. The libraries do not know how they were called, so they name no flag,
/// environment variable or command; the command line turns ``remedy`` into its own words.
public protocol CatalogFailure: Error, CustomStringConvertible {
    /// The class of failure, and so the exit status of a command that ends with it.
    var failureClass: FailureClass { get }
    /// What the person can do about it, when that is something to change or to run.
    var remedy: Remedy? { get }
}

extension CatalogFailure {
    public var remedy: Remedy? { nil }
}

/// The classes of failure, with the exit status each ends a command with (docs/reliability.md,
/// "Exit codes").
public enum FailureClass: Int32, Sendable, CaseIterable {
    /// Anything else.
    case failure = 1
    /// A setting or credential: a missing or refused token, a bad URL or value, an unwritable output.
    case configuration = 2
    /// The catalog database: missing, unreadable, not a catalog, newer, locked, full.
    case database = 3
    /// The service could not be read completely or its answers could not be trusted.
    case service = 4
    /// The command was used wrongly: an unknown flag or a query that cannot be parsed.
    case usage = 64
}

/// A way out of a failure that is a step the person takes.
public enum Remedy: Sendable, Equatable {
    /// Point the command at another catalog file (or create the missing directory).
    case chooseCatalog
    /// Make a catalog first: there is none at the path.
    case crawlFirst
    /// Open the catalog once with write access, which upgrades it.
    case upgradeWithWriteAccess
    /// Ask less of the service at once, or wait longer for it, and try again.
    case easeOff
    /// Run the same crawl of `source` again, forcing what was refused.
    case force(Source)
    /// Give the service a working credential: `signIn` when the sign-in itself (refresh token,
    /// client id or secret) was refused, otherwise the access token.
    case credentials(service: CredentialService, signIn: Bool)
    /// Check the service's address (the setting that gave it), or whether the service is up.
    case checkAddress(CredentialService)
    /// Write a query that holds something to search for.
    case writeAQuery
}

/// Whose credential was refused.
public enum CredentialService: String, Sendable, Equatable {
    case frameIOV2 = "Frame.io"
    case frameIOV4 = "Frame.io V4"
    case dash = "Dash"
}

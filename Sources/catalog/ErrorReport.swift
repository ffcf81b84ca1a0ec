import ArgumentParser
import CatalogCore
import CatalogReports
import DashClient
import HTTPSupport

/// Reports an error on stderr, with the remedy in this command line's words, and returns the
/// exit status its class has (docs/reliability.md, "Exit codes"). Library errors say what
/// happened and declare their class and remedy (``CatalogFailure``); only the command line
/// knows the flags, environment variables and commands a remedy names.
enum ErrorReport {
    static func exit(_ error: any Error) -> ExitCode {
        let failure = error as? any CatalogFailure
        let message = self.message(error)
        // On a terminal, wrapped at words to its width (a path or name too long for a line is
        // cut where it must be); piped, one line for a script to read.
        Terminal.say("catalog: \(message)")
        // A usage mistake found while running (a flag's value checked against the catalog) is
        // a usage error, as one found while parsing is.
        let usage = error is ValidationError ? FailureClass.usage : nil
        return ExitCode(usage?.rawValue ?? failure?.failureClass.rawValue ?? FailureClass.failure.rawValue)
    }
}

extension ErrorReport {
    /// What an error says, with its remedy; no secret the process holds or received.
    static func message(_ error: any Error) -> String {
        var message = Secrets.redact("\(error)")
        if let remedy = (error as? any CatalogFailure)?.remedy { message += " " + remedy.words }
        return message
    }
}

extension Remedy {
    /// The remedy as the command line puts it.
    var words: String {
        switch self {
        case .chooseCatalog:
            "To use another catalog, point --db or CATALOG_DB at it."
        case .crawlFirst:
            "Run `catalog crawl` first, or choose an existing catalog with --db or CATALOG_DB."
        case .upgradeWithWriteAccess:
            "Run `catalog crawl` (or any command) once as a user who can write the catalog and its directory."
        case .easeOff:
            "Try again later, or lower --concurrency or raise --timeout."
        case .force(let source):
            "If the items really were deleted, run `catalog crawl \(source.rawValue) --force`."
        case .checkAddress(.frameIOV4), .checkAddress(.frameIOV2):
            "Check the address given by --frameio-url or FRAMEIO_API_URL (default https://api.frame.io/v4), and that the service is up."
        case .checkAddress(.dash):
            "Check the address given by --dash-url or DASH_API_URL (default \(DashClient.defaultBaseURL)), and that the service is up."
        case .writeAQuery:
            "See `catalog search --help`."
        case .credentials(.frameIOV4, signIn: false):
            """
            Sign in again with `catalog login frameio`, or set FRAMEIO_REFRESH_TOKEN with FRAMEIO_CLIENT_ID (and FRAMEIO_CLIENT_SECRET), or a \
            fresh FRAMEIO_TOKEN from the Adobe Developer Console, then run the crawl again. (A v2 developer token works only for an account \
            not yet moved to V4: set FRAMEIO_API_URL=https://api.frame.io/v2 for it.)
            """
        case .credentials(.frameIOV4, signIn: true):
            """
            Run `catalog login frameio` to sign in again (or set a new FRAMEIO_REFRESH_TOKEN, or FRAMEIO_CLIENT_ID with FRAMEIO_CLIENT_SECRET \
            for a server-to-server credential), then run the crawl again.
            """
        case .credentials(.frameIOV2, _):
            "Set FRAMEIO_TOKEN to a valid Frame.io developer or OAuth token (https://developer.frame.io), then run the crawl again."
        case .credentials(.dash, signIn: false):
            "Set DASH_TOKEN to a valid Dash access token, or DASH_REFRESH_TOKEN with DASH_CLIENT_ID and DASH_CLIENT_SECRET, then run the crawl again."
        case .credentials(.dash, signIn: true):
            """
            The refresh token, client id or client secret was refused: sign in again to get a new DASH_REFRESH_TOKEN (or set DASH_TOKEN), then \
            run the crawl again.
            """
        }
    }
}

/// A missing or invalid setting, with what to set.
struct ConfigurationError: CatalogFailure {
    var description: String
    var failureClass: FailureClass { .configuration }
}

/// A request the catalog cannot answer as asked (a field it does not have), with what would work:
/// a usage error (exit 64).
struct UsageError: CatalogFailure {
    var description: String
    var failureClass: FailureClass { .usage }
}

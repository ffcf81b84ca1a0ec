import Foundation

/// The address of an item's page in its service's web app: what `catalog open` opens, `catalog
/// show` prints, and search's JSON items carry as `url`.
///
/// - Frame.io V4: the `view_url` the API gives each project, folder, file and version stack.
/// - Frame.io v2: `https://app.frame.io/player/{id}` for a file or version stack,
///   `/projects/{project}/{folder}` for a folder, `/projects/{id}` for a project.
/// - Dash: its API names no web address, so `DASH_ASSET_URL` gives one, with `{id}` where the
///   asset's id goes (e.g. `https://acme.dash.app/asset/{id}`, as the address bar shows it).
///
/// Accounts, teams and workspaces have none. An address that is not plain http(s) (a hostile
/// `view_url` such as `javascript:…`, or one holding spaces or control characters) is refused.
public struct WebLink: Sendable {
    /// The API the catalog's Frame.io items were read through (nil when never crawled).
    public var frameIOAPI: ServiceAPI?
    /// The Dash asset address with `{id}` (`DASH_ASSET_URL`), if configured.
    public var dashAssetURL: String?

    public init(frameIOAPI: ServiceAPI?, dashAssetURL: String?) {
        self.frameIOAPI = frameIOAPI
        self.dashAssetURL = dashAssetURL.flatMap { $0.contains("{id}") ? $0 : nil }
    }

    /// The item's page, when its service has one and it is known.
    public func url(for item: CatalogItem) -> String? {
        let id = Self.escape(item.id)
        let candidate: String?
        switch item.source {
        case .frameio where frameIOAPI == .v4:
            candidate = (try? JSONParser.parse(item.record))?["view_url"]?.stringValue
        case .frameio:
            switch item.kind {
            case .file, .versionStack: candidate = "https://app.frame.io/player/\(id)"
            case .folder: candidate = item.projectID.map { "https://app.frame.io/projects/\(Self.escape($0))/\(id)" }
            case .project: candidate = "https://app.frame.io/projects/\(id)"
            default: candidate = nil
            }
        case .dash:
            candidate = dashAssetURL.map { $0.replacingOccurrences(of: "{id}", with: id) }
        case .local:
            // A file on a drive has no web page (and may be on a drive not plugged in).
            candidate = nil
        }
        return candidate.flatMap(Self.checked)
    }

    /// `text` when it is a plain http(s) address with a host and no spaces or control characters.
    public static func checked(_ text: String) -> String? {
        guard text.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7F && !(0x80...0x9F).contains($0.value) }),
            let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "https" || scheme == "http",
            let host = url.host, !host.isEmpty
        else { return nil }
        return text
    }

    private static func escape(_ id: String) -> String {
        id.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/?#"))) ?? id
    }
}

import Foundation

/// Where catalog keeps its settings and small secret files: `$XDG_CONFIG_HOME/catalog`, else
/// `~/.config/catalog` (the config file, the credentials, the serve tokens).
public enum ConfigDirectory {
    /// The directory for `environment`.
    public static func path(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let base =
            environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.config"
        return base + "/catalog"
    }
}

import Foundation

/// The address of an item's thumbnail as a service gives it, checked before anything fetches it.
public enum ThumbnailAddress {
    /// `text` when it is an absolute `http` or `https` address with a host (a signed CDN address),
    /// nil otherwise: an empty string, a relative path or another scheme (`file:`, `data:`) from a
    /// record is never followed.
    public static func http(_ text: String) -> String? {
        guard text.count <= 8_192, let components = URLComponents(string: text),
            let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = components.host, !host.isEmpty
        else { return nil }
        return text
    }
}

/// An element of a service's list (a Frame.io account, project or asset, a V4 user): what a
/// list's tally counts it by.
public protocol Listed: Sendable {
    /// The service's id.
    var id: String { get }
}

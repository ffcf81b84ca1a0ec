import CatalogCore
import Foundation

/// Reads typed members out of a decoded JSON object, failing with a message that names the
/// member and what was found, so a malformed page is reported precisely.
public struct JSONObjectReader: Sendable {
    /// The object read.
    public let value: JSONValue
    /// The service that sent it, for messages.
    public let service: String
    /// What the object is (e.g. "children of asset X (page 2), element 7"), for messages.
    public let what: String

    /// Wraps `value`, which must be an object.
    public init(_ value: JSONValue, service: String, what: String) throws {
        guard case .object = value else {
            throw APIError.malformedResponse(service: service, what: what, detail: "expected an object, found \(value.typeName)")
        }
        self.value = value
        self.service = service
        self.what = what
    }

    /// The member as a string (numbers as their literal text); throws when missing or empty.
    public func requiredString(_ key: String) throws -> String {
        guard let member = value[key], let string = member.stringValue ?? member.int64Value.map(String.init), !string.isEmpty else {
            throw APIError.malformedResponse(
                service: service, what: what, detail: "member \"\(key)\" is \(value[key].map(\.typeName) ?? "missing"), expected a string")
        }
        return string
    }

    /// The member as a string (numbers as their literal text), or nil.
    public func string(_ key: String) -> String? {
        guard let member = value[key] else { return nil }
        if let s = member.stringValue { return s }
        if case .number(let n) = member { return n }
        return nil
    }

    /// The string member, or nil when it is missing, not a string, or empty.
    public func nonEmptyString(_ key: String) -> String? {
        string(key).flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The member as an integer, or nil.
    public func int64(_ key: String) -> Int64? { value[key]?.int64Value }

    /// The member as a boolean, or nil.
    public func bool(_ key: String) -> Bool? { value[key]?.boolValue }

    /// The member parsed as an ISO 8601 time, or nil.
    public func date(_ key: String) -> Date? { string(key).flatMap(Timestamp.parse) }

    /// The member when it is an object, or nil.
    public func object(_ key: String) -> JSONValue? {
        guard let member = value[key], case .object = member else { return nil }
        return member
    }
}

import CatalogCore
import Foundation
import HTTPSupport

/// Reads typed members out of a decoded JSON object, failing with a message that names the
/// member and what was found, so a malformed page is reported precisely.
struct JSONObjectReader {
    let value: JSONValue
    let what: String

    init(_ value: JSONValue, what: String) throws {
        guard case .object = value else {
            throw APIError.malformedResponse(service: "Frame.io", what: what, detail: "expected an object, found \(value.typeName)")
        }
        self.value = value
        self.what = what
    }

    func requiredString(_ key: String) throws -> String {
        guard let member = value[key], let string = member.stringValue ?? member.int64Value.map(String.init), !string.isEmpty else {
            throw APIError.malformedResponse(
                service: "Frame.io", what: what, detail: "member \"\(key)\" is \(value[key].map(\.typeName) ?? "missing"), expected a string")
        }
        return string
    }

    func string(_ key: String) -> String? {
        guard let member = value[key] else { return nil }
        if let s = member.stringValue { return s }
        if case .number(let n) = member { return n }
        return nil
    }

    /// The string member, or nil when it is missing, not a string, or empty.
    func nonEmptyString(_ key: String) -> String? {
        string(key).flatMap { $0.isEmpty ? nil : $0 }
    }

    func int64(_ key: String) -> Int64? { value[key]?.int64Value }

    func date(_ key: String) -> Date? { string(key).flatMap(Timestamp.parse) }

    func object(_ key: String) -> JSONValue? {
        guard let member = value[key], case .object = member else { return nil }
        return member
    }
}

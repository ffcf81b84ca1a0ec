import CatalogCore

/// Builders for the search bodies' criteria and sorts (JSON), as the Dash API v2 documents them.
public enum DashCriterion {
    /// Every asset.
    public static let matchAll: JSONValue = .object([("type", .string("MATCH_ALL"))])

    /// All of `criteria`.
    public static func and(_ criteria: [JSONValue]) -> JSONValue {
        .object([("type", .string("AND")), ("criteria", .array(criteria))])
    }

    /// A bare option-search field (`FIELD_ID`, `PARENT_ID`) equal to `value`.
    public static func optionField(_ name: String, equals value: String) -> JSONValue {
        .object([("type", .string("FIELD_EQUALS")), ("field", .string(name)), ("value", .string(value))])
    }

    /// A bare option-search field (`FIELD_ID`) equal to one of `values`.
    public static func optionField(_ name: String, in values: [String]) -> JSONValue {
        .object([("type", .string("FIELD_IN")), ("field", .string(name)), ("values", .array(values.map { .string($0) }))])
    }

    /// A bare option-search field that is empty (roots: `PARENT_ID`).
    public static func optionFieldIsEmpty(_ name: String) -> JSONValue {
        .object([("type", .string("FIELD_IS_EMPTY")), ("field", .string(name))])
    }

    /// A fixed asset field (`DATE_LAST_MODIFIED`, `ADDED_ORDER` …).
    public static func fixed(_ name: String) -> JSONValue {
        .object([("type", .string("FIXED")), ("fieldName", .string(name))])
    }

    /// `DATE_LAST_MODIFIED` within `[from TO to]`, both inclusive, `*` for an open end.
    public static func lastModified(from: Int64?, to: Int64?) -> JSONValue {
        let range = "[\(from.map(DashTime.format) ?? "*") TO \(to.map(DashTime.format) ?? "*")]"
        return .object([("type", .string("FIELD_MATCHES")), ("field", fixed("DATE_LAST_MODIFIED")), ("value", .string(range))])
    }

    /// A sort on a fixed asset field.
    public static func sort(fixed name: String, ascending: Bool) -> JSONValue {
        .object([("field", fixed(name)), ("order", .string(ascending ? "ASC" : "DESC"))])
    }

    /// A sort on a bare option-search field.
    public static func sort(optionField name: String, ascending: Bool = true) -> JSONValue {
        .object([("field", .string(name)), ("order", .string(ascending ? "ASC" : "DESC"))])
    }
}

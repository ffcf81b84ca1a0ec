extension CatalogItem {
    /// ``folders`` as a JSON array (nil when empty), as stored and exported.
    public var foldersJSON: String? {
        folders.isEmpty ? nil : JSONWriter.string(.array(folders.map { .string($0) }))
    }

    /// ``metadata`` as a JSON object with sorted keys (nil when empty), as stored and exported.
    public var metadataJSON: String? {
        metadata.isEmpty
            ? nil
            : JSONWriter.string(.object(metadata.sorted { $0.key < $1.key }.map { ($0.key, .array($0.value.map { .string($0) })) }))
    }

    /// Folders read back from ``foldersJSON`` (empty for nil or anything malformed).
    public static func folders(fromJSON text: String?) -> [String] {
        guard let text, let value = try? JSONParser.parse(text), let array = value.arrayValue else { return [] }
        return array.compactMap(\.stringValue)
    }

    /// Metadata read back from ``metadataJSON`` (empty for nil or anything malformed).
    public static func metadata(fromJSON text: String?) -> [String: [String]] {
        guard let text, let value = try? JSONParser.parse(text), let members = value.objectMembers else { return [:] }
        var result: [String: [String]] = [:]
        for (key, values) in members { result[key] = values.arrayValue?.compactMap(\.stringValue) ?? [] }
        return result
    }
}

/// A path compared by its bytes. Swift compares `String`s by their canonical form, so `Café`
/// written precomposed (NFC) and decomposed (NFD) are one key in a `[String: …]`; on a disk
/// they are two files, and a hash list can record both.
public struct ExactPath: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The path as text.
    public let text: String

    public init(_ text: String) { self.text = text }

    public static func == (a: ExactPath, b: ExactPath) -> Bool { a.text.utf8.elementsEqual(b.text.utf8) }

    public static func < (a: ExactPath, b: ExactPath) -> Bool { a.text.utf8.lexicographicallyPrecedes(b.text.utf8) }

    public func hash(into hasher: inout Hasher) {
        for byte in text.utf8 { hasher.combine(byte) }
        hasher.combine(0xFF as UInt8)  // never a byte of UTF-8: ends the path
    }

    public var description: String { text }
}

/// Values by path, where a path finds the value recorded under its exact bytes first and, only
/// when there is none, the one value recorded under another Unicode form of it (a history that
/// writes `Café` decomposed describes the disk's precomposed `Café` when it records no other).
public struct PathMap<Value: Sendable>: Sendable, Sequence {
    private var exact: [ExactPath: Value] = [:]
    /// The exact paths recorded for each text (Swift's canonical equality groups the forms).
    private var forms: [String: [ExactPath]] = [:]

    public init() {}

    /// The pairs' values by path; a later pair replaces an earlier one of exactly its path.
    public init(_ pairs: some Sequence<(String, Value)>) {
        for (path, value) in pairs { updateValue(value, forKey: path) }
    }

    /// The value for `path`: its exact bytes' or, failing those, that of the one other form
    /// recorded; setting always sets the exact path's.
    public subscript(path: String) -> Value? {
        get {
            if let value = exact[ExactPath(path)] { return value }
            guard let others = forms[path], others.count == 1 else { return nil }
            return exact[others[0]]
        }
        set {
            if let newValue { updateValue(newValue, forKey: path) } else { removeValue(forKey: path) }
        }
    }

    /// The value recorded under exactly `path`'s bytes.
    public func exactly(_ path: String) -> Value? { exact[ExactPath(path)] }

    /// The path `path` finds (itself, or the one other form recorded), nil when none.
    public func key(for path: String) -> String? {
        if exact[ExactPath(path)] != nil { return path }
        guard let others = forms[path], others.count == 1 else { return nil }
        return others[0].text
    }

    /// Sets the value of exactly `path`, returning the one it replaced.
    @discardableResult
    public mutating func updateValue(_ value: Value, forKey path: String) -> Value? {
        let key = ExactPath(path)
        guard let old = exact.updateValue(value, forKey: key) else {
            forms[path, default: []].append(key)
            return nil
        }
        return old
    }

    /// Removes the value `path` finds (its exact bytes', else the one other form's).
    @discardableResult
    public mutating func removeValue(forKey path: String) -> Value? {
        guard let found = key(for: path) else { return nil }
        let key = ExactPath(found)
        forms[found]?.removeAll { $0 == key }
        if forms[found]?.isEmpty == true { forms[found] = nil }
        return exact.removeValue(forKey: key)
    }

    /// Every path recorded, each form apart.
    public var keys: [String] { exact.keys.map(\.text) }

    public var count: Int { exact.count }
    public var isEmpty: Bool { exact.isEmpty }

    public func makeIterator() -> some IteratorProtocol<(key: String, value: Value)> {
        exact.lazy.map { (key: $0.key.text, value: $0.value) }.makeIterator()
    }
}

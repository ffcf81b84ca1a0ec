import CatalogCore
import Foundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// What a hash list (ASC MHL or legacy MHL 1.1) says of one file.
public struct HashListEntry: Sendable, Equatable {
    /// The file's path relative to the folder the list describes.
    public var path: String
    /// Its size and modification time (to the second) when it was hashed, when the list says.
    public var size: Int64?
    public var modified: Date?
    /// Its digests by algorithm (`xxh64`, `md5`, `sha1`, `xxh3`, `xxh128`, `c4`), lowercase
    /// hex (XXH64 big-endian, as `xxhsum -H1` prints it).
    public var hashes: [String: String]
    /// The kind of list: `ascmhl` (an ASC MHL history) or `mhl` (MHL 1.1).
    public var list: String
    /// Whether the newest generation that hashed the file found it changed (`action="failed"`):
    /// its size and time are then the changed file's, its digests still the original content's,
    /// so they are never taken for the file as it is.
    public var failed = false

    public init(path: String, size: Int64?, modified: Date?, hashes: [String: String], list: String = "ascmhl") {
        self.path = path
        self.size = size
        self.modified = modified
        self.hashes = hashes
        self.list = list
    }

    /// Whether `entry` is the file as it was hashed: same size and modification second.
    public func describes(_ entry: LocalEntry) -> Bool {
        guard let size, let modified else { return false }
        return size == entry.size && Int64(modified.timeIntervalSince1970.rounded(.down)) == entry.modified.seconds
    }

    /// The digests a scan can take for `entry` instead of reading it: when the list describes
    /// it as it is and gives its XXH64 (and its MD5 when `md5` is wanted).
    public func digests(for entry: LocalEntry, md5: Bool) -> (xxh64: String, md5: String?)? {
        guard !failed, describes(entry), let xxh64 = hashes["xxh64"], Digest.isXXH64Hex(xxh64), hashes["md5"] != nil || !md5 else { return nil }
        return (xxh64, hashes["md5"])
    }
}

/// Reads hash lists: ASC MHL histories (`ascmhl/ascmhl_chain.xml` and each generation it names,
/// later generations over earlier ones) and legacy MHL 1.1 files (`*.mhl`).
public enum HashListReader {
    /// Why a list could not be used (it is then left out; the files are read instead).
    public struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
        public var file: String
        public var reason: String
        public var description: String { "\(file): \(reason)" }
    }

    /// The entries of the ASC MHL history in `folder/ascmhl`, by path relative to `folder`.
    public static func ascMHL(folder: String) throws(Problem) -> PathMap<HashListEntry> {
        try ascMHLHistory(folder: folder).entries
    }

    /// An ASC MHL history as read: the generations its chain names (number, file name in
    /// `ascmhl/`, C4 id), its files' entries by path relative to its folder, and the ignore
    /// patterns of its latest generation.
    public struct History: Sendable {
        public var generations: [(number: Int, name: String, c4: String?)]
        public var entries: PathMap<HashListEntry>
        public var ignore: IgnorePatterns
    }

    /// The ASC MHL history in `folder/ascmhl`.
    public static func ascMHLHistory(folder: String) throws(Problem) -> History {
        let history = folder + "/ascmhl"
        let chain = try document(history + "/ascmhl_chain.xml")
        // Generations in sequence order; each names its file (relative to ascmhl/) and its C4 id.
        var generations: [(number: Int, name: String, c4: String?)] = []
        for element in chain.children where element.name == "hashlist" {
            guard let number = element.attributes["sequencenr"].flatMap(Int.init), let path = element.child("path")?.text,
                !path.contains("/"), !path.hasPrefix(".")
            else { continue }
            generations.append(
                (
                    number, path.trimmingCharacters(in: .whitespacesAndNewlines),
                    element.child("c4")?.text?.trimmingCharacters(in: .whitespacesAndNewlines)
                ))
        }
        generations.sort { $0.number < $1.number }
        var entries = PathMap<HashListEntry>()
        var ignore = IgnorePatterns()
        for (_, name, c4) in generations {
            // A generation whose bytes are not those the chain recorded was edited since: it
            // cannot be taken as the record of the offload (ascmhl refuses it too).
            let generation = try document(history + "/" + name, c4: c4)
            if let patterns = generation.child("processinfo")?.child("ignore")?.children.filter({ $0.name == "pattern" }) {
                ignore = IgnorePatterns(patterns.compactMap(\.text))
            }
            guard let hashes = generation.child("hashes") else { continue }
            for hash in hashes.children where hash.name == "hash" {
                // A path is written as it is: a name may start or end with a space.
                guard let pathElement = hash.child("path"), let path = pathElement.text.map({ clean($0, legacy: false) }), !path.isEmpty
                else { continue }
                var found: [String: String] = [:]
                var failed = false
                for value in hash.children where value.name != "path" && value.name != "previousPath" {
                    guard let text = value.text?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else { continue }
                    if value.attributes["action"] == "failed" {
                        failed = true
                    } else {
                        found[value.name] = value.name == "c4" ? text : text.lowercased()
                    }
                }
                // Renamed (`ascmhl create -dr`): the file at `previousPath` in earlier generations is
                // this one, under its new name; the old name is on record no more.
                if let previous = hash.child("previousPath")?.text.map({ clean($0, legacy: false) }), previous != path,
                    var renamed = entries.removeValue(forKey: previous), entries.exactly(path) == nil
                {
                    renamed.path = path
                    entries[path] = renamed
                }
                var entry = entries.exactly(path) ?? HashListEntry(path: path, size: nil, modified: nil, hashes: [:])
                entry.path = path  // as the latest generation writes it (its bytes)
                entry.size = pathElement.attributes["size"].flatMap { Int64($0) } ?? entry.size
                entry.modified = pathElement.attributes["lastmodificationdate"].flatMap(Timestamp.parse) ?? entry.modified
                entry.hashes.merge(found) { _, new in new }
                // Changed since it was first hashed, until a later generation hashes it again
                // without failing.
                entry.failed = failed || (entry.failed && found.isEmpty)
                entries[path] = entry
            }
        }
        return History(generations: generations, entries: entries, ignore: ignore)
    }

    /// The entries of a legacy MHL 1.1 file, by path relative to its folder. `xxhash64be` is
    /// XXH64 as ASC MHL writes it; the deprecated `xxhash64` holds the same value's bytes in
    /// little-endian order, turned round here. `md5` and `sha1` are read, and `xxh3`, `xxh128` and
    /// `c4` where a tool wrote them.
    public static func legacyMHL(file: String) throws(Problem) -> PathMap<HashListEntry> {
        let root = try document(file)
        guard root.name == "hashlist" else { throw Problem(file: file, reason: "not a hash list (its root is <\(root.name)>)") }
        // An ASC MHL document outside a history: `ascmhl flatten`'s packing list.
        if let hashes = root.child("hashes") { return packingList(hashes, file: file) }
        var entries = PathMap<HashListEntry>()
        var unchecked = 0
        for hash in root.children where hash.name == "hash" {
            guard let path = hash.child("file")?.text.map({ clean($0) }), !path.isEmpty else { continue }
            var hashes: [String: String] = [:]
            for value in hash.children {
                guard let raw = value.text?.trimmingCharacters(in: .whitespacesAndNewlines), !raw.isEmpty else { continue }
                let text = raw.lowercased()
                switch value.name {
                case "xxhash64be": hashes["xxh64"] = text
                case "xxhash64" where hashes["xxh64"] == nil && Digest.isXXH64Hex(text): hashes["xxh64"] = swapped(text)
                case "md5", "sha1", "xxh3", "xxh128": hashes[value.name] = text
                case "c4": hashes["c4"] = raw
                default: break
                }
            }
            if hashes.isEmpty { unchecked += 1 }
            entries[path] = HashListEntry(
                path: path, size: hash.child("size")?.text.flatMap { Int64($0.trimmingCharacters(in: .whitespaces)) },
                modified: hash.child("lastmodificationdate")?.text.flatMap { Timestamp.parse($0.trimmingCharacters(in: .whitespaces)) },
                hashes: hashes, list: "mhl")
        }
        // A file listed only by a hash catalog does not compute (`xxhash`, XXH32; `null`) could
        // not be checked: the list is not taken as proof of the others either.
        if unchecked > 0 {
            throw Problem(
                file: file,
                reason:
                    """
                    \(unchecked == 1 ? "1 file" : "\(unchecked) files") listed without a hash catalog checks (it reads xxhash64be, xxhash64, \
                    md5, sha1, xxh3, xxh128 and c4; not xxhash, which is XXH32)
                    """
            )
        }
        return entries
    }

    /// The entries of an ASC MHL document that is no generation of a history (`ascmhl flatten`
    /// writes one, a `.mhl` packing list of every file its history records): `<hash>` elements
    /// with a `<path>` (size and time as attributes) and a digest per algorithm, as in a
    /// generation. A digest a tool marked `failed` is not taken for the file's content.
    static func packingList(_ hashes: XMLNode, file: String) -> PathMap<HashListEntry> {
        var entries = PathMap<HashListEntry>()
        for hash in hashes.children where hash.name == "hash" {
            guard let pathElement = hash.child("path"), let path = pathElement.text.map({ clean($0, legacy: false) }), !path.isEmpty else {
                continue
            }
            var found: [String: String] = [:]
            var failed = false
            for value in hash.children where HashAlgorithm(rawValue: value.name) != nil {
                guard let text = value.text?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else { continue }
                if value.attributes["action"] == "failed" { failed = true } else { found[value.name] = value.name == "c4" ? text : text.lowercased() }
            }
            var entry = HashListEntry(
                path: path, size: pathElement.attributes["size"].flatMap { Int64($0) },
                modified: pathElement.attributes["lastmodificationdate"].flatMap(Timestamp.parse), hashes: found, list: "mhl")
            entry.failed = failed
            entries[path] = entry
        }
        return entries
    }

    /// Why the history in `folder/ascmhl` cannot be used before its chain is read: the folder
    /// cannot be listed, or it holds generations and no `ascmhl_chain.xml`. Nil when there is no
    /// such folder or nothing is wrong with it yet.
    public static func historyProblem(folder: String) -> Problem? {
        let history = folder + "/ascmhl"
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: history, isDirectory: &isFolder), isFolder.boolValue else { return nil }
        do {
            let names = try FileManager.default.contentsOfDirectory(atPath: history)
            guard !names.contains("ascmhl_chain.xml"), names.contains(where: { $0.lowercased().hasSuffix(".mhl") }) else { return nil }
            return Problem(file: history, reason: missingChain)
        } catch {
            return Problem(file: history, reason: "cannot be read (\(error.localizedDescription))")
        }
    }

    /// Why a history folder with generations and no `ascmhl_chain.xml` is not used.
    public static let missingChain = "holds generations but no ascmhl_chain.xml, so they cannot be told from files put there since"

    /// Whether a volume-relative path is part of a hash list: inside an `ascmhl` folder, or a
    /// `.mhl` file.
    public static func isHashList(_ path: String) -> Bool {
        path.lowercased().hasSuffix(".mhl") || isHistory(path)
    }

    /// Whether a volume-relative path is inside an ASC MHL history (`ascmhl/`): what a seal
    /// leaves out, as ascmhl does. A legacy `.mhl` list elsewhere is a file like any other to
    /// ascmhl, recorded and verified.
    public static func isHistory(_ path: String) -> Bool {
        path.hasPrefix("ascmhl/") || path.contains("/ascmhl/")
    }

    /// A path as lists write it: `./` and `/` at the start dropped. MHL 1.1 (`legacy`), from
    /// tools on Windows too, may separate folders with `\` and pad the text with spaces and line
    /// breaks: turned and trimmed. ASC MHL separates with `/` only and writes names exactly, so
    /// there `\` and spaces are part of a name.
    static func clean(_ path: String, legacy: Bool = true) -> String {
        var text = legacy ? path.trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: "\\", with: "/") : path
        while text.hasPrefix("./") { text.removeFirst(2) }
        while text.hasPrefix("/") { text.removeFirst() }
        return text
    }

    /// 16 hex digits with their bytes in the other order.
    static func swapped(_ hex: String) -> String {
        let digits = Array(hex)
        return stride(from: 14, through: 0, by: -2).map { String(digits[$0..<$0 + 2]) }.joined()
    }

    /// The root element of the XML file at `path`; with `c4`, the file must have that C4 id.
    static func document(_ path: String, c4 expected: String? = nil) throws(Problem) -> XMLNode {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Problem(file: path, reason: "cannot be read (\(String(cString: strerror(errno))))")
        }
        if let expected, case let found = ASCMHLWriter.c4(of: data), found != expected {
            throw Problem(file: path, reason: "was changed after the chain recorded it (its C4 id is \(found), the chain's \(expected))")
        }
        let builder = TreeBuilder()
        // Fed as a stream, in chunks: given a document over 10 MB in one piece, libxml2 stops
        // at its lookup limit and Foundation reports the well-formed generation of a large card
        // (or one of 10⁶ ignore patterns) as malformed.
        let parser = XMLParser(stream: InputStream(data: data))
        parser.shouldProcessNamespaces = true
        parser.shouldResolveExternalEntities = false
        parser.delegate = builder
        // Every element must close: Foundation's parser on Linux reports some malformed
        // documents (a missing end tag) only through its delegate, or not at all.
        guard parser.parse(), builder.error == nil, builder.isComplete, let root = builder.root else {
            let reason = (builder.error ?? parser.parserError).map { "\($0.localizedDescription)" } ?? "an element is not closed"
            throw Problem(file: path, reason: "not well-formed XML (\(reason))")
        }
        return root
    }
}

/// An element of a parsed hash list: its local name, attributes, children and text.
final class XMLNode {
    let name: String
    let attributes: [String: String]
    var children: [XMLNode] = []
    private var characters = ""

    init(name: String, attributes: [String: String]) {
        self.name = name
        self.attributes = attributes
    }

    /// The text directly inside the element, nil when there is none.
    var text: String? { characters.isEmpty ? nil : characters }

    func append(_ text: String) { characters += text }

    /// The first child named `name`.
    func child(_ name: String) -> XMLNode? { children.first { $0.name == name } }
}

/// Builds the element tree as the parser reports it.
private final class TreeBuilder: NSObject, XMLParserDelegate {
    var root: XMLNode?
    var error: (any Error)?
    private var open: [XMLNode] = []
    private var closedRoot = false

    /// Whether the root element was opened and closed, and nothing is left open.
    var isComplete: Bool { root != nil && closedRoot && open.isEmpty }

    func parser(_ parser: XMLParser, parseErrorOccurred parseError: any Error) { error = error ?? parseError }

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        let node = XMLNode(name: elementName, attributes: attributes)
        if let parent = open.last { parent.children.append(node) } else if root == nil { root = node }
        open.append(node)
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        guard let node = open.popLast(), node.name == elementName else {
            error = error ?? HashListReader.Problem(file: "", reason: "</\(elementName)> closes no open element")
            return
        }
        if open.isEmpty { closedRoot = true }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { open.last?.append(string) }
}

/// What the hash lists on a volume say: each file's entry by volume-relative path, the lists
/// that could not be used, and each ASC MHL history's ignore patterns by the volume-relative
/// folder it describes.
public struct HashLists: Sendable {
    public var entries: PathMap<HashListEntry>
    public var problems: [HashListReader.Problem]
    public var ignores: [String: IgnorePatterns]
    /// The entries another list's took precedence over (an MHL 1.1 list's under an ASC MHL
    /// history's, a farther history's under a nearer one's): still records a file is held
    /// against.
    public var shadowed = PathMap<[HashListEntry]>()

    /// Every list's entry for `path`, the one taken first.
    public func all(_ path: String) -> [HashListEntry] {
        guard let key = entries.key(for: path) else { return [] }
        return (entries.exactly(key).map { [$0] } ?? []) + (shadowed.exactly(key) ?? [])
    }

    /// The digests a scan can take for `entry` instead of reading it: those of the list taken
    /// first (``HashListEntry/digests(for:md5:)``), unless another list gives the file another
    /// XXH64 or MD5; then which is right is only known by reading it.
    public func digests(for entry: LocalEntry, md5: Bool) -> (xxh64: String, md5: String?)? {
        guard let key = entries.key(for: entry.relativePath), let first = entries.exactly(key)?.digests(for: entry, md5: md5) else { return nil }
        for other in shadowed.exactly(key) ?? [] {
            for (algorithm, value) in [(HashAlgorithm.xxh64, first.xxh64), (.md5, first.md5)] {
                if let value, let theirs = other.hashes[algorithm.rawValue], !algorithm.same(theirs, value) { return nil }
            }
        }
        return first
    }

    /// Whether a history left `path` (volume-relative) out: it matches the ignore patterns of a
    /// history whose folder holds it.
    public func isIgnored(_ path: String, isFolder: Bool) -> Bool {
        ignores.contains { folder, patterns in
            if folder.isEmpty { return patterns.matches(path, isFolder: isFolder) }
            return path.hasPrefix(folder + "/") && patterns.matches(String(path.dropFirst(folder.count + 1)), isFolder: isFolder)
        }
    }
}

extension HashListReader {
    /// The hash lists among a walk's `entries` (ASC MHL chain files, legacy `.mhl` files), read
    /// and keyed by the volume-relative path of each file they describe; lists that cannot be
    /// used are returned as problems. A later ASC MHL generation's entry is taken over an
    /// earlier one's; an ASC MHL entry over a legacy one.
    public static func collect(_ entries: [LocalEntry], in volume: Volume) -> HashLists {
        var found = PathMap<HashListEntry>()
        var problems: [Problem] = []
        var ignores: [String: IgnorePatterns] = [:]
        var shadowed = PathMap<[HashListEntry]>()
        func add(_ listed: PathMap<HashListEntry>, under folder: String, replacing: Bool) {
            for (path, entry) in listed {
                let key = folder.isEmpty ? path : folder + "/" + path
                guard let old = found.exactly(key) else {
                    found.updateValue(entry, forKey: key)
                    continue
                }
                shadowed.updateValue((shadowed.exactly(key) ?? []) + [replacing ? old : entry], forKey: key)
                if replacing { found.updateValue(entry, forKey: key) }
            }
        }
        func parent(_ path: String) -> String { path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "" }
        for entry in entries
        where !entry.isFolder && entry.name.lowercased().hasSuffix(".mhl") && !entry.relativePath.hasPrefix("ascmhl/")
            && !entry.relativePath.contains("/ascmhl/")
        {
            do {
                add(try legacyMHL(file: volume.absolutePath(of: entry.relativePath)), under: parent(entry.relativePath), replacing: false)
            } catch { problems.append(error) }
        }
        // A history with generations but no chain file (deleted, or left by a tool that
        // stopped part way) cannot be read as a history: ascmhl refuses it too.
        let chained = Set(entries.filter { !$0.isFolder && $0.name == "ascmhl_chain.xml" }.map { parent($0.relativePath) })
        var unchained = Set<String>()
        for entry in entries where !entry.isFolder && entry.name.lowercased().hasSuffix(".mhl") {
            let history = parent(entry.relativePath)
            guard history == "ascmhl" || history.hasSuffix("/ascmhl"), !chained.contains(history), unchained.insert(history).inserted else {
                continue
            }
            problems.append(Problem(file: volume.absolutePath(of: history), reason: missingChain))
        }
        for entry in entries where !entry.isFolder && entry.name == "ascmhl_chain.xml" {
            let history = parent(entry.relativePath)
            guard history == "ascmhl" || history.hasSuffix("/ascmhl") else { continue }
            let folder = parent(history)
            do {
                let history = try ascMHLHistory(folder: volume.absolutePath(of: folder))
                add(history.entries, under: folder, replacing: true)
                ignores[folder] = history.ignore
            } catch { problems.append(error) }
        }
        return HashLists(entries: found, problems: problems, ignores: ignores, shadowed: shadowed)
    }
}

extension HashListReader {
    /// Every hash list that describes files under `folder`: those among the walk's `entries`
    /// and those in the folders above it on the volume (a card's history describes a folder on
    /// the card read alone), the nearer list's entry winning; lists that cannot be used are
    /// returned as problems.
    public static func lists(for folder: String, entries: [LocalEntry], in volume: Volume) -> HashLists {
        let outer = above(folder, in: volume)
        let inner = collect(entries, in: volume)
        var shadowed = outer.shadowed
        for (path, nearer) in inner.shadowed { shadowed.updateValue(nearer + (shadowed.exactly(path) ?? []), forKey: path) }
        var entries = outer.entries
        for (path, nearer) in inner.entries {
            if let farther = entries.updateValue(nearer, forKey: path) {
                shadowed.updateValue((shadowed.exactly(path) ?? []) + [farther], forKey: path)
            }
        }
        return HashLists(
            entries: entries, problems: outer.problems + inner.problems,
            // Only the patterns of histories at or under the folder: a history above's would leave
            // files out of the one a seal writes here, which does not carry them.
            ignores: inner.ignores, shadowed: shadowed)
    }

    /// The hash lists in the folders above `folder` (an `ascmhl/` history, a legacy `.mhl`), keyed
    /// by volume-relative path: a card's history also describes a folder on the card scanned or
    /// verified alone. Folders are looked at up to the volume's root, or, for a volume known only
    /// by its folder (`path:`), up to the filesystem's root; entries outside the volume are left out.
    public static func above(_ folder: String, in volume: Volume) -> HashLists {
        var found = PathMap<HashListEntry>()
        var problems: [Problem] = []
        var shadowed = PathMap<[HashListEntry]>()
        let limit = volume.id.hasPrefix("path:") ? "/" : volume.root
        var current = URL(fileURLWithPath: folder).standardized.path
        var ancestors: [String] = []
        while current != limit && current != "/" && VolumeResolver.contains(limit, current) {
            current = URL(fileURLWithPath: current).deletingLastPathComponent().standardized.path
            ancestors.append(current)
        }
        // Farthest first, so a nearer list's entry replaces a farther one's.
        for ancestor in ancestors.reversed() {
            var lists: [PathMap<HashListEntry>] = []
            for name in ((try? FileManager.default.contentsOfDirectory(atPath: ancestor)) ?? []).sorted() where name.lowercased().hasSuffix(".mhl") {
                do { lists.append(try legacyMHL(file: ancestor == "/" ? "/" + name : ancestor + "/" + name)) } catch { problems.append(error) }
            }
            // A history above that cannot be listed, or has generations but no chain, is a list
            // that could not be used, as one in the folder itself would be.
            if let problem = historyProblem(folder: ancestor) { problems.append(problem) }
            if FileManager.default.fileExists(atPath: ancestor + "/ascmhl/ascmhl_chain.xml") {
                do { lists.append(try ascMHLHistory(folder: ancestor).entries) } catch { problems.append(error) }
            }
            for list in lists {
                for (path, entry) in list {
                    let absolute = ancestor == "/" ? "/" + path : ancestor + "/" + path
                    guard VolumeResolver.contains(volume.root, absolute), absolute != volume.root else { continue }
                    let key = volume.relativePath(of: absolute)
                    if let old = found.updateValue(entry, forKey: key) { shadowed.updateValue((shadowed.exactly(key) ?? []) + [old], forKey: key) }
                }
            }
        }
        return HashLists(entries: found, problems: problems, ignores: [:], shadowed: shadowed)
    }
}

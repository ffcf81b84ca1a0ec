import CatalogCore
import Crypto
import Foundation

/// Writes a new ASC MHL generation for a folder (`catalog verify --seal`): a hash list of its
/// files' XXH64 in `ascmhl/NNNN_<folder>_<date>Z.mhl`, and the chain file (`ascmhl_chain.xml`)
/// naming it with its C4 id, as the reference tool (`ascmhl`) reads them.
public enum ASCMHLWriter {
    /// A file to record: its path under the folder, size, modification time, XXH64, and its
    /// digests in other algorithms (`md5`, `sha1`, `xxh3`, `xxh128`, `c4`) when they were read.
    public struct File: Sendable {
        public var path: String
        public var size: Int64
        public var modified: Date
        public var xxh64: String
        public var others: [String: String]

        /// Whether it did not match a record (the history's, the catalog's, another list's).
        public var mismatched = false

        public init(path: String, size: Int64, modified: Date, xxh64: String, others: [String: String] = [:]) {
            self.path = path
            self.size = size
            self.modified = modified
            self.xxh64 = xxh64
            self.others = others
        }
    }

    /// Why a generation could not be written.
    public struct Failure: Error, CatalogFailure, Sendable {
        public var reason: String
        public var description: String { "cannot seal: \(reason)" }
        public var failureClass: FailureClass { .failure }

        public init(reason: String) { self.reason = reason }
    }

    /// A generation written: the folder whose history it joined (relative to the sealed folder,
    /// empty for that folder itself), its file name in that folder's `ascmhl/`, and its files.
    public struct Generation: Sendable, Equatable {
        public var folder: String
        public var name: String
        public var files: Int

        /// Its path relative to the sealed folder.
        public var path: String { (folder.isEmpty ? "" : folder + "/") + "ascmhl/" + name }
    }

    /// A subfolder to record (its path under the sealed folder and modification time): with
    /// the files' folders, every folder the walk saw, empty ones too (an empty folder has a
    /// directory hash as well).
    public struct Folder: Sendable {
        public var path: String
        public var modified: Date?

        public init(path: String, modified: Date?) {
            self.path = path
            self.modified = modified
        }
    }

    /// Whether a seal leaves the file at `path` out whatever the history's patterns say, as
    /// ascmhl always does: a `.DS_Store`.
    public static func isLeftOut(_ path: String) -> Bool {
        path == ".DS_Store" || path.hasSuffix("/.DS_Store")
    }

    /// Writes the next generation of `folder`'s history, and of every history nested in it (a
    /// subfolder with its own `ascmhl/`, as ascmhl leaves after sealing that subfolder alone):
    /// a nested history records the files under its folder, and the generation above names it
    /// by reference (its path and C4 id) instead of listing them, as ascmhl does. `folders` are
    /// the subfolders the walk saw (those holding `files` are added when missing). Returns the
    /// generations written, nested ones first. A file a history already holds with the same
    /// digest is `verified`, with another one `failed`, else `original`.
    @discardableResult
    public static func seal(
        _ files: [File], folders given: [Folder] = [], folder: String, tool: String, version: String,
        hostname: String = ProcessInfo.processInfo.hostName, now: Date = Date()
    ) throws(Failure) -> [Generation] {
        // XML carries no other control character: such a name cannot be recorded, and nothing is
        // written rather than a history that leaves the file out.
        for path in files.map(\.path) + given.map(\.path) where !isRepresentable(path) {
            throw Failure(reason: "'\(TerminalText.sanitize(path))' has a control character in its name, which XML cannot carry; nothing was written")
        }
        let folders = tree(of: files, folders: given, in: folder)
        // The subfolders that have a history of their own, deepest first.
        let nested = folders.keys.filter { !$0.isEmpty && FileManager.default.fileExists(atPath: folder + "/" + $0 + "/ascmhl/ascmhl_chain.xml") }
            .sorted { a, b in
                let (depthA, depthB) = (a.split(separator: "/").count, b.split(separator: "/").count)
                return depthA != depthB ? depthA > depthB : a < b
            }
        /// The history a path belongs to: the deepest nested folder above it, else the sealed folder.
        func owner(_ path: String) -> String { nested.first { path.hasPrefix($0 + "/") } ?? "" }
        func relative(_ path: String, to base: String) -> String { base.isEmpty ? path : String(path.dropFirst(base.count + 1)) }
        // Directory hashes in XXH64 and in every other algorithm each file has a digest in (the
        // history's own among them), as ascmhl writes them for each algorithm of a generation.
        let algorithms = HashAlgorithm.allCases.filter { algorithm in
            algorithm == .xxh64 || (!files.isEmpty && files.allSatisfy { $0.others[algorithm.rawValue] != nil })
        }
        var hashes: [String: [(HashAlgorithm, DirectoryHash)]] = [:]
        for algorithm in algorithms {
            for (path, hash) in directoryHashes(files, folders: Array(folders.keys), algorithm: algorithm) {
                hashes[path, default: []].append((algorithm, hash))
            }
        }
        var written: [Generation] = []
        var references: [String: [(path: String, c4: String)]] = [:]
        func own(_ history: String) -> [File] {
            files.filter { owner($0.path) == history }.map { file in
                var file = file
                file.path = relative(file.path, to: history)
                return file
            }
        }
        // Every history is read and checked before any is written: a refusal leaves them all
        // as they were.
        var histories: [String: Existing] = [:]
        for history in nested + [""] {
            let existing = try Existing(folder: history.isEmpty ? folder : folder + "/" + history)
            // A file that does not match a record this history does not hold (the catalog's
            // scan, a list elsewhere) would enter it as it is now, for its original.
            let unproven = own(history).filter { $0.mismatched && existing.previous[$0.path] == nil }.map(\.path)
            if !unproven.isEmpty {
                throw Failure(
                    reason:
                        """
                        \(unproven.count == 1 ? "1 file does" : "\(unproven.count) files do") not match \
                        \(unproven.count == 1 ? "its" : "their") record and the history has none to hold \
                        \(unproven.count == 1 ? "it" : "them") against, so a new generation would record \
                        \(unproven.count == 1 ? "it as it is" : "them as they are") now:\u{20}
                        """
                            + unproven.prefix(3).map { TerminalText.sanitize(history.isEmpty ? $0 : history + "/" + $0) }.joined(separator: ", ")
                            + (unproven.count > 3 ? ", …" : "") + "; nothing was written")
            }
            histories[history] = existing
        }
        for history in nested + [""] {
            guard let existing = histories[history] else { continue }
            let own = own(history)
            // Its folders' hashes (a nested history's folder among its parent's), and its root's.
            let ownFolders = folders.keys.filter { !$0.isEmpty && $0 != history && owner($0) == history }.sorted().compactMap {
                path -> Directory? in
                hashes[path].map { Directory(path: relative(path, to: history), modified: folders[path] ?? nil, hashes: $0) }
            }
            let (name, c4) = try generation(
                own, folder: history.isEmpty ? folder : folder + "/" + history, existing: existing, root: hashes[history],
                directories: ownFolders, references: references[history] ?? [], tool: tool, version: version, hostname: hostname, now: now)
            written.append(Generation(folder: history, name: name, files: own.count))
            if !history.isEmpty {
                let parent = owner(history)
                references[parent, default: []].append((relative(history, to: parent) + "/ascmhl/" + name, c4))
            }
        }
        return written
    }

    /// A folder's XXH64 directory hashes: of its content (its children's digests) and of its
    /// structure (their names with their digests).
    struct DirectoryHash: Equatable {
        var content: String
        var structure: String
    }

    /// A folder recorded in a generation: its path, modification time and hashes (one pair per
    /// algorithm).
    struct Directory {
        var path: String
        var modified: Date?
        var hashes: [(HashAlgorithm, DirectoryHash)]
    }

    /// Every folder to record, by path under `folder` ("" for `folder` itself) with its
    /// modification time: those given, and the folders holding `files` (read from the disk when
    /// not given). `ascmhl` folders and what they hold are left out, as ascmhl does.
    static func tree(of files: [File], folders: [Folder], in folder: String) -> [String: Date?] {
        var found: [String: Date?] = [:]
        for given in folders where !HashListReader.isHistory(given.path + "/") { found[given.path] = given.modified }
        func modified(_ path: String) -> Date? {
            (try? FileManager.default.attributesOfItem(atPath: path.isEmpty ? folder : folder + "/" + path))?[.modificationDate] as? Date
        }
        for path in [""] + files.flatMap({ ancestors(of: $0.path) }) where found[path] == nil { found[path] = modified(path) }
        return found
    }

    /// The folders above a relative path, nearest first (`A/B/c.mov` → `A/B`, `A`).
    static func ancestors(of path: String) -> [String] {
        var found: [String] = []
        var rest = Substring(path)
        while let slash = rest.lastIndex(of: "/") {
            rest = rest[..<slash]
            found.append(String(rest))
        }
        return found
    }

    /// The directory hashes of `folders` (relative paths, "" the sealed folder) as ascmhl
    /// computes them: a folder's content hash is the XXH64 of its children's digests (files'
    /// XXH64, subfolders' content hashes) sorted and concatenated as bytes; its structure hash
    /// the same over each child's XXH64 of its name followed by its digest (a subfolder's
    /// structure hash); a folder with nothing in it has the XXH64 of nothing.
    static func directoryHashes(_ files: [File], folders: [String], algorithm: HashAlgorithm = .xxh64) -> [String: DirectoryHash] {
        func parent(_ path: String) -> String { path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "" }
        func name(_ path: String) -> String { path.lastIndex(of: "/").map { String(path[path.index(after: $0)...]) } ?? path }
        func bytes(_ digest: String) -> [UInt8] { algorithm.bytes(of: digest) }
        func ofList(_ list: [String]) -> String { algorithm.digest(of: list.sorted().flatMap(bytes)) }
        var children: [String: [(name: String, hash: String, isFolder: Bool)]] = [:]
        for file in files {
            let digest = algorithm == .xxh64 ? file.xxh64 : file.others[algorithm.rawValue] ?? ""
            children[parent(file.path), default: []].append((name(file.path), algorithm == .c4 ? digest : digest.lowercased(), false))
        }
        var hashes: [String: DirectoryHash] = [:]
        // Deepest first, so every subfolder's hashes are known before its parent's.
        for folder in folders.sorted(by: { $0.split(separator: "/").count > $1.split(separator: "/").count }) {
            var contents: [String] = []
            var structures: [String] = []
            for child in children[folder] ?? [] {
                contents.append(child.hash)
                let structure = child.isFolder ? hashes[folder.isEmpty ? child.name : folder + "/" + child.name]?.structure ?? "" : child.hash
                structures.append(algorithm.digest(of: Array(child.name.utf8) + bytes(structure)))
            }
            let hash = DirectoryHash(content: ofList(contents), structure: ofList(structures))
            hashes[folder] = hash
            if !folder.isEmpty { children[parent(folder), default: []].append((name(folder), hash.content, true)) }
        }
        return hashes
    }

    /// Writes the next generation of the history in `folder`/ascmhl for `files` (relative to
    /// `folder`) with the folder's `root` hash and its `directories`' hashes, naming the nested
    /// generations in `references`; returns its name and C4 id.
    /// What a history already holds: its generations (number, file, C4) in the chain, its
    /// files' entries, its ignore patterns (with ascmhl's defaults) and the next number.
    struct Existing {
        var generations: [(number: Int, path: String, c4: String)] = []
        var previous = PathMap<HashListEntry>()
        // ascmhl carries a history's ignore patterns into every generation (the files were left
        // out on their account, and its directory hashes leave them out).
        var ignore = IgnorePatterns(IgnorePatterns.defaults)
        var number = 1

        /// Reads the history in `folder`/ascmhl (none yet: nothing).
        init(folder: String) throws(Failure) {
            let chainPath = folder + "/ascmhl/ascmhl_chain.xml"
            if let problem = HashListReader.historyProblem(folder: folder) {
                throw Failure(reason: "\(problem); nothing was written")
            }
            if FileManager.default.fileExists(atPath: chainPath) {
                do {
                    let existing = try HashListReader.ascMHLHistory(folder: folder)
                    generations = existing.generations.compactMap { generation in generation.c4.map { (generation.number, generation.name, $0) } }
                    previous = existing.entries
                    ignore.add(existing.ignore.patterns)
                } catch {
                    throw Failure(reason: "the existing history cannot be read (\(error)); nothing was written")
                }
            }
            let (next, overflow) = (generations.map(\.number).max() ?? 0).addingReportingOverflow(1)
            guard !overflow else { throw Failure(reason: "\(chainPath) numbers its last generation \(Int.max): there is no next one") }
            number = next
        }
    }

    private static func generation(
        _ files: [File], folder: String, existing: Existing, root: [(HashAlgorithm, DirectoryHash)]?, directories: [Directory],
        references: [(path: String, c4: String)], tool: String, version: String, hostname: String, now: Date
    ) throws(Failure) -> (name: String, c4: String) {
        let history = folder + "/ascmhl"
        var generations = existing.generations
        let (previous, ignore, number) = (existing.previous, existing.ignore, existing.number)
        let folderName = URL(fileURLWithPath: folder).lastPathComponent
        // `2026-12-01_104512`: the UTC time, as ascmhl names generations.
        let stamp = Timestamp.format(now).replacingOccurrences(of: "T", with: "_").replacingOccurrences(of: ":", with: "")
            .replacingOccurrences(of: "Z", with: "")
        let name = String(format: "%04d", number) + "_\(folderName)_\(stamp)Z.mhl"
        var xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <hashlist version="2.0" xmlns="urn:ASC:MHL:v2.0">
              <creatorinfo>
                <creationdate>\(time(now))</creationdate>
                <hostname>\(escaped(hostname))</hostname>
                <tool version="\(escaped(version))">\(escaped(tool))</tool>
              </creatorinfo>
              <processinfo>
                <process>in-place</process>
            \(root.map { "    <roothash>\n" + hashElements($0, now: now, indent: "      ") + "    </roothash>\n" } ?? "")    <ignore>
            \(ignore.patterns.map { "      <pattern>\(escaped($0))</pattern>\n" }.joined())    </ignore>
              </processinfo>
              <hashes>

            """
        for file in files.sorted(by: { $0.path < $1.path }) {
            xml += """
                    <hash>
                      <path size="\(file.size)" lastmodificationdate="\(time(file.modified))">\(escaped(file.path))</path>

                """
            // Every digest read, in ascmhl's order (by name), each verified or failed against the
            // history's, or original.
            let digests = file.others.filter { HashAlgorithm(rawValue: $0.key) != nil }.merging(["xxh64": file.xxh64]) { _, new in new }
            let recordedHashes = previous[file.path]?.hashes ?? [:]
            // A file that failed against a digest on record gets no digest in a new algorithm:
            // recorded `original`, it would vouch for the damaged content, and the next tool
            // to verify in that algorithm would find it intact. ascmhl adds a new algorithm only
            // when the recorded ones verified.
            let failed = digests.contains { name, value in
                recordedHashes[name].map { !(HashAlgorithm(rawValue: name) ?? .xxh64).same($0, value) } ?? false
            }
            for (name, value) in digests.sorted(by: { $0.key < $1.key }) where recordedHashes[name] != nil || !failed {
                let algorithm = HashAlgorithm(rawValue: name) ?? .xxh64
                let recorded = recordedHashes[name]
                let action = recorded.map { algorithm.same($0, value) ? "verified" : "failed" } ?? "original"
                let text = algorithm == .c4 ? value : value.lowercased()
                xml += "      <\(name) action=\"\(action)\" hashdate=\"\(time(now))\">\(text)</\(name)>\n"
            }
            // The history names the file in another Unicode form (`Café` decomposed, the disk's
            // precomposed): one name to catalog, two paths to ascmhl, so the rename is recorded.
            if let recorded = previous[file.path]?.path, Array(recorded.utf8) != Array(file.path.utf8) {
                xml += "      <previousPath>\(escaped(recorded))</previousPath>\n"
            }
            xml += "    </hash>\n"
        }
        for directory in directories {
            let modified = directory.modified.map { " lastmodificationdate=\"\(time($0))\"" } ?? ""
            xml += "    <directoryhash>\n      <path\(modified)>\(escaped(directory.path))</path>\n"
            xml += hashElements(directory.hashes, now: now, indent: "      ") + "    </directoryhash>\n"
        }
        xml += "  </hashes>\n"
        if !references.isEmpty {
            xml += "  <references>\n"
            for reference in references.sorted(by: { $0.path < $1.path }) {
                xml +=
                    """
                        <hashlistreference>\n      <path>\(escaped(reference.path))</path>\n      <c4>\(reference.c4)</c4>\n    \
                    </hashlistreference>\n
                    """
            }
            xml += "  </references>\n"
        }
        xml += "</hashlist>\n"
        let bytes = Data(xml.utf8)
        let id = c4(of: bytes)
        generations.append((number, name, id))
        var chain = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ascmhldirectory xmlns=\"urn:ASC:MHL:DIRECTORY:v2.0\">\n"
        for generation in generations.sorted(by: { $0.number < $1.number }) {
            chain +=
                """
                  <hashlist sequencenr=\"\(generation.number)\">\n    <path>\(escaped(generation.path))</path>\n    \
                <c4>\(generation.c4)</c4>\n  </hashlist>\n
                """
        }
        chain += "</ascmhldirectory>\n"
        do {
            try FileManager.default.createDirectory(atPath: history, withIntermediateDirectories: true)
            // The generation first, then the chain that names it (each written whole, atomically).
            try bytes.write(to: URL(fileURLWithPath: history + "/" + name), options: .atomic)
            try Data(chain.utf8).write(to: URL(fileURLWithPath: history + "/ascmhl_chain.xml"), options: .atomic)
        } catch {
            throw Failure(reason: "\(history): \(error.localizedDescription)")
        }
        return (name, id)
    }

    /// A folder's `<content>` and `<structure>` elements.
    private static func hashElements(_ hashes: [(HashAlgorithm, DirectoryHash)], now: Date, indent: String) -> String {
        let sorted = hashes.sorted { $0.0.rawValue < $1.0.rawValue }
        return [("content", \DirectoryHash.content), ("structure", \DirectoryHash.structure)].map { element, value in
            "\(indent)<\(element)>\n"
                + sorted.map { algorithm, hash in
                    "\(indent)  <\(algorithm.rawValue) hashdate=\"\(time(now))\">\(hash[keyPath: value])</\(algorithm.rawValue)>\n"
                }.joined() + "\(indent)</\(element)>\n"
        }.joined()
    }

    /// The C4 id of `bytes`: SHA-512 as a base-58 number (C4's alphabet), padded to 88 digits
    /// with its zero, `1`, after `c4`.
    public static func c4(of bytes: Data) -> String {
        c4(digest: Array(SHA512.hash(data: bytes)))
    }

    /// The C4 id of content whose SHA-512 is `digest`.
    public static func c4(digest: [UInt8]) -> String {
        var number = digest
        let alphabet = Array("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz")
        var digits: [Character] = []
        while number.contains(where: { $0 != 0 }) {
            // Divide the big-endian number by 58, keeping the remainder.
            var remainder = 0
            for i in number.indices {
                let value = remainder * 256 + Int(number[i])
                number[i] = UInt8(value / 58)
                remainder = value % 58
            }
            digits.append(alphabet[remainder])
        }
        let text = String(digits.reversed())
        return "c4" + String(repeating: "1", count: max(0, 88 - text.count)) + text
    }

    /// ISO 8601 to the second, in UTC with an explicit offset, as ascmhl writes dates.
    static func time(_ date: Date) -> String {
        Timestamp.format(Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down))).replacingOccurrences(of: "Z", with: "+00:00")
    }

    /// Text safe inside an element or attribute: markup characters escaped, and tabs and line
    /// breaks as character references, which a parser gives back as they were (a literal
    /// carriage return would come back as a line feed: macOS's `Icon\r`).
    static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "\"", with: "&quot;").replacingOccurrences(of: "\r", with: "&#13;")
            .replacingOccurrences(of: "\n", with: "&#10;").replacingOccurrences(of: "\t", with: "&#9;")
    }

    /// Whether XML 1.0 can carry `text`: no control character but tab and line breaks.
    static func isRepresentable(_ text: String) -> Bool {
        !text.unicodeScalars.contains { scalar in
            (scalar.value < 0x20 && ![0x09, 0x0A, 0x0D].contains(scalar.value)) || scalar.value == 0xFFFE || scalar.value == 0xFFFF
        }
    }
}

import ArgumentParser
import CatalogCore
import Foundation

// The catalog's enums as command-line values: parsed (case-insensitively) and completed by
// swift-argument-parser, so a wrong value is refused with the list of right ones before a
// command runs.

extension Source: ExpressibleByArgument {
    public init?(argument: String) { self.init(name: argument) }
}

extension ItemKind: ExpressibleByArgument {
    public init?(argument: String) { self.init(name: argument) }
}

/// A size given as people write one (`500MB`, `2GiB`, `1234`); a wrong one is refused with the
/// flag named, before the command runs.
extension ByteSize: ExpressibleByArgument {
    public init?(argument: String) { self.init(argument) }
}

/// Item kinds given as one comma-separated value (`--kind file,asset`).
struct ItemKinds: ExpressibleByArgument {
    var kinds: Set<ItemKind>

    init?(argument: String) {
        let parts = argument.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        let parsed = parts.compactMap(ItemKind.init(argument:))
        guard !parsed.isEmpty, parsed.count == parts.count else { return nil }
        kinds = Set(parsed)
    }

    static var defaultCompletionKind: CompletionKind { .list(ItemKind.allValueStrings) }
}

import CatalogCore
import Foundation
import Testing

@testable import CatalogReports

/// The changes table folds what one folder change carried along into one row.
@Suite struct ChangeTableTests {
    static func change(
        _ kind: CatalogChange.Kind, _ itemKind: String, _ name: String, from old: String?, to new: String?, fields: [String] = [],
        sameRecord: Bool = false, source: Source = .frameio, crawl: Int64 = 3
    ) -> CatalogChange {
        CatalogChange(
            crawlID: crawl, finishedAt: nil, source: source, id: UUID().uuidString, change: kind, kind: itemKind, name: name, oldPath: old,
            newPath: new, oldDigest: "a", newDigest: sameRecord ? "a" : "b", fields: fields)
    }

    /// The table's rows, each cell trimmed, without the header.
    static func rows(_ changes: [CatalogChange]) -> [[String]] {
        ChangeWriter.table(changes, width: 400).split(separator: "\n").dropFirst().map { line in
            line.components(separatedBy: "  ").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
    }

    @Test func aRenamedFolderIsOneRowWithTheItemsItCarried() {
        let rows = Self.rows([
            Self.change(.moved, "folder", "Spring 2026", from: "A/P/Spring", to: "A/P/Spring 2026", fields: ["name"]),
            Self.change(.moved, "file", "a.mov", from: "A/P/Spring/a.mov", to: "A/P/Spring 2026/a.mov", sameRecord: true),
            Self.change(.moved, "folder", "Day 1", from: "A/P/Spring/Day 1", to: "A/P/Spring 2026/Day 1", sameRecord: true),
            Self.change(.moved, "file", "b.mov", from: "A/P/Spring/Day 1/b.mov", to: "A/P/Spring 2026/Day 1/b.mov", sameRecord: true),
            Self.change(.moved, "file", "c.mov", from: "A/P/Other/c.mov", to: "A/P/Elsewhere/c.mov", fields: ["parent_id"]),
        ])
        #expect(
            rows == [
                ["renamed", "folder", "Spring → Spring 2026", "A/P/Spring → A/P/Spring 2026", "+3 items", "3"],
                ["moved", "file", "c.mov", "A/P/Other/c.mov → A/P/Elsewhere/c.mov", "parent_id", "3"],
            ], "\(rows)")
    }

    @Test func itemsMovedTogetherWithoutAFolderItemAreOneRow() {
        let moved = (1...4).map {
            Self.change(
                .moved, "asset", "\($0).jpg", from: "Campaigns/2026/\($0).jpg", to: "Campaigns (old)/2026/\($0).jpg", sameRecord: true, source: .dash)
        }
        let derived = (1...3).map {
            Self.change(
                .modified, "asset", "\($0).png", from: "Brand/\($0).png", to: "Brand/\($0).png", fields: ["folders"], sameRecord: true, source: .dash)
        }
        let rows = Self.rows(moved + derived)
        #expect(
            rows == [
                ["moved", "items", "Campaigns → Campaigns (old)", "Campaigns → Campaigns (old)", "4 items", "3"],
                ["modified", "asset", "3 items", "3 items, via renames", "folders", "3"],
            ], "\(rows)")
    }

    @Test func aDeletedFolderCarriesWhatWasInIt() {
        let rows = Self.rows([
            Self.change(.deleted, "folder", "Old", from: "A/P/Old", to: nil),
            Self.change(.deleted, "folder", "Sub", from: "A/P/Old/Sub", to: nil),
            Self.change(.deleted, "file", "x.mov", from: "A/P/Old/Sub/x.mov", to: nil),
            Self.change(.deleted, "file", "y.mov", from: "A/P/Keep/y.mov", to: nil),
            // The same path in another crawl is another deletion.
            Self.change(.deleted, "file", "z.mov", from: "A/P/Old/z.mov", to: nil, crawl: 4),
        ])
        #expect(
            rows == [
                ["deleted", "folder", "Old", "A/P/Old", "+2 items", "3"],
                ["deleted", "file", "y.mov", "A/P/Keep/y.mov", "3"],
                ["deleted", "file", "z.mov", "A/P/Old/z.mov", "4"],
            ], "\(rows)")
    }

    @Test func theTableFitsTheTerminal() {
        let changes = (1...5).map {
            Self.change(
                .modified, "file", "a long clip name number \($0).mov", from: nil,
                to: "Account/Workspace/Project/Dailies/Day \($0)/Card 001/a long clip name number \($0).mov", fields: ["updated_at"])
        }
        for width in [80, 120] {
            let lines = ChangeWriter.table(changes, width: width).split(separator: "\n")
            #expect(lines.allSatisfy { DisplayWidth.of(String($0)) <= width }, "\(width): \(lines)")
            #expect(lines.dropFirst().allSatisfy { $0.contains(".mov") }, "file names stay whole: \(lines)")
            #expect(lines.first?.contains("NAME") == (width >= 120), "narrow tables drop the name, which ends the path: \(lines)")
        }
        // At 60 cells FIELDS gives up room (down to 6) for a cut path: 20 cells here, not 16.
        let stacks = changes.map { change in
            var change = change
            change.kind = "version_stack"
            return change
        }
        let narrow = ChangeWriter.table(stacks, width: 60).split(separator: "\n").map(String.init)
        #expect(narrow.allSatisfy { DisplayWidth.of($0) <= 60 }, "\(narrow)")
        let header = narrow.first ?? ""
        let pathStart = header.range(of: "PATH").map { header.distance(from: header.startIndex, to: $0.lowerBound) } ?? 0
        let fieldsStart = header.range(of: "FIELDS").map { header.distance(from: header.startIndex, to: $0.lowerBound) } ?? 0
        #expect(fieldsStart - pathStart - 2 >= 20, "\(narrow)")
    }
}

/// Tables fitted to a terminal: width the other columns leave goes to the paths that were cut.
@Suite struct FittedTableTests {
    @Test func cutPathsTakeTheRoomOthersLeave() {
        let path = "DCIM/100CANON/A Long Folder Name/A003C001_260303_R1AB.mov"
        let rows = [["new", path, "2 KB", ""], ["verified", "A002_02.wav", "22 KB", "ascmhl"]]
        let header = ["STATUS", "FILE", "SIZE", "DETAIL"]
        let limits = [10, 26, 10, 20]
        let fixed = TableRenderer.grid(header: header, rows: rows, limits: limits, paths: [1])
        #expect(!fixed.contains(path))
        // 80 cells: the path nearly fits (8 + 57 + 5 + 6 and three gaps of 2 = 82), so it is cut by two.
        let fitted = TableRenderer.grid(header: header, rows: rows, limits: limits, paths: [1], fitting: 80)
        let lines = fitted.split(separator: "\n")
        #expect(lines.allSatisfy { DisplayWidth.of(String($0)) <= 80 }, "\(fitted)")
        #expect(lines[1].contains("A003C001_260303_R1AB.mov") && lines[1].contains("…"), "\(fitted)")
        let wide = TableRenderer.grid(header: header, rows: rows, limits: limits, paths: [1], fitting: 120)
        #expect(wide.contains(path), "\(wide)")
        // A line too narrow for the limits already is left as the limits make it.
        #expect(TableRenderer.grid(header: header, rows: rows, limits: limits, paths: [1], fitting: 40) == fixed)
    }
}

import CatalogCore
import Testing

@testable import CatalogReports

/// Terminal cells, not characters: tables line up with CJK names, emoji and accents written as
/// combining marks, and long paths keep the part that tells them apart.
struct DisplayWidthTests {
    /// A number is never left at a line's end without what it counts or measures.
    @Test func wrappingKeepsNumbersWithTheirUnits() {
        let text = "local scan: 20 000 files (19 GB) in 12 folders; 2 000 hashed (19 GB at 661 MB/s), 13 pictures"
        for width in 12...80 {
            let lines = DisplayWidth.wrap(text, width: width, indent: 2)
            for line in lines.dropLast() where width >= 20 {
                #expect(!(line.last?.isNumber ?? false), "width \(width): \(lines)")
            }
            #expect(lines.joined(separator: " ").split(separator: " ") == text.split(separator: " "), "width \(width): \(lines)")
        }
    }

    @Test func widthsCountCellsNotCharacters() {
        #expect(DisplayWidth.of("interview.mov") == 13)
        #expect(DisplayWidth.of("東京ロケ.mov") == 12)  // four wide characters, then four narrow
        #expect(DisplayWidth.of("🎬 take") == 7)
        #expect(DisplayWidth.of("e\u{301}te\u{301}") == 3)  // "été" with combining acute accents
        #expect(DisplayWidth.of("a\u{200B}b") == 2)
        #expect(DisplayWidth.of("ＡＢ") == 4)  // fullwidth letters
    }

    @Test func truncationNeverSplitsAWideCharacterOrOverflows() {
        #expect(DisplayWidth.truncate("東京ロケ.mov", to: 6) == "東京…")
        #expect(DisplayWidth.of(DisplayWidth.truncate("東京ロケ.mov", to: 6)) <= 6)
        #expect(DisplayWidth.truncate("short", to: 10) == "short")
        #expect(DisplayWidth.truncate("abcdef", to: 4) == "abc…")
    }

    @Test func longPathsKeepTheirTopFolderAndFileName() {
        let path = "Generated Studio/Post Production/Spring Campaign 2024/Drone 8/Color 5/upload_22.mov"
        #expect(DisplayWidth.elidePath(path, to: 40) == "Generated Studio/…/Color 5/upload_22.mov")
        #expect(DisplayWidth.elidePath(path, to: 33) == "Generated Studio/…/upload_22.mov")
        #expect(DisplayWidth.elidePath(path, to: 200) == path)
        // No room for the top folder: the file name still shows whole.
        #expect(DisplayWidth.elidePath("Northlight Studios/Feature Film/Day 1/A001_C001_0301.mov", to: 34) == "…/Day 1/A001_C001_0301.mov")
        let squeezed = DisplayWidth.elidePath(path, to: 20)
        #expect(DisplayWidth.of(squeezed) <= 20 && squeezed.hasSuffix(".mov") && squeezed.contains("…"), "\(squeezed)")
    }

    @Test func aTableFitsItsWidthWhateverTheNames() {
        let names = ["東京ロケ_シーン12_テイク3.mov", "🎬 Director's cut final FINAL v7.mov", "e\u{301}te\u{301}.wav"]
        let items = names.enumerated().map { index, name in
            CatalogItem(
                source: .frameio, id: "\(index)", kind: .file, name: name, parentID: "p", projectID: "p",
                path: "Studio/Project/Very Long Folder Name \(index)/Another Level/\(name)", size: 1_234_567, record: "{}")
        }
        let folder = CatalogItem(
            source: .frameio, id: "f", kind: .folder, name: "Dailies", parentID: "p", projectID: "p", path: "Studio/Project/Dailies", record: "{}")
        for width in [80, 200] {
            let table = TableRenderer.render(items + [folder], width: width)
            for line in table.split(separator: "\n") { #expect(DisplayWidth.of(String(line)) <= width, "\(width): \(line)") }
            #expect(table.contains("—"), "a folder's size is a dash")
        }
    }
}

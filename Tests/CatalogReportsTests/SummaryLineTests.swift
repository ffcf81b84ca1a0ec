import CatalogCore
import CatalogReports
import Testing

/// The dupes summary counts in words and the table's units (issue 33: "1 groups, … 0.01 GB").
@Suite struct SummaryLineTests {
    func summary(groups: Int, copies: Int, bytes: Int64, probable: Int) -> DuplicateSummary {
        var summary = DuplicateSummary()
        summary.groups = groups
        summary.redundantCopies = copies
        summary.reclaimableBytes = bytes
        summary.probableGroups = probable
        return summary
    }

    @Test func pluralsAndUnits() {
        #expect(
            DuplicateWriter.summaryLine(summary(groups: 1, copies: 1, bytes: 8_421_337, probable: 0))
                == "1 group, 1 redundant copy, 8.4 MB reclaimable")
        #expect(
            DuplicateWriter.summaryLine(summary(groups: 70, copies: 81, bytes: 95_560_000_000, probable: 2))
                == "70 groups, 81 redundant copies, 96 GB reclaimable (and 2 probable groups of the same name and size without a digest, not counted)"
        )
        #expect(DuplicateWriter.summaryLine(summary(groups: 0, copies: 0, bytes: 0, probable: 0)) == "0 groups, 0 redundant copies, 0 B reclaimable")
    }

    @Test func onlyProbableGroupsAreNotCalledNoGroups() {
        #expect(
            DuplicateWriter.summaryLine(summary(groups: 0, copies: 0, bytes: 0, probable: 1))
                == "no proven duplicates; 1 probable group of the same name and size without a digest, not counted")
    }

    @Test func nounsEndingInAConsonantAndY() {
        #expect(Count.of(2, "copy") == "2 copies" && Count.of(2, "day") == "2 days" && Count.of(1, "copy") == "1 copy")
    }
}

import CatalogCore
import Foundation
import Testing

@Suite struct SearchQueryParserTests {
    let parser = SearchQueryParser()

    @Test func wordsPhrasesPrefixesOrAndExclusions() throws {
        let query = try parser.parse(#"interview "harbour at dawn" drone* mov OR mxf -draft"#)
        #expect(query.clauses.count == 4)
        #expect(query.clauses[0] == [.init(text: "interview")])
        #expect(query.clauses[1] == [.init(text: "harbour at dawn", isPhrase: true)])
        #expect(query.clauses[2] == [.init(text: "drone", isPrefix: true)])
        #expect(query.clauses[3] == [.init(text: "mov"), .init(text: "mxf")])
        #expect(query.exclusions == [.init(text: "draft")])
    }

    @Test func filters() throws {
        let query = try parser.parse(
            #"kind:file,version-stack source:frameio project:"Spring Campaign" ext:.MOV label:approved size:>1GB -size:<=10MiB"#)
        #expect(query.clauses.isEmpty)
        #expect(query.filters[0].filter == .kind([.file, .versionStack]))
        #expect(query.filters[1].filter == .source([.frameio]))
        #expect(query.filters[2].filter == .project(["Spring Campaign"]))
        #expect(query.filters[3].filter == .ext(["mov"]))
        #expect(query.filters[4].filter == .label(["approved"]))
        #expect(query.filters[5].filter == .size(.greater, 1_000_000_000))
        #expect(query.filters[6] == .init(.size(.lessOrEqual, 10 * 1_048_576), negated: true))
    }

    @Test func dateFiltersCoverTheNamedPeriod() throws {
        let day = try parser.parse("updated:2025-01-31").filters[0].filter
        #expect(day == .date(.updated, lower: Date(timeIntervalSince1970: 1_738_281_600), upper: Date(timeIntervalSince1970: 1_738_368_000)))
        let after = try parser.parse("created:>2024").filters[0].filter
        #expect(after == .date(.created, lower: Date(timeIntervalSince1970: 1_735_689_600), upper: nil))
        let before = try parser.parse("uploaded:<=2024-02").filters[0].filter
        #expect(before == .date(.uploaded, lower: nil, upper: Date(timeIntervalSince1970: 1_709_251_200)))
    }

    /// Relative dates count back from the parser's `now` (2026-11-30T12:00:00Z here): an age is
    /// a moment (later is newer), `today` and `yesterday` are UTC days.
    @Test func relativeDatesCountBackFromNow() throws {
        let parser = SearchQueryParser(now: Date(timeIntervalSince1970: 1_796_040_000))
        func filter(_ text: String) throws -> Filter { try parser.parse(text).filters[0].filter }
        #expect(try filter("updated:>7d") == .date(.updated, lower: Date(timeIntervalSince1970: 1_795_435_200), upper: nil))
        #expect(try filter("updated:7d") == .date(.updated, lower: Date(timeIntervalSince1970: 1_795_435_200), upper: nil))
        #expect(try filter("updated:<=2w") == .date(.updated, lower: nil, upper: Date(timeIntervalSince1970: 1_794_830_400)))
        #expect(try filter("created:>=12h") == .date(.created, lower: Date(timeIntervalSince1970: 1_795_996_800), upper: nil))
        #expect(
            try filter("created:today")
                == .date(.created, lower: Date(timeIntervalSince1970: 1_795_996_800), upper: Date(timeIntervalSince1970: 1_796_083_200)))
        #expect(
            try filter("uploaded:yesterday")
                == .date(.uploaded, lower: Date(timeIntervalSince1970: 1_795_910_400), upper: Date(timeIntervalSince1970: 1_795_996_800)))
        #expect(try filter("updated:>today") == .date(.updated, lower: Date(timeIntervalSince1970: 1_796_083_200), upper: nil))
        for bad in ["updated:>7x", "updated:-3d", "updated:99999999w", "updated:d"] {
            #expect(throws: SearchQueryError.self, "\(bad)") { try parser.parse(bad) }
        }
    }

    /// Years at the ends of the calendar name a period like any other (these trapped before).
    @Test func datesAtTheEndsOfTheCalendarHaveAnEnd() throws {
        let last = try parser.parse("updated:9999").filters[0].filter
        #expect(last == .date(.updated, lower: Date(timeIntervalSince1970: 253_370_764_800), upper: Date(timeIntervalSince1970: 253_402_300_800)))
        let first = try parser.parse("updated:0000").filters[0].filter
        #expect(first == .date(.updated, lower: Date(timeIntervalSince1970: -62_167_219_200), upper: Date(timeIntervalSince1970: -62_135_596_800)))
        let december = try parser.parse("created:<=9999-12").filters[0].filter
        #expect(december == .date(.created, lower: nil, upper: Date(timeIntervalSince1970: 253_402_300_800)))
        #expect { try parser.parse("updated:10000") } throws: { "\($0)".contains("updated:") }
    }

    @Test func aQueryLongerThanTheLimitIsRefusedSayingSo() throws {
        let long = String(repeating: "ab ", count: SearchQueryParser.maxLength / 3 + 1)
        #expect(throws: SearchQueryError.tooLong(length: long.count, maximum: SearchQueryParser.maxLength)) { try parser.parse(long) }
        #expect("\(SearchQueryError.tooLong(length: 5000, maximum: 4096))".contains("5000 characters"))
        // Just under the limit, a query of 2 000 words parses, keeping the first 64 terms.
        let words = (0..<1365).map { "w\($0)" }.joined(separator: " ").prefix(SearchQueryParser.maxLength)
        #expect(try parser.parse(String(words)).clauses.count == SearchQueryParser.maxTerms)
    }

    @Test func badFiltersAreNamed() {
        #expect(throws: SearchQueryError.unknownFilter(name: "knd", suggestions: ["kind"])) { try parser.parse("knd:file") }
        #expect {
            try parser.parse("size:huge")
        } throws: { error in
            "\(error)".contains("'huge'") && "\(error)".contains("size:")
        }
        #expect {
            try parser.parse("updated:>=someday")
        } throws: { "\($0)".contains("updated:") }
        #expect { try parser.parse("kind:movie") } throws: { "\($0)".contains("version_stack") }
    }

    @Test func emptyQueriesAskForHelp() {
        for text in ["", "   ", "*", "\"\"", "- -- ---", "( ) OR"] {
            #expect(throws: SearchQueryError.empty, "\(text)") { try parser.parse(text) }
        }
    }

    @Test func textThatLooksLikeSyntaxIsKeptAsText() throws {
        #expect(try parser.parse("12:30").clauses == [[.init(text: "12:30")]])
        #expect(try parser.parse(#""kind:file""#).clauses == [[.init(text: "kind:file", isPhrase: true)]])
        #expect(try parser.parse("multi-agent").clauses == [[.init(text: "multi-agent")]])
    }

    @Test func timestampsRoundTrip() {
        let date = Timestamp.parse("2025-02-11T10:00:00.123456+02:00")!
        #expect(Timestamp.format(date) == "2025-02-11T08:00:00Z")
        #expect(Timestamp.parse("2025-02-30") == nil)
        #expect(Timestamp.parse("garbage") == nil)
    }

    /// A file's time may be any 64-bit number of seconds (btrfs, tmpfs): formatting one far
    /// outside the calendar gives a date, it does not trap.
    @Test func timesFarOutsideTheCalendarAreFormattedNotTrapped() {
        for seconds in [Double(Int64.max), -Double(Int64.max), 1e300, -.infinity, .nan] {
            #expect(!Timestamp.format(Date(timeIntervalSince1970: seconds)).isEmpty)
        }
        #expect(Timestamp.format(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00Z")
    }

    /// Sums of sizes a filesystem reports (sparse files can each claim exabytes) stop at the
    /// largest value instead of trapping.
    @Test func sizeTotalsAreClamped() {
        #expect(Int64.max.addingClamped(1) == .max)
        #expect((Int64.max - 1).addingClamped(1) == .max)
        #expect(Int64.min.addingClamped(-1) == .min)
        #expect(Int64(40).addingClamped(2) == 42)
    }

    @Test func dashFiltersAndCustomFields() throws {
        let dash = SearchQueryParser(fields: ["Brand", "Usage Rights", "Type", "Folders"])
        func filters(_ text: String) throws -> [Filter] { try dash.parse(text).filters.map(\.filter) }
        #expect(try filters("state:live,binned") == [.state(["LIVE", "BINNED"])])
        #expect(try filters("type:video|audio") == [.mediaType(["video", "audio"])])
        #expect(try filters(#"folder:" Campaigns / 2026/ ""#) == [.folder(["Campaigns/2026"])])
        #expect(try filters("brand:Acme") == [.field(name: "Brand", values: ["Acme"])])
        #expect(try filters(#""Usage Rights":"Web only" drone"#) == [.field(name: "Usage Rights", values: ["Web only"])])
        #expect(try dash.parse(#""Usage Rights":"Web only" drone"#).clauses == [[.init(text: "drone")]])
        // A quoted name is a custom field even where a built-in filter has the same name.
        #expect(try filters(#""Type":Photo"#) == [.field(name: "Type", values: ["Photo"])])
        #expect(try filters("type:image") == [.mediaType(["image"])])
        #expect(try dash.parse("-brand:Acme").filters.first?.isNegated == true)
        #expect { try dash.parse("Brnd:Acme") } throws: { error in
            let text = "\(error)"
            return text.contains("Did you mean 'Brand:'") && text.contains(#""Usage Rights""#)
        }
        #expect { try dash.parse("type:spreadsheet") } throws: { "\($0)".contains("image, video, audio, document") }
        #expect { try dash.parse("state:li-ve") } throws: { "\($0)".contains("state:") }
        // Without Dash fields the same text is an unknown filter.
        #expect(throws: SearchQueryError.self) { try parser.parse("Brand:Acme") }
    }
}

/// The boolean language and the filters of issue 29: any-of lists on every filter, comparisons on
/// number and date fields, `AND`, `NOT`, parentheses, and refusals instead of silent zeros.
@Suite struct BooleanQueryTests {
    let parser = SearchQueryParser(
        searchFields: [
            SearchField(name: "Brand", kind: .options, options: ["Acme", "Globex", "Initech"]),
            SearchField(name: "Rating", kind: .number), SearchField(name: "Air Date", kind: .date),
            SearchField(name: "Notes", kind: .text), SearchField(name: "Circled", kind: .toggle),
            SearchField(name: "Review Status", kind: .options, options: ["Approved", "In Review", "Needs Changes"]),
            SearchField(name: "Folders", kind: .options, options: ["Campaigns", "Campaigns / 2026", "Campaigns / 2026 / Spring"]),
        ], now: Date(timeIntervalSince1970: 1_796_040_000))

    @Test func aListMeansAnyOfForEveryFilter() throws {
        #expect(try parser.parse("Brand:Acme,Globex").filters == [.init(.field(name: "Brand", values: ["Acme", "Globex"]))])
        #expect(try parser.parse("brand:acme|globex").filters == [.init(.field(name: "Brand", values: ["acme", "globex"]))])
        #expect(try parser.parse("label:approved,needs_review").filters == [.init(.label(["approved", "needs_review"]))])
        #expect(try parser.parse("project:feature*,archive*").filters == [.init(.project(["feature*", "archive*"]))])
        #expect(try parser.parse(#"folder:"Card 001","Card 002""#).filters == [.init(.folder(["Card 001", "Card 002"]))])
        // A quoted value keeps its commas.
        #expect(
            try parser.parse(#""Review Status":"In Review",Approved"#).filters == [
                .init(.field(name: "Review Status", values: ["In Review", "Approved"]))
            ])
        // Two filters on one field: both must hold.
        #expect(try parser.parse("Brand:Acme Brand:Globex").filters.count == 2)
        // Single-valued filters take lists as alternatives.
        #expect(
            try parser.parse("size:<1KB,>1GB").groups == [
                .any([.filter(.size(.less, 1_000)), .filter(.size(.greater, 1_000_000_000))])
            ])
    }

    @Test func numberAndDateFieldsCompare() throws {
        #expect(try parser.parse("Rating:>=4").filters == [.init(.fieldNumber(name: "Rating", lower: .init(4, inclusive: true), upper: nil))])
        #expect(try parser.parse("Rating:<3").filters == [.init(.fieldNumber(name: "Rating", lower: nil, upper: .init(3, inclusive: false)))])
        #expect(
            try parser.parse("Rating:3..5").filters == [
                .init(.fieldNumber(name: "Rating", lower: .init(3, inclusive: true), upper: .init(5, inclusive: true)))
            ])
        // Rating:4,5 is any of two numbers (4.0 is 4).
        let four = Filter.fieldNumber(name: "Rating", lower: .init(4, inclusive: true), upper: .init(4, inclusive: true))
        let five = Filter.fieldNumber(name: "Rating", lower: .init(5, inclusive: true), upper: .init(5, inclusive: true))
        #expect(try parser.parse("Rating:4,5").groups == [.any([.filter(four), .filter(five)])])
        // 2026-03-01T00:00:00Z, and the whole of March 2026.
        #expect(
            try parser.parse(#""Air Date":>=2026-03-01"#).filters == [
                .init(.fieldDate(name: "Air Date", lower: Date(timeIntervalSince1970: 1_772_323_200), upper: nil))
            ])
        #expect(
            try parser.parse(#""Air Date":2026-03"#).filters == [
                .init(
                    .fieldDate(
                        name: "Air Date", lower: Date(timeIntervalSince1970: 1_772_323_200), upper: Date(timeIntervalSince1970: 1_775_001_600)))
            ])
        // Relative ages, as `updated:` takes them: the moment 7 days before now.
        #expect(
            try parser.parse(#""Air Date":>7d"#).filters == [
                .init(.fieldDate(name: "Air Date", lower: Date(timeIntervalSince1970: 1_795_435_200), upper: nil))
            ])
    }

    @Test func booleanGroupsAndPrecedence() throws {
        let grouped = try parser.parse("(Brand:Acme OR hero) kind:file")
        #expect(grouped.filters == [.init(.kind([.file]))])
        #expect(grouped.groups == [.any([.filter(.field(name: "Brand", values: ["Acme"])), .term(.init(text: "hero"))])])
        // AND is juxtaposition; OR binds tighter; NOT and - negate what follows.
        let mixed = try parser.parse("A001 AND C001")
        #expect(mixed.clauses == [[.init(text: "A001")], [.init(text: "C001")]])
        let either = try parser.parse("label:approved OR Rating:5 interview")
        #expect(either.clauses == [[.init(text: "interview")]])
        #expect(
            either.groups == [
                .any([
                    .filter(.label(["approved"])),
                    .filter(.fieldNumber(name: "Rating", lower: .init(5, inclusive: true), upper: .init(5, inclusive: true))),
                ])
            ])
        let negated = try parser.parse("NOT draft -(label:rejected OR temp) -kind:folder")
        #expect(negated.exclusions == [.init(text: "draft")])
        #expect(negated.filters == [.init(.kind([.folder]), negated: true)])
        #expect(negated.groups == [.not(.any([.filter(.label(["rejected"])), .term(.init(text: "temp"))]))])
        // Words in parentheses alone are a clause of alternatives, as before.
        #expect(try parser.parse("(drone OR aerial) shot").clauses == [[.init(text: "drone"), .init(text: "aerial")], [.init(text: "shot")]])
        // A parenthesis inside a name stays text; an unclosed group closes at the end.
        #expect(try parser.parse("A001(2).mov").clauses == [[.init(text: "A001(2).mov")]])
        #expect(try parser.parse("(interview OR draft").clauses == [[.init(text: "interview"), .init(text: "draft")]])
        #expect(try parser.parse("interview)").clauses == [[.init(text: "interview)")]])
    }

    @Test func valuesNoFieldHasAreRefusedNotSilentlyEmpty() throws {
        #expect {
            try parser.parse(#""Review Status":Aproved"#)
        } throws: { error in
            "\(error)".contains("has no option 'Aproved'") && "\(error)".contains("Did you mean 'Approved'")
        }
        // Case and diacritics aside, and an option's ancestor in a tree, are options.
        #expect(try parser.parse(#""review status":approved"#).filters.count == 1)
        #expect(try parser.parse(#"Folders:"campaigns / 2026""#).filters.count == 1)
        #expect(throws: SearchQueryError.self) { try parser.parse("Notes:>4") }
        #expect(throws: SearchQueryError.self) { try parser.parse("Brand:>=Acme") }
        #expect(throws: SearchQueryError.self) { try parser.parse("Rating:high") }
        #expect(throws: SearchQueryError.self) { try parser.parse("Circled:maybe") }
        #expect(throws: SearchQueryError.self) { try parser.parse(#""Air Date":>soon"#) }
        // A wildcard is never refused: it may match options the catalog will learn.
        #expect(try parser.parse("Brand:Ac*").filters.count == 1)
    }

    @Test func foldingIsUnicodeAware() {
        #expect(TextFolding.fold("Søren Ødegaard") == TextFolding.fold("søren ødegaard"))
        #expect(TextFolding.fold("Über Archive") == TextFolding.fold("über archive") && TextFolding.fold("Über") == "uber")
        #expect(TextFolding.fold("ΣΟΦΙΑ") == TextFolding.fold("σοφια"))
        #expect(TextFolding.fold("Interview") == "interview")
    }
}

import CatalogCore
import Foundation
import HTTPSupport
import HTTPTypes
import TestSupport
import Testing

@testable import DashClient

func client(_ body: [UInt8]) -> DashClient {
    let requester = APIRequester(service: "Dash", credentials: nil, transport: CannedTransport(body: body), token: { _ in "t" })
    return DashClient(baseURL: "http://sandbox/dash/", requester: requester, pageSize: 100)
}

func fixture(_ name: String) throws -> [UInt8] { try TestSupport.fixture("dash/\(name)") }

@Suite struct DashDecodingTests {
    @Test func dashTimesTakeOnlyASCIIDigits() {
        #expect(DashTime.parse("2026-03-04T10:11:12.345Z") == 1_772_619_072_345)
        #expect(DashTime.parse("2026-03-04T10:11:12.5Z") == 1_772_619_072_500)
        // Arabic-Indic and fullwidth digits, a vulgar fraction: not a Dash time (these trapped before).
        for text in ["2026-03-04T10:11:12.٣٤٥Z", "2026-03-04T10:11:12.１２３Z", "2026-03-04T10:11:12.½Z"] {
            #expect(DashTime.parse(text) == nil, "\(text)")
        }
    }

    @Test func decodesTheBareFieldsArray() async throws {
        let fields = try await client(try fixture("fields.json")).fields()
        #expect(fields.map(\.name) == ["Folders", "Brand", "Description"])
        #expect(fields[0].hasFixedOptions && fields[0].hierarchical && fields[0].multiValue)
        #expect(!fields[2].hasFixedOptions)
    }

    @Test func decodesAnAssetPageAndResolvesMetadataForPeople() async throws {
        let page = try await client(try fixture("asset-search-page.json")).searchAssets(
            criterion: DashCriterion.matchAll, sorts: [], from: 0, what: "assets")
        #expect(page.totalResults == 12_345)
        #expect(page.elements.map(\.id) == ["a-1", "a-2"])
        let fields = try await client(try fixture("fields.json")).fields()
        func option(_ id: String, _ value: String, _ parent: String?) -> (option: DashFieldOption, parentID: String?) {
            let json = JSONValue.object([("id", .string(id)), ("value", .string(value))])
            return (DashFieldOption(id: id, value: value, fieldID: nil, position: nil, leaf: nil, numberOfChildren: nil, record: json), parent)
        }
        let mapper = DashItemMapper(
            fields: fields, foldersFieldID: "fld-folders",
            options: [
                option("opt-campaigns", "Campaigns", nil), option("opt-2026", "2026", "opt-campaigns"), option("opt-hero", "Hero", "opt-2026"),
                option("opt-brand", "Brand Library", nil), option("opt-logos", "Logos", "opt-brand"), option("opt-acme", "Acme", nil),
            ])
        let item = mapper.item(for: page.elements[0])
        #expect(item.kind == .asset && item.source == .dash)
        #expect(item.name == "trail_runner_hero.jpg")
        #expect(item.path == "Campaigns/2026/Hero/trail_runner_hero.jpg")
        #expect(item.folders == ["Campaigns/2026/Hero", "Brand Library/Logos"])
        #expect(item.metadata["Folders"] == ["Campaigns / 2026 / Hero", "Brand Library / Logos"])
        #expect(item.metadata["Brand"] == ["Acme"])
        #expect(item.metadata["Description"] == ["Hero shot, golden hour"])
        #expect(item.md5 == "5d41402abc4b2a76b9719d911017c592")
        #expect(item.state == "LIVE")
        #expect(item.mime == "image/jpeg")
        #expect(item.size == 8_421_337)
        #expect(item.updatedAt == Timestamp.parse("2026-03-01T10:00:00Z"))
        #expect(item.text.contains("Acme") && item.text.contains("golden hour"))
        #expect(!item.record.contains("X-Amz-Signature"))  // the signed preview URL is not content

        let unfiled = mapper.item(for: page.elements[1])
        #expect(unfiled.path == "scan.pdf" && unfiled.folders.isEmpty && unfiled.md5 == nil && unfiled.state == "STAGED")
    }

    @Test func theSameAssetWithAFreshPreviewURLHasTheSameDigest() async throws {
        let body = try fixture("asset-search-page.json")
        let resigned = Array(String(decoding: body, as: UTF8.self).replacingOccurrences(of: "abc123", with: "zzz999").utf8)
        let mapper = DashItemMapper(fields: [], foldersFieldID: "f", options: [])
        let a = try await client(body).searchAssets(criterion: DashCriterion.matchAll, sorts: [], from: 0, what: "a").elements[0]
        let b = try await client(resigned).searchAssets(criterion: DashCriterion.matchAll, sorts: [], from: 0, what: "b").elements[0]
        #expect(mapper.item(for: a).digest == mapper.item(for: b).digest)
    }

    @Test func aMalformedPageNamesWhatIsWrong() async throws {
        let bad = Array(#"{"results": [{"result": {"id": "x", "metadata": {"values": {"f": 42}}}}], "totalResults": 1}"#.utf8)
        await #expect {
            _ = try await client(bad).searchAssets(criterion: DashCriterion.matchAll, sorts: [], from: 0, what: "assets")
        } throws: { "\($0)".contains("metadata for field f") }
        let notAnEnvelope = Array(#"[1, 2]"#.utf8)
        await #expect {
            _ = try await client(notAnEnvelope).searchAssets(criterion: DashCriterion.matchAll, sorts: [], from: 0, what: "assets")
        } throws: { "\($0)".contains("totalResults") }
    }
}

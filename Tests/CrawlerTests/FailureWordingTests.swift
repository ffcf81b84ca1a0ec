import CatalogCore
import CatalogStore
import HTTPSupport
import Testing

@testable import Crawler

/// Library errors say what happened and leave the remedy, in command-line words, to the
/// executable: no message names a flag, an environment variable or a `catalog` command, and
/// each declares the exit status of its class.
struct FailureWordingTests {
    struct Case: Sendable {
        var failure: any CatalogFailure & Sendable
        var status: FailureClass
        var remedy: Remedy?
        init(_ failure: any CatalogFailure & Sendable, _ status: FailureClass, _ remedy: Remedy?) {
            self.failure = failure
            self.status = status
            self.remedy = remedy
        }
    }

    static let failures: [Case] = [
        Case(StoreError.missingDirectory(path: "/x/c.sqlite"), .database, .chooseCatalog),
        Case(StoreError.cannotOpen(path: "/x/c.sqlite", reason: "permission denied"), .database, .chooseCatalog),
        Case(StoreError.notACatalog(path: "/x/c.sqlite"), .database, .chooseCatalog),
        Case(StoreError.notARegularFile(path: "/x", kind: "a directory"), .database, .chooseCatalog),
        Case(StoreError.noCatalog(path: "/x/c.sqlite"), .database, .crawlFirst),
        Case(StoreError.needsUpgrade(path: "/x/c.sqlite"), .database, .upgradeWithWriteAccess),
        Case(StoreError.newerSchema(path: "/x/c.sqlite"), .database, nil),
        Case(StoreError.locked(path: "/x/c.sqlite"), .database, nil),
        Case(StoreError.diskFull(path: "/x/c.sqlite"), .database, nil),
        Case(StoreError.invalidSetting(name: "CATALOG_BUSY_TIMEOUT", value: "x", expected: "a number of seconds"), .configuration, nil),
        Case(
            APIError.unauthorized(service: "Frame.io V4", what: "the current user", credentials: .frameIOV4), .configuration,
            .credentials(service: .frameIOV4, signIn: false)),
        Case(
            APIError.unauthorized(service: "Dash", what: "the token refresh", credentials: .dash, signIn: true), .configuration,
            .credentials(service: .dash, signIn: true)),
        Case(APIError.gaveUp(service: "Dash", what: "page 3", attempts: 6, lastFailure: "HTTP 503"), .service, .easeOff),
        Case(
            APIError.unreachable(
                service: "Dash", what: "the current user", address: "http://127.0.0.1:9", reason: "connection refused", credentials: .dash),
            .service, .checkAddress(.dash)),
        Case(APIError.rejected(service: "Dash", what: "page 3", status: 400, message: "bad"), .service, nil),
        Case(APIError.malformedResponse(service: "Dash", what: "page 3", detail: "not JSON"), .service, nil),
        Case(DeltaRefusal.massDisappearance(source: .frameio, gone: 40, of: 100), .service, .force(.frameio)),
        Case(InconsistentListing(what: "children of folder f", readings: ["3 of 4"]), .service, nil),
        Case(UnboundedListing(what: "children of folder f", detail: "20 000 pages"), .service, nil),
        Case(DashCrawler.Failure.countMismatch(read: 3, expected: 4), .service, nil),
        Case(SearchQueryError.empty, .usage, .writeAQuery),
        Case(SearchQueryError.invalidValue(filter: "size", value: "big", expected: "a size"), .usage, nil),
    ]

    @Test(arguments: failures.indices) func aLibraryMessageNamesNoFlagVariableOrCommand(_ index: Int) {
        let (failure, status, remedy) = (Self.failures[index].failure, Self.failures[index].status, Self.failures[index].remedy)
        let text = failure.description
        for word in ["--", "CATALOG_DB", "FRAMEIO_", "DASH_TOKEN", "DASH_REFRESH", "`catalog "] {
            #expect(!text.contains(word), "\(text)")
        }
        #expect(failure.failureClass == status, "\(text)")
        #expect(failure.remedy == remedy, "\(text)")
    }
}

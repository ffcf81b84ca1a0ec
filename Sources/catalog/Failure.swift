import ArgumentParser
import CatalogCore
import CatalogStore
import Crawler
import Foundation
import HTTPSupport

/// Turns library errors into a message on stderr and a documented exit code.
enum Failure {
    static func exit(_ error: any Error) -> ExitCode {
        let code: Int32
        switch error {
        case let error as StoreError:
            if case .invalidSetting = error { code = 2 } else { code = 3 }
        case let error as APIError:
            if case .unauthorized = error { code = 2 } else { code = 4 }
        case is ConfigurationError: code = 2
        // The service's answers could not be trusted to make a complete catalog.
        case is DashCrawler.Failure, is DeltaRefusal, is InconsistentListing, is UnboundedListing: code = 4
        case is SearchQueryError: code = 64
        default: code = 1
        }
        Terminal.error("catalog: \(error)")
        return ExitCode(code)
    }
}

/// A missing or invalid setting, with what to set.
struct ConfigurationError: Error, CustomStringConvertible {
    var description: String
}

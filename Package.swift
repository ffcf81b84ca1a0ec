// swift-tools-version: 6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "catalog",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "catalog", targets: ["catalog"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        // Tests only: an independent CSV parser for round trips of exported reports.
        .package(url: "https://github.com/swiftcsv/SwiftCSV", from: "0.10.0"),
        // Tests only: property-based tests of the JSON parser and writer.
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
    ],
    targets: [
        .systemLibrary(
            name: "CXXHash",
            pkgConfig: "libxxhash",
            providers: [.apt(["libxxhash-dev"])]
        ),
        .target(
            name: "CatalogCore",
            dependencies: ["CXXHash"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "CatalogStore",
            dependencies: [
                "CatalogCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                // SQLite's progress handler, for queries with a time budget (counts, facets).
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "CatalogReports",
            dependencies: ["CatalogCore"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "HTTPSupport",
            dependencies: [
                "CatalogCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOHTTPCompression", package: "swift-nio-extras"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "FrameIOClient",
            dependencies: [
                "CatalogCore",
                "HTTPSupport",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "FrameIOV4Client",
            dependencies: [
                "CatalogCore",
                "HTTPSupport",
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "DashClient",
            dependencies: [
                "CatalogCore",
                "HTTPSupport",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Local volumes: mounts and volume identity, walking folders, hashing files.
        .target(
            name: "LocalFiles",
            dependencies: ["CatalogCore", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Crawler",
            dependencies: [
                "CatalogCore",
                "CatalogStore",
                "LocalFiles",
                "FrameIOClient",
                "FrameIOV4Client",
                "DashClient",
                "HTTPSupport",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The checks of local files against the catalog (`where`, `verify`): they read, never crawl.
        .target(
            name: "LocalChecks",
            dependencies: ["CatalogCore", "CatalogStore", "LocalFiles"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "CatalogSandbox",
            dependencies: [
                "CatalogCore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            resources: [.embedInCode("Resources/frameio-tree.json"), .embedInCode("Resources/dash-tenant.json")],
            swiftSettings: swiftSettings
        ),
        // `catalog pull`: a team host's snapshot downloaded, checked and put in place.
        .target(
            name: "CatalogPull",
            dependencies: [
                "CatalogCore",
                "CatalogStore",
                "CatalogReports",
                "HTTPSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "CatalogServer",
            dependencies: [
                "CatalogCore",
                .product(name: "Crypto", package: "swift-crypto"),
                "CatalogStore",
                "CatalogReports",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [
                .embedInCode("Resources/index.html"), .embedInCode("Resources/app.js"), .embedInCode("Resources/app.css"),
                .embedInCode("Resources/openapi.json"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "catalog",
            dependencies: [
                "CatalogCore",
                "CatalogPull",
                "CatalogServer",
                "CatalogStore",
                "Crawler",
                "LocalChecks",
                "LocalFiles",
                "FrameIOClient",
                "FrameIOV4Client",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                "DashClient",
                "HTTPSupport",
                "CatalogSandbox",
                "CatalogReports",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "catalog-bench",
            dependencies: [
                "CatalogCore",
                "LocalFiles",
                "CatalogStore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        // What several test targets share: a canned transport, the fixtures, a fresh catalog path.
        .target(
            name: "TestSupport", dependencies: ["HTTPSupport", "CatalogSandbox", .product(name: "HTTPTypes", package: "swift-http-types")],
            path: "Tests/TestSupport",
            swiftSettings: swiftSettings),
        .testTarget(
            name: "CatalogCoreTests",
            dependencies: ["CatalogCore", "TestSupport", .product(name: "PropertyBased", package: "swift-property-based")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LocalFilesTests",
            dependencies: ["TestSupport", "LocalFiles", "CatalogCore", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CatalogStoreTests",
            dependencies: ["TestSupport", "CatalogStore", "CatalogCore", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CatalogReportsTests",
            dependencies: ["CatalogReports", "CatalogCore", .product(name: "SwiftCSV", package: "SwiftCSV")],
            resources: [.copy("Golden")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "HTTPSupportTests",
            dependencies: ["TestSupport", "HTTPSupport", "CatalogCore", .product(name: "HTTPTypes", package: "swift-http-types")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "FrameIOClientTests",
            dependencies: ["TestSupport", "FrameIOClient", "HTTPSupport", "CatalogCore", .product(name: "HTTPTypes", package: "swift-http-types")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "FrameIOV4ClientTests",
            dependencies: ["TestSupport", "FrameIOV4Client", "HTTPSupport", "CatalogCore", .product(name: "HTTPTypes", package: "swift-http-types")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DashClientTests",
            dependencies: ["TestSupport", "DashClient", "HTTPSupport", "CatalogCore", .product(name: "HTTPTypes", package: "swift-http-types")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CrawlerTests",
            dependencies: [
                "TestSupport",
                "Crawler", "LocalChecks", "LocalFiles", "CatalogStore", "CatalogSandbox", "FrameIOClient", "FrameIOV4Client", "DashClient",
                "HTTPSupport",
                "CatalogCore", "CatalogReports", .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"), .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CatalogSandboxTests",
            dependencies: ["CatalogSandbox", "CatalogCore", .product(name: "HummingbirdTesting", package: "hummingbird")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CatalogServerTests",
            dependencies: [
                "CatalogServer", "CatalogStore", "CatalogCore", "TestSupport", .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: swiftSettings
        ),
        // Runs the `catalog` executable, a dependency so it is built with the tests, as a user would.
        .testTarget(
            name: "CLITests",
            dependencies: ["catalog", "CatalogCore", "TestSupport", "CatalogSandbox", "CatalogStore", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: swiftSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)

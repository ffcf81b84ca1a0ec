import Foundation
import Hummingbird
import Logging

/// The sandbox's HTTP server: serves ``FrameIOSandboxAPI`` under `/v2` on loopback.
public struct SandboxServer: Sendable {
    /// The Frame.io API.
    public let frameIO: FrameIOSandboxAPI
    /// The fake Dash API, served under `/dash`, its token endpoint under `/dash-login`.
    public let dash: DashSandboxAPI
    /// The Frame.io V4 API, served under `/v4`.
    public let frameIOV4: FrameIOV4SandboxAPI
    /// The fake Adobe IMS, served under `/ims`, when configured (``SandboxConfiguration/ims``).
    public let ims: IMSSandbox?
    /// The CDN stand-in every API's signed media addresses point to, under `/_media`.
    public let media: SandboxMedia
    /// Where to listen.
    public let configuration: SandboxConfiguration
    let logger: Logger

    /// Creates a server for a dataset.
    public init(
        frameIO: FrameIODataset, frameIOV4: FrameIOV4Dataset = .fixture(), dash: DashDataset = .empty,
        configuration: SandboxConfiguration, logger: Logger = Logger(label: "catalog.sandbox")
    ) {
        let media = SandboxMedia(expiredRate: configuration.expiredThumbnailRate)
        self.media = media
        self.frameIO = FrameIOSandboxAPI(dataset: frameIO, configuration: configuration, media: media)
        let ims = configuration.ims.map(IMSSandbox.init(settings:))
        self.ims = ims
        self.frameIOV4 = FrameIOV4SandboxAPI(dataset: frameIOV4, configuration: configuration, ims: ims, media: media)
        self.dash = DashSandboxAPI(dataset: dash, configuration: configuration, media: media)
        self.configuration = configuration
        self.logger = logger
    }

    /// Runs until cancelled; `onReady` receives the Frame.io base URL (e.g. `http://127.0.0.1:8421/v2`) once listening.
    public func run(onReady: @escaping @Sendable (_ urls: SandboxURLs) async -> Void = { _ in }) async throws {
        try await application(onReady: onReady).run()
    }

    /// The router: one route group per API (Frame.io v2 under `/v2`, Dash under `/dash`, the
    /// Dash token endpoint under `/dash-login`); anything else is a 404 naming where they live.
    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        frameIO.addRoutes(to: router.group("v2"))
        frameIOV4.addRoutes(to: router.group("v4"))
        ims?.addRoutes(to: router.group("ims"))
        dash.addRoutes(to: router.group("dash"))
        dash.addTokenRoute(to: router.group("dash-login"))
        media.addRoutes(to: router.group("_media"))
        router.sandboxFallback { _, _ in
            .frameIOError(status: 404, title: "Not Found", detail: "The Frame.io sandbox lives under /v2 and /v4, the Dash sandbox under /dash")
        }
        return router
    }

    /// The Hummingbird application serving every API.
    func application(onReady: @escaping @Sendable (_ urls: SandboxURLs) async -> Void) -> some ApplicationProtocol {
        let host = configuration.host
        let media = self.media
        var quietLogger = logger
        quietLogger.logLevel = .critical
        return Application(
            router: router(),
            configuration: .init(address: .hostname(host, port: configuration.port), serverName: "catalog-sandbox"),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                let shownHost = host.contains(":") ? "[\(host)]" : host
                let root = "http://\(shownHost):\(port)"
                media.listening(at: root)
                await onReady(
                    SandboxURLs(frameIO: root + "/v2", frameIOV4: root + "/v4", ims: root, dash: root + "/dash", dashAuth: root + "/dash-login"))
            },
            logger: quietLogger)
    }
}

/// Where a running sandbox answers.
public struct SandboxURLs: Sendable {
    /// The Frame.io v2 API base (`FRAMEIO_API_URL` ending in `/v2`).
    public var frameIO: String
    /// The Frame.io V4 API base (`FRAMEIO_API_URL` ending in `/v4`).
    public var frameIOV4: String
    /// The IMS base (`FRAMEIO_AUTH_URL`; its endpoints are `/ims/authorize/v2` and `/ims/token/v3`).
    public var ims: String
    /// The Dash API base (`DASH_API_URL`).
    public var dash: String
    /// The Dash token endpoint's base (`DASH_AUTH_URL`; the endpoint is `/oauth/token` below it).
    public var dashAuth: String
}

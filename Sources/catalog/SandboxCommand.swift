import ArgumentParser
import CatalogSandbox
import Foundation

/// `catalog sandbox`: a local fake of the Frame.io v2 API.
struct SandboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sandbox",
        abstract: "Serve local fakes of the Frame.io V4 and v2, Adobe IMS and Dash v2 APIs (loopback only unless --host says otherwise).",
        discussion: """
            Prints the base URLs, then serves until interrupted. Point a crawl at it:

              FRAMEIO_TOKEN=any FRAMEIO_API_URL=<printed /v4 URL> \\
              DASH_TOKEN=any DASH_API_URL=<printed /dash URL> catalog crawl

            Its limits, sign-in and faults, to test a crawler against: catalog sandbox --help-hidden.
            """)

    @OptionGroup(title: "The data served") var data: SandboxData
    @OptionGroup(title: "Limits, sign-in and faults (to test a crawler against)") var sandbox: SandboxOptions

    @Option(help: "Port to listen on (0 picks a free one).")
    var port = 8421

    @Option(help: "Address to bind. Anything but loopback exposes the sandbox to the network.")
    var host = "127.0.0.1"

    func run() async throws {
        let dataset = try data.dataset()
        let v4 = data.v4Dataset()
        let dash = try data.dashDataset()
        let configuration = try sandbox.configuration(host: host, port: port)
        let server = SandboxServer(frameIO: dataset, frameIOV4: v4, dash: dash, configuration: configuration)
        try await PortInUse.naming(host: host, port: port) {
            try await server.run { urls in
                let dashAuth =
                    configuration.dashAuth.map {
                        """
                        DASH_AUTH_URL=\(urls.dashAuth) DASH_CLIENT_ID=\($0.clientID) DASH_CLIENT_SECRET=\($0.clientSecret) \
                        DASH_REFRESH_TOKEN=\($0.refreshToken)
                        """
                    } ?? "DASH_TOKEN=sandbox"
                let faults = configuration.faults.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key.rawValue) \($0.value * 100)%" }
                let frameIOAuth =
                    configuration.ims.map {
                        """
                        FRAMEIO_AUTH_URL=\(urls.ims) FRAMEIO_CLIENT_ID=\($0.clientID) FRAMEIO_CLIENT_SECRET=\($0.clientSecret) \
                        FRAMEIO_REFRESH_TOKEN=\($0.refreshToken)
                        """
                    } ?? "FRAMEIO_TOKEN=sandbox"
                let text = """
                    \(faults.isEmpty ? "" : "Injecting faults: \(faults.joined(separator: ", ")) of requests\n")Frame.io V4:  \(urls.frameIOV4)  \
                    (\(v4.assets.count) assets in \(v4.projects.count) projects)
                    Frame.io v2:  \(urls.frameIO)  (\(dataset.liveAssetCount) assets in \(dataset.projects.count) projects)
                    Dash:         \(urls.dash)  (\(dash.assets.count) assets, \(dash.fields.count) fields, \(dash.options.count) options)
                    Crawl with:   \(frameIOAuth) FRAMEIO_API_URL=\(urls.frameIOV4) \\
                                  \(dashAuth) DASH_API_URL=\(urls.dash) \\
                                  catalog crawl

                    """
                FileHandle.standardOutput.write(Data(text.utf8))
            }
        }
    }
}

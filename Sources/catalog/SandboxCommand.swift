import ArgumentParser
import CatalogSandbox
import Foundation

/// `catalog sandbox`: a local fake of the Frame.io v2 API.
struct SandboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sandbox",
        abstract: "Serve a local fake of the Frame.io v2 API (loopback only unless --host says otherwise).",
        discussion: """
            Prints its base URL, then serves until interrupted. Point a crawl at it:
              FRAMEIO_TOKEN=any FRAMEIO_API_URL=<printed URL> catalog crawl
            """)

    @OptionGroup var sandbox: SandboxOptions

    @Option(help: "Port to listen on (0 picks a free one).")
    var port = 8421

    @Option(help: "Address to bind. Anything but loopback exposes the sandbox to the network.")
    var host = "127.0.0.1"

    func run() async throws {
        let dataset = try sandbox.dataset()
        let server = SandboxServer(frameIO: dataset, configuration: sandbox.configuration(host: host, port: port))
        try await server.run { url in
            let text = """
                Frame.io sandbox: \(url)  (\(dataset.liveAssetCount) assets in \(dataset.projects.count) projects)
                Crawl it with: FRAMEIO_TOKEN=sandbox FRAMEIO_API_URL=\(url) catalog crawl

                """
            FileHandle.standardOutput.write(Data(text.utf8))
        }
    }
}

import ArgumentParser
import CatalogCore
import CatalogStore
import Foundation
import LocalFiles

/// `catalog open ID|PATH`: the item's page in the Frame.io or Dash web app.
struct OpenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "open",
        abstract: "Open an item's page in the Frame.io or Dash web app (or print its address); a drive's file: its path.",
        discussion: """
            The address is printed on stdout and, where a desktop is available ($BROWSER, or xdg-open with a display, or macOS's open), opened in \
            the browser. Frame.io V4 items carry their address; v2 addresses are made from ids. Dash's API names none: set DASH_ASSET_URL to an \
            asset page's address with {id} where the id goes (e.g. https://acme.dash.app/asset/{id}).

            Examples:
              catalog open A001_C001_0301.mov
              catalog open file-a001 --print
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var reference: ItemReference

    @Flag(help: "Only print the address.")
    var print = false

    func run() async throws {
        Catalog.bootstrapLogging(verbose: global.verbose)
        let database = try global.openDatabase()
        let link = try global.webLink(database)
        let items = try reference.items(in: database)
        // Each address is made once (a V4 one parses the item's record).
        let pages = items.compactMap { item in link.url(for: item).map { (item: item, url: $0) } }
        if pages.isEmpty, let local = items.first(where: { $0.source == .local }) {
            // A file on a drive has no web page: where it is on disk, and its folder opened.
            let (path, mounted) = try Self.localPath(of: local, in: database)
            Terminal.output(path)
            if !mounted {
                Terminal.error("\(TerminalText.sanitize(local.path)) is on a volume that is not mounted there now (it was when last scanned)")
            } else if !print, let launcher = Self.launcher() {
                try Self.launch(launcher, local.kind.isContainer ? path : (path as NSString).deletingLastPathComponent)
                if !global.quiet { Terminal.error("opened the folder of \(local.name)") }
            }
            return
        }
        guard let (item, first) = pages.first else {
            throw NoWebPage(item: items[0], dashConfigured: link.dashAssetURL != nil)
        }
        for page in pages { Terminal.output(page.url) }
        guard !print else { return }
        if let launcher = Self.launcher() {
            try Self.launch(launcher, first)
            if !global.quiet { Terminal.error("opened \(item.name) in the browser") }
        }
    }

    /// Where a local item is on disk: its volume's mount point when last scanned, then its path
    /// inside the volume; and whether it is there now.
    static func localPath(of item: CatalogItem, in database: CatalogDatabase) throws -> (path: String, mounted: Bool) {
        let volumeID = item.projectID ?? item.id
        // Mounted: the volume is where it was scanned (the same volume, not another card in its
        // place), and the file is on it.
        let status = try database.items(source: .local, ids: [volumeID])[volumeID].map { VolumeStatus(item: $0) }
        let root = status?.mountedAt ?? "/"
        let relative = item.id == volumeID ? "" : String(item.id.dropFirst(volumeID.count + 1))
        let path = relative.isEmpty ? root : (root == "/" ? "/" : root + "/") + relative
        return (path, status?.online == true && FileManager.default.fileExists(atPath: path))
    }

    /// The program that opens an address in a browser here: `$BROWSER`, else on Linux
    /// `xdg-open` when a display is there, else macOS's `open`; nil without a desktop.
    static func launcher(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        func onPath(_ name: String) -> String? {
            (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map { "\($0)/\(name)" }.first {
                FileManager.default.isExecutableFile(atPath: $0)
            }
        }
        if let browser = environment["BROWSER"], !browser.isEmpty {
            return browser.hasPrefix("/") ? browser : onPath(browser)
        }
        #if os(macOS)
            return "/usr/bin/open"
        #else
            guard environment["DISPLAY"] != nil || environment["WAYLAND_DISPLAY"] != nil else { return nil }
            return onPath("xdg-open")
        #endif
    }

    /// Starts `launcher URL` without waiting for it or showing its output.
    static func launch(_ launcher: String, _ url: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: launcher)
        process.arguments = [url]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
    }
}

/// The item has no web page the catalog can name.
struct NoWebPage: Error, CatalogFailure, CustomStringConvertible {
    var item: CatalogItem
    var dashConfigured: Bool
    var failureClass: FailureClass {
        item.source == .dash && !dashConfigured ? .configuration : .failure
    }
    var description: String {
        if item.source == .dash && !dashConfigured {
            return
                """
                Dash's API gives no web address for its assets. Set DASH_ASSET_URL to the address of an asset page with {id} where the id goes \
                (open an asset in Dash and copy the address bar, e.g. https://acme.dash.app/asset/{id}).
                """
        }
        return
            "\(item.kind.displayName) '\(TerminalText.sanitize(item.name))' has no page of its own in the \(item.source.displayName) web app."
    }
}

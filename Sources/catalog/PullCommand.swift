import ArgumentParser
import CatalogCore
import CatalogPull
import CatalogReports
import CatalogStore
import Foundation
import HTTPSupport
import Synchronization

/// `catalog pull`: a team host's catalog onto this machine, for searching offline.
struct PullCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pull",
        abstract: "Copy a team host's catalog onto this machine, for searching offline.",
        discussion: """
            The first pull downloads the catalog that `catalog serve` keeps on a team host (a snapshot of it), with progress; a pull \
            cut short resumes where it stopped. Later pulls bring only what the host's crawls changed since. Either is checked (the \
            snapshot's size, XXH3-128 digest and integrity; the changed catalog's digest against the host's) before it replaces \
            anything: until then the catalog here is as it was. A pulled catalog answers every command as the host's does; Frame.io \
            and Dash are crawled on the host, drives can still be scanned here. The host's setup, tokens and what they show: \
            team.md (in share/doc/catalog/docs).

            Examples:
              catalog pull http://catalog.studio.lan:8420 --token "$TOKEN"
              catalog pull                    # again from where it came (the token is kept, 0600)
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(
        help: ArgumentHelp(
            "The team host's address, as its `catalog serve` prints it (default: where this catalog was pulled from).", valueName: "url"))
    var host: String?

    @Option(help: ArgumentHelp("The token the host gave you (default: CATALOG_PULL_TOKEN).", valueName: "token"))
    var token: String?

    @Flag(help: "Replace a catalog of this machine's own crawls, or one pulled from another host.")
    var replace = false

    func run() async throws {
        let (path, isDefault) = try global.databasePath()
        if isDefault {
            try? FileManager.default.createDirectory(
                atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path, withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700])
        }
        let environment = try Settings.environment()
        var address = host
        if address == nil, FileManager.default.fileExists(atPath: path) {
            address = try CatalogDatabase(path: path, access: .readOnly).pullOrigin()?.url
        }
        guard let address else {
            throw ValidationError(
                "give the team host's address, e.g. catalog pull http://catalog.studio.lan:8420 (this catalog was not pulled before)")
        }
        // The token given (or CATALOG_PULL_TOKEN), else the one kept for this host by the last
        // pull that was given one (the 0600 credentials file).
        let credentials = CredentialsFile.fromEnvironment(environment)
        let host = try CatalogPuller.normalized(address)
        let given = self.token ?? environment["CATALOG_PULL_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        let kept = credentials.section("pull")
        let token = given ?? (kept["url"] == host ? kept["token"] : nil)
        let puller = try CatalogPuller(host: host, token: token, databasePath: path, replace: replace)
        let display = PullDisplay(enabled: !global.quiet, onTerminal: Terminal.stderrIsTerminal)
        let report: CatalogPuller.Report
        do {
            report = try await puller.pull(progress: display.update)
            display.finish()
        } catch {
            display.finish()
            throw error
        }
        if let given, given != kept["token"] || kept["url"] != host {
            // Kept for the next `catalog pull` (a failure to keep it costs nothing now).
            try? credentials.write(section: "pull", ["url": host, "token": given])
        }
        guard !global.quiet else { return }
        if report.upToDate {
            Terminal.say("\(path) is up to date with \(report.origin.url) (\(Count.of(report.items, "item"))).")
            return
        }
        if let rows = report.changedRows {
            Terminal.say(
                """
                pulled what changed from \(report.origin.url): \(Count.of(rows, "row")) in \(ByteCount.format(report.transferred)); \
                \(path) holds \(Count.of(report.items, "item")), checked against the host's digest.
                """)
            return
        }
        if let reason = report.snapshotReason { Terminal.say("the whole catalog is pulled: \(reason)") }
        let resumed = report.resumedFrom > 0 ? ", \(ByteCount.format(report.resumedFrom)) of it from the pull before" : ""
        Terminal.say(
            """
            pulled \(Count.of(report.items, "item")) from \(report.origin.url) (\(ByteCount.format(report.size))\(resumed)) into \(path); \
            checked and in place.
            """)
    }
}

/// The download on one line of a terminal, redrawn as bytes arrive (at most four times a
/// second), or in a log a line every 10 s and at each phase: phase, bytes of the total, rate,
/// time left, time so far.
final class PullDisplay: Sendable {
    private struct State {
        var drawnAt: ContinuousClock.Instant?
        var samples: [(seconds: Double, bytes: Int64)] = []
        var drawn = false
    }

    private let enabled: Bool
    /// On a terminal one line redrawn; in a log (cron, systemd) a line every ``logInterval``.
    private let onTerminal: Bool
    private let started = ContinuousClock.now
    private let state = Mutex(State())

    /// How often a log gets a line.
    static let logInterval: Duration = .seconds(10)

    init(enabled: Bool, onTerminal: Bool) {
        self.enabled = enabled
        self.onTerminal = onTerminal
    }

    var update: @Sendable (CatalogPuller.Progress) -> Void { { [self] in draw($0) } }

    private func draw(_ progress: CatalogPuller.Progress) {
        guard enabled else { return }
        let now = ContinuousClock.now
        let elapsed = Double((now - started).components.seconds) + Double((now - started).components.attoseconds) / 1e18
        let line: String? = state.withLock { state in
            let every = onTerminal ? Duration.milliseconds(250) : Self.logInterval
            if let at = state.drawnAt, now - at < every, progress.phase == "downloading" { return nil }
            state.drawnAt = now
            state.samples.append((elapsed, progress.received))
            state.samples.removeAll { elapsed - $0.seconds > 10 }
            state.drawn = onTerminal
            var parts = ["pull: \(progress.phase)"]
            let share = progress.total > 0 ? " (\(Int(100 * Double(progress.received) / Double(progress.total)))%)" : ""
            parts.append("\(ByteCount.format(progress.received)) of \(ByteCount.format(progress.total))\(share)")
            if let first = state.samples.first, let last = state.samples.last, last.seconds - first.seconds >= 1 {
                let rate = Double(last.bytes - first.bytes) / (last.seconds - first.seconds)
                if rate > 0 {
                    parts.append("\(ByteCount.format(Int64(rate)))/s")
                    if progress.total > progress.received {
                        parts.append("ETA \(ProgressDisplay.duration(Double(progress.total - progress.received) / rate))")
                    }
                }
            }
            parts.append(ProgressDisplay.duration(elapsed))
            guard onTerminal else { return Timestamp.format(Date()) + " " + parts.joined(separator: ", ") + "\n" }
            return "\r\u{1B}[2K" + DisplayWidth.truncate(parts.joined(separator: " · "), to: max(20, Terminal.errorColumns - 1))
        }
        if let line { FileHandle.standardError.write(Data(line.utf8)) }
    }

    /// Clears the line.
    func finish() {
        let drawn = state.withLock { $0.drawn }
        if drawn { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)) }
    }
}

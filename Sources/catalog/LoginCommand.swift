import ArgumentParser
import CatalogCore
import Crypto
import Foundation
import FrameIOV4Client
import HTTPSupport
import Hummingbird
import Logging
import ServiceLifecycle
import Synchronization

/// `catalog login frameio`: signs in to Frame.io V4 through Adobe IMS (authorization code with
/// PKCE, redirected to a loopback listener, or pasted back) and keeps the refresh token in the
/// credentials file (mode 0600), where `catalog crawl frameio` finds it.
struct LoginCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "login",
        abstract: "Sign in to Frame.io V4 (Adobe IMS) and keep the refresh token for crawls.",
        discussion: """
            Needs FRAMEIO_CLIENT_ID (the client id of your Adobe Developer Console project, whose redirect URI allows http://127.0.0.1), and \
            FRAMEIO_CLIENT_SECRET for a confidential client. Prints a URL to open in a browser; after you sign in, the browser is sent back to a \
            listener on 127.0.0.1 and the sign-in completes by itself. On a machine without a browser, open the URL elsewhere and paste the address \
            you were sent to (or its code) here. FRAMEIO_AUTH_URL (default \(IMSAuth.defaultAuthURL)) and FRAMEIO_SCOPES (default \
            \(IMSAuth.defaultUserScopes)) change where and what it asks. The refresh token is written to the credentials file ($CATALOG_CREDENTIALS, \
            else ~/.config/catalog/credentials.json), never printed.

            Examples:
              catalog login frameio
              catalog login frameio --paste      # on a machine without a browser
            """)

    @Argument(help: "The service to sign in to: frameio.")
    var service: String

    @Option(help: "The loopback port the browser is sent back to (0 picks a free one; it must match the redirect URI your client allows).")
    var port = 8400

    @Flag(help: "Do not listen for the redirect: paste the address (or code) instead.")
    var paste = false

    @Flag(name: .shortAndLong, help: "Print less.")
    var quiet = false

    func validate() throws {
        guard service.lowercased() == "frameio" else {
            throw ValidationError("unknown service '\(service)': `catalog login` signs in to frameio (Dash takes DASH_TOKEN or DASH_REFRESH_TOKEN)")
        }
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
    }

    func run() async throws {
        Catalog.bootstrapLogging(verbose: false)
        let environment = try Settings.environment()
        guard let clientID = try SignIn.secret("FRAMEIO_CLIENT_ID", in: environment) else {
            throw ConfigurationError(
                description:
                    """
                    FRAMEIO_CLIENT_ID is not set. Set it to the client id of your Adobe Developer Console project (with a redirect URI \
                    allowing http://127.0.0.1) and run `catalog login frameio` again.
                    """
            )
        }
        let clientSecret = try SignIn.secret("FRAMEIO_CLIENT_SECRET", in: environment)
        let authURL = try SignIn.url(
            SignIn.value("FRAMEIO_AUTH_URL", in: environment), default: IMSAuth.defaultAuthURL, name: "FRAMEIO_AUTH_URL")
        let scopes = SignIn.value("FRAMEIO_SCOPES", in: environment) ?? IMSAuth.defaultUserScopes
        let verifier = PKCE.verifier()
        let state = PKCE.verifier(length: 24)
        let codes = AsyncStream<(code: String, state: String?, redirect: String)>.makeStream()
        let credentials = CredentialsFile.fromEnvironment(environment)
        let exchange = { (code: String, redirect: String) async throws in
            var form = [
                ("grant_type", "authorization_code"), ("client_id", clientID), ("code", code), ("code_verifier", verifier),
                ("redirect_uri", redirect),
            ]
            if let clientSecret { form.append(("client_secret", clientSecret)) }
            let json = try await IMSAuth.post(form: form, authURL: authURL, transport: AsyncHTTPClientTransport())
            guard let refresh = json["refresh_token"]?.stringValue, !refresh.isEmpty else {
                throw ConfigurationError(
                    description:
                        "Adobe IMS signed you in but gave no refresh token: add the offline_access scope (FRAMEIO_SCOPES) and sign in again.")
            }
            try credentials.write(
                section: IMSAuth.credentialsSection,
                ["client_id": clientID, "refresh_token": refresh, "origin": CredentialsFile.fingerprint(refresh), "auth_url": authURL])
        }
        @Sendable func authorizeURL(redirect: String) -> String {
            var components = URLComponents(string: authURL + "/ims/authorize/v2") ?? URLComponents()
            components.queryItems = [
                URLQueryItem(name: "client_id", value: clientID), URLQueryItem(name: "redirect_uri", value: redirect),
                URLQueryItem(name: "response_type", value: "code"), URLQueryItem(name: "scope", value: scopes),
                URLQueryItem(name: "code_challenge", value: PKCE.challenge(for: verifier)),
                URLQueryItem(name: "code_challenge_method", value: "S256"), URLQueryItem(name: "state", value: state),
            ]
            return components.string ?? authURL
        }
        // Pasted answers: the address the browser was sent to, or the code alone.
        let pasteRedirect = "http://127.0.0.1:\(port == 0 ? 8400 : port)/callback"
        let paste = self.paste
        Thread.detachNewThread {
            // Pasting is the only way back: the end of the input ends the wait (nothing was pasted).
            defer { if paste { codes.continuation.finish() } }
            while let line = readLine() {
                let text = line.trimmingCharacters(in: .whitespaces)
                guard !text.isEmpty else { continue }
                if let components = URLComponents(string: text), let code = components.queryItems?.first(where: { $0.name == "code" })?.value {
                    codes.continuation.yield((code, components.queryItems?.first { $0.name == "state" }?.value, pasteRedirect))
                } else {
                    codes.continuation.yield((text, nil, pasteRedirect))
                }
            }
        }
        let instructions: @Sendable (String, String?) -> Void = { url, listening in
            // The address on a line of its own, never wrapped: it is copied or clicked whole.
            let address = "Open this address in a browser and sign in to Frame.io:\n\n  \(url)\n\n"
            var text = ""
            if let listening {
                text +=
                    """
                    Waiting for the browser to come back to \(listening) … (on a machine without a browser, paste the address you were sent \
                    to, or its code, and press Enter)\n
                    """
            } else {
                text += "Then paste the address the browser was sent to (it may not load; that is fine), or its code, and press Enter:\n"
            }
            FileHandle.standardOutput.write(Data((address + Terminal.fitted(text)).utf8))
        }
        if paste {
            instructions(authorizeURL(redirect: pasteRedirect), nil)
        } else {
            try await LoopbackListener.start(port: port, codes: codes.continuation) { redirect in
                instructions(authorizeURL(redirect: redirect), redirect)
            }
        }
        for await answer in codes.stream {
            if let returned = answer.state, returned != state {
                Terminal.error("catalog: that sign-in answer belongs to another sign-in (its state does not match); paste the newest one")
                continue
            }
            try await exchange(answer.code, answer.redirect)
            if !quiet {
                Terminal.output(
                    """
                    Signed in to Frame.io through Adobe IMS. The refresh token is kept in \(credentials.path) (readable by you alone); \
                    `catalog crawl frameio` uses it.
                    """
                )
            }
            Foundation.exit(0)
        }
        throw ConfigurationError(
            description: "the sign-in was not finished: the input ended before an address or code was pasted. Run `catalog login frameio` again.")
    }
}

/// `catalog logout frameio`: forgets the sign-in `catalog login` kept.
struct LogoutCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logout", abstract: "Forget the Frame.io sign-in `catalog login frameio` kept (its refresh token).")

    @Argument(help: "The service: frameio.")
    var service = "frameio"

    @Flag(name: .shortAndLong, help: "Print nothing.")
    var quiet = false

    func validate() throws {
        guard service.lowercased() == "frameio" else {
            throw ValidationError("unknown service '\(service)': `catalog logout` forgets the frameio sign-in (Dash is signed in by its variables)")
        }
    }

    func run() async throws {
        let credentials = CredentialsFile.fromEnvironment(try Settings.environment())
        let forgotten = try credentials.remove(section: IMSAuth.credentialsSection)
        guard !quiet else { return }
        Terminal.say(
            forgotten
                ? "Signed out of Frame.io: the refresh token is gone from \(credentials.path). (Adobe IMS still lists the sign-in until it expires.)"
                : "No Frame.io sign-in is kept in \(credentials.path); nothing to forget.")
    }
}

/// PKCE (RFC 7636) verifiers and their S256 challenges.
enum PKCE {
    static let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")

    static func verifier(length: Int = 64) -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<length).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] })
    }

    static func challenge(for verifier: String) -> String {
        Data(SHA256.hash(data: Data(verifier.utf8))).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}

/// The loopback listener the browser is redirected to: answers `GET /callback?code=…&state=…`
/// with a page saying the sign-in is done, and hands the code on.
enum LoopbackListener {
    static func start(
        port: Int, codes: AsyncStream<(code: String, state: String?, redirect: String)>.Continuation,
        onReady: @escaping @Sendable (_ redirect: String) -> Void
    ) async throws {
        let router = Router()
        let redirect = Mutex("")
        router.get("callback") { request, _ -> Response in
            let query = request.uri.queryParameters
            guard let code = query["code"].map(String.init), !code.isEmpty else {
                let reason = query["error_description"].map(String.init) ?? query["error"].map(String.init) ?? "no code"
                Terminal.error("catalog: the sign-in was not completed: \(TerminalText.sanitize(reason))")
                return Response(
                    status: .badRequest, headers: [.contentType: "text/plain; charset=utf-8"],
                    body: .init(byteBuffer: .init(string: "The sign-in was not completed. You can close this tab.")))
            }
            codes.yield((code, query["state"].map(String.init), redirect.withLock { $0 }))
            return Response(
                status: .ok, headers: [.contentType: "text/plain; charset=utf-8"],
                body: .init(byteBuffer: .init(string: "Signed in to catalog. You can close this tab.")))
        }
        var quiet = Logger(label: "catalog.login")
        quiet.logLevel = .critical
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: port), serverName: "catalog-login"),
            onServerRunning: { channel in
                let url = "http://127.0.0.1:\(channel.localAddress?.port ?? port)/callback"
                redirect.withLock { $0 = url }
                onReady(url)
            }, logger: quiet)
        Task { try await app.runService() }
    }
}

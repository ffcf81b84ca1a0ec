import CatalogCore
import CatalogStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

@testable import CatalogServer

/// `catalog serve`'s API and pages, against a real listening server (HummingbirdTesting's live
/// mode: a socket on loopback and an HTTP client).
@Suite struct CatalogServerTests {
    static let hostile = "<img src=x onerror=alert(1)>.mov"

    /// A catalog with a version stack, a hostile name, a Dash asset and two copies of one file.
    static func catalog() async throws -> CatalogDatabase {
        let database = try CatalogDatabase.inMemory()
        let session = try database.beginCrawl(source: .frameio)
        func file(_ id: String, _ name: String, parent: String, path: String, size: Int64, xxh64: String? = nil) -> CatalogItem {
            CatalogItem(
                source: .frameio, id: id, kind: .file, name: name, parentID: parent, projectID: "p1", path: path, size: size, mime: "video/quicktime",
                createdAt: Date(timeIntervalSince1970: 1_700_000_000 + Double(size)), xxh64: xxh64, record: #"{"id":"\#(id)"}"#)
        }
        try await database.stage(
            [
                CatalogItem(source: .frameio, id: "a1", kind: .account, name: "Studio", parentID: nil, projectID: nil, path: "Studio", record: "{}"),
                CatalogItem(
                    source: .frameio, id: "p1", kind: .project, name: "Spring Spot", parentID: "a1", projectID: "p1", path: "Studio/Spring Spot",
                    record: "{}"),
                CatalogItem(
                    source: .frameio, id: "vs", kind: .versionStack, name: "Cut", parentID: "p1", projectID: "p1", path: "Studio/Spring Spot/Cut",
                    record: "{}"),
                file("v1", "Cut v1.mov", parent: "vs", path: "Studio/Spring Spot/Cut/Cut v1.mov", size: 100),
                file("v2", "Cut v2.mov", parent: "vs", path: "Studio/Spring Spot/Cut/Cut v2.mov", size: 200),
                file("h", Self.hostile, parent: "p1", path: "Studio/Spring Spot/\(Self.hostile)", size: 300, xxh64: "00000000000000aa"),
                file("h2", "copy.mov", parent: "p1", path: "Studio/Spring Spot/copy.mov", size: 300, xxh64: "00000000000000aa"),
            ], in: session)
        try await database.complete(session, stats: CrawlStats())
        let dash = try database.beginCrawl(source: .dash)
        try await database.stage(
            [
                CatalogItem(
                    source: .dash, id: "d1", kind: .asset, name: "hero.jpg", parentID: nil, projectID: nil, path: "Brand/Logos/hero.jpg", size: 50,
                    mime: "image/jpeg", record: #"{"id":"d1"}"#, state: "LIVE", folders: ["Brand/Logos"], metadata: ["Review Status": ["In Review"]])
            ], in: dash)
        try await database.complete(dash, stats: CrawlStats())
        return database
    }

    static func app(token: String? = nil) async throws -> some ApplicationProtocol {
        let server = CatalogServer(database: try await catalog(), link: WebLink(frameIOAPI: .v2, dashAssetURL: nil), token: token)
        return Application(router: server.router())
    }

    static func json(_ response: TestResponse) throws -> JSONValue {
        try JSONParser.parse(Array(response.body.readableBytesView))
    }

    /// DNS rebinding: a page on another domain that resolves to 127.0.0.1 is refused; loopback
    /// names and --allow-host names are answered; a name that starts with 127. is no loopback.
    @Test func onlyLoopbackAndAllowedHostsAreAnswered() async throws {
        let database = try await Self.catalog()
        let link = WebLink(frameIOAPI: .v2, dashAssetURL: nil)
        try await Application(router: CatalogServer(database: database, link: link, token: nil).router()).test(.router) { client in
            for host in ["127.0.0.1:8420", "localhost:8420", "[::1]:8420", "LOCALHOST"] {
                let ok = try await client.execute(uri: "/api/status", method: .get, headers: [HTTPField.Name("Host")!: host])
                #expect(ok.status == .ok, "\(host)")
            }
            for host in ["evil.example:8420", "127.0.0.1.evil.example", "attacker.test"] {
                let refused = try await client.execute(uri: "/api/search?q=interview", method: .get, headers: [HTTPField.Name("Host")!: host])
                #expect(refused.status == .forbidden, "\(host)")
                #expect(String(buffer: refused.body).contains("--allow-host"), "\(host)")
            }
        }
        let allowing = CatalogServer(database: database, link: link, token: nil, allowHosts: ["studio.local"])
        try await Application(router: allowing.router()).test(.router) { client in
            let ok = try await client.execute(uri: "/api/status", method: .get, headers: [HTTPField.Name("Host")!: "studio.local:8420"])
            #expect(ok.status == .ok)
        }
        #expect(CatalogServer.isLoopback("127.0.0.1") && CatalogServer.isLoopback("127.1.2.3") && CatalogServer.isLoopback("::1"))
        #expect(
            !CatalogServer.isLoopback("127.example.com") && !CatalogServer.isLoopback("127.0.0.1.nip.io") && !CatalogServer.isLoopback("10.0.0.1"))
        #expect(HostCheck.hostname("[::1]:8420") == "[::1]" && HostCheck.hostname("Example.ORG:80") == "example.org")
    }

    @Test func searchAnswersWithItemsCountsAndFacets() async throws {
        try await Self.app().test(.router) { client in
            let response = try await client.execute(uri: "/api/search?q=cut&limit=1", method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json; charset=utf-8")
            let answer = try Self.json(response)
            // More matches than the page: not counted unless asked, no facets unless asked.
            #expect(answer["more"] == .bool(true) && answer["total"] == .null && answer["facets"] == nil, "\(answer)")
            #expect(answer["items"]?.arrayValue?.count == 1)
            #expect(answer["items"]?.arrayValue?.first?["project"]?.stringValue == "Spring Spot")
            let counted = try Self.json(try await client.execute(uri: "/api/search?q=cut&limit=1&count=true&facets=1", method: .get))
            #expect(counted["total"]?.int64Value == 3)  // the stack and its two versions
            #expect(counted["facets"]?["kind"]?.arrayValue?.isEmpty == false)
            let summary = try Self.json(try await client.execute(uri: "/api/summary?q=cut", method: .get))
            #expect(summary["total"]?.int64Value == 3 && summary["total_is_at_least"] == .bool(false), "\(summary)")
            let kinds = summary["facets"]?["kind"]?.arrayValue ?? []
            #expect(kinds.contains { $0["value"]?.stringValue == "file" && $0["count"]?.int64Value == 2 && $0["filter"]?.stringValue == "kind:file" })
            // A custom field: the Dash asset's metadata, with the filter that narrows to it.
            let fields = try Self.json(try await client.execute(uri: "/api/summary?q=source:dash", method: .get))["field_facets"]?.arrayValue ?? []
            #expect(fields.first?["field"]?.stringValue == "Review Status", "\(fields)")
            #expect(fields.first?["values"]?.arrayValue?.first?["filter"]?.stringValue == "\"Review Status\":\"In Review\"", "\(fields)")
            #expect(fields.first?["values"]?.arrayValue?.first?["count"]?.int64Value == 1)
            let projects = summary["facets"]?["project"]?.arrayValue ?? []
            #expect(projects.first?["filter"]?.stringValue == "project:\"Spring Spot\"", "\(projects)")
            // A file is a file in every source: the Dash asset is one too.
            let sorted = try Self.json(try await client.execute(uri: "/api/search?q=kind:file&sort=size", method: .get))
            #expect(sorted["items"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == ["h", "h2", "v2", "v1", "d1"])
            // The page holds the last match: the total is exact without counting.
            #expect(sorted["more"] == .bool(false) && sorted["total"]?.int64Value == 5)
            // As a browser's URLSearchParams writes it: + is a space, %2B a plus.
            let form = try Self.json(try await client.execute(uri: "/api/search?q=cut+kind%3Afile&facets=false", method: .get))
            #expect(form["query"]?.stringValue == "cut kind:file" && form["total"]?.int64Value == 2, "\(form)")
            let plus = try Self.json(try await client.execute(uri: "/api/search?q=a%2Bb", method: .get))
            #expect(plus["query"]?.stringValue == "a+b", "\(plus)")
            // A query string the form decoder cannot read is a 400 that says why, not a guess.
            for bad in ["q=cut&q=kind:file", "q=%E0%A4%A", "q[x]=cut"] {
                let answer = try await client.execute(uri: "/api/search?\(bad)", method: .get)
                #expect(answer.status == .badRequest, "\(bad)")
                let body = try Self.json(answer)
                #expect(body["error"]?.stringValue?.isEmpty == false, "\(bad): \(body)")
            }
            let page = try Self.json(try await client.execute(uri: "/api/search?q=kind:file&sort=size&limit=2&offset=2", method: .get))
            #expect(page["items"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == ["v2", "v1"])
        }
    }

    /// A picture in the thumbnail cache is named by the items it shows and served by its content
    /// address; nothing else on disk is reachable through that route.
    @Test func thumbnailsAreServedFromTheCache() async throws {
        let database = try await Self.catalog()
        let directory = scratchURL.appendingPathComponent("catalog-thumbs-\(UUID().uuidString)").path
        let cache = ThumbnailCache(database: database, directory: directory)
        let picture: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 1, 2, 3]
        let v1 = try #require(try database.items(source: .frameio, ids: ["v1"])["v1"])
        try await cache.store(picture, ext: "png", for: v1)
        let server = CatalogServer(database: database, link: WebLink(frameIOAPI: .v2, dashAssetURL: nil), token: nil, thumbnails: cache)
        try await Application(router: server.router()).test(.router) { client in
            let answer = try Self.json(try await client.execute(uri: "/api/search?q=kind:file&sort=size", method: .get))
            let items = answer["items"]?.arrayValue ?? []
            let address = try #require(items.first { $0["id"]?.stringValue == "v1" }?["thumbnail"]?.stringValue)
            #expect(address == "/thumbnails/" + Digest.xxh3_128(picture).hex + ".png")
            #expect(items.first { $0["id"]?.stringValue == "v2" }?["thumbnail"] == .null, "no picture: null")
            let item = try Self.json(try await client.execute(uri: "/api/items/frameio/v1", method: .get))
            #expect(item["item"]?["thumbnail"]?.stringValue == address)
            let response = try await client.execute(uri: address, method: .get)
            #expect(response.status == .ok && response.headers[.contentType] == "image/png")
            #expect(Array(response.body.readableBytesView) == picture)
            for uri in ["/thumbnails/..%2F..%2Fetc%2Fpasswd", "/thumbnails/" + String(repeating: "0", count: 32) + ".png", "/thumbnails/x.png"] {
                #expect(try await client.execute(uri: uri, method: .get).status == .notFound, "\(uri)")
            }
        }
        try? FileManager.default.removeItem(atPath: directory)
    }

    @Test func badParametersAndQueriesAre400WithAMessage() async throws {
        try await Self.app().test(.router) { client in
            for (uri, message) in [
                ("/api/search?q=kind:flie", "invalid value 'flie' for filter 'kind:'"),
                ("/api/search?q=knd:file", "Did you mean"),
                ("/api/search?limit=0", "limit must be a whole number from 1 to 1000"),
                ("/api/search?limit=abc", "limit must be"),
                ("/api/search?sort=colour", "sort must be one of relevance"),
                ("/api/search?count=maybe", "count must be true or false"),
                ("/api/dupes?probable=null", "probable must be true or false"),
                ("/api/ls?source=", "source must be frameio or dash"),
                ("/api/summary?q=kind:flie", "invalid value 'flie' for filter 'kind:'"),
                ("/api/items/nowhere/x", "no source 'nowhere'"),
                ("/api/dupes?min_size=lots", "min_size must be a size"),
                ("/api/changes?since=yesterdayish", "since must be a crawl id or a date"),
                ("/api/ls?source=ftp", "source must be frameio or dash"),
            ] {
                let response = try await client.execute(uri: uri, method: .get)
                #expect(response.status == .badRequest, "\(uri)")
                let error = try Self.json(response)["error"]?.stringValue ?? ""
                #expect(error.contains(message), "\(uri): \(error)")
            }
            let unknown = try await client.execute(uri: "/api/search?q=knd:file", method: .get)
            #expect(try Self.json(unknown)["suggestions"]?.arrayValue?.first?.stringValue == "kind", "a mistyped filter gets the CLI's suggestion")
            for uri in ["/api/items/frameio/nope", "/api/ls?path=No/Such", "/api/whatever"] {
                #expect(try await client.execute(uri: uri, method: .get).status == .notFound, "\(uri)")
            }
            // Read-only: any other method is refused, on any path, saying what is allowed.
            for (uri, method) in [("/api/search", HTTPRequest.Method.post), ("/api/status", .trace), ("/", .delete)] {
                let refused = try await client.execute(uri: uri, method: method)
                #expect(refused.status == .methodNotAllowed && refused.headers[.allow] == "GET, HEAD", "\(method) \(uri)")
            }
            // A blank query, or one of characters no index holds, counts everything.
            let everything = try Self.json(try await client.execute(uri: "/api/summary?q=%F1%9D%BB%BC", method: .get))
            #expect(everything["total"]?.int64Value == 8, "\(everything)")
        }
    }

    @Test func itemsFoldersDupesChangesAndStatus() async throws {
        try await Self.app().test(.router) { client in
            let item = try Self.json(try await client.execute(uri: "/api/items/frameio/v1", method: .get))
            #expect(item["item"]?["url"]?.stringValue == "https://app.frame.io/player/v1")
            #expect(item["versions"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == ["v2", "v1"])
            #expect(
                item["ancestors"]?.arrayValue?.compactMap { $0["path"]?.stringValue } == ["Studio", "Studio/Spring Spot", "Studio/Spring Spot/Cut"])
            let copy = try Self.json(try await client.execute(uri: "/api/items/frameio/h2", method: .get))
            #expect(copy["same_content"]?.arrayValue?.first?["id"]?.stringValue == "h")
            let top = try Self.json(try await client.execute(uri: "/api/ls", method: .get))
            #expect(top["entries"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["Brand", "Studio"])
            let dash = try Self.json(try await client.execute(uri: "/api/ls?path=Brand", method: .get))
            #expect(dash["entries"]?.arrayValue?.first?["folder"] == .bool(true))
            let dupes = try Self.json(try await client.execute(uri: "/api/dupes", method: .get))
            #expect(dupes["groups"]?.arrayValue?.count == 1 && dupes["summary"]?["groups"]?.int64Value == 1)
            let changes = try Self.json(try await client.execute(uri: "/api/changes?since=0", method: .get))
            #expect(changes["changes"]?.arrayValue?.isEmpty == true, "first crawls log no changes")
            let status = try Self.json(try await client.execute(uri: "/api/status", method: .get))
            #expect(status["sources"]?.arrayValue?.compactMap { $0["items"]?.int64Value } == [7, 1])
            let openAPI = try Self.json(try await client.execute(uri: "/api/openapi.json", method: .get))
            let paths = Set(openAPI["paths"]?.objectMembers?.map(\.key) ?? [])
            #expect(
                paths == [
                    "/api", "/api/search", "/api/summary", "/api/items/{source}/{id}", "/api/ls", "/api/status", "/api/dupes", "/api/changes",
                    "/api/snapshot", "/api/sync",
                    "/api/openapi.json",
                ])
        }
    }

    /// A hostile name travels as JSON text; the pages carry a strict policy and draw names as text.
    @Test func hostileNamesStayTextAndPagesCarryAStrictPolicy() async throws {
        try await Self.app().test(.router) { client in
            let answer = try Self.json(try await client.execute(uri: "/api/search?q=onerror", method: .get))
            #expect(answer["items"]?.arrayValue?.first?["name"]?.stringValue == Self.hostile)
            for page in ["/", "/item/frameio/h", "/browse?path=Studio", "/dupes", "/changes", "/status"] {
                let response = try await client.execute(uri: page, method: .get)
                #expect(response.status == .ok, "\(page)")
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                let policy = response.headers[HTTPField.Name("Content-Security-Policy")!] ?? ""
                #expect(policy.contains("default-src 'none'") && policy.contains("script-src 'self'") && !policy.contains("unsafe"), "\(policy)")
            }
            let script = String(buffer: try await client.execute(uri: "/app.js", method: .get).body)
            #expect(script.contains("textContent") && !script.contains("innerHTML") && !script.contains("eval("))
            // Errors carry the policy and the API's one error body: the API's own 404, a write
            // (405, with Allow), and Hummingbird's own 404 for a path no route has.
            for (uri, method, status) in [
                ("/api/nosuch", HTTPRequest.Method.get, HTTPResponse.Status.notFound), ("/api/search", .post, .methodNotAllowed),
                ("/no/such/page", .get, .notFound), ("/thumbnails/nosuch.png", .get, .notFound),
            ] {
                let response = try await client.execute(uri: uri, method: method)
                #expect(response.status == status, "\(uri)")
                let policy = response.headers[HTTPField.Name("Content-Security-Policy")!] ?? ""
                #expect(policy.contains("default-src 'none'") && response.headers[HTTPField.Name("X-Frame-Options")!] == "DENY", "\(uri)")
                let body = try Self.json(response)
                #expect(body["error"]?.stringValue?.isEmpty == false && body["suggestions"]?.arrayValue != nil, "\(uri): \(body)")
            }
            #expect(try await client.execute(uri: "/api/search", method: .delete).headers[.allow] == "GET, HEAD")
        }
    }

    /// `/api` lists the endpoints the OpenAPI document has; HEAD answers as GET without the body;
    /// the search page holds its results as escaped HTML for readers without the script.
    @Test func theAPIIndexHeadAndThePlainSearchPage() async throws {
        try await Self.app().test(.router) { client in
            let index = try Self.json(try await client.execute(uri: "/api", method: .get))
            let paths = index["endpoints"]?.arrayValue?.compactMap { $0["path"]?.stringValue } ?? []
            #expect(paths.contains("/api/search") && paths.contains("/api/status") && index["openapi"]?.stringValue == "/api/openapi.json")
            let document = try Self.json(try await client.execute(uri: "/api/openapi.json", method: .get))
            #expect(Set(paths) == Set(document["paths"]?.objectMembers?.map(\.key) ?? []), "\(paths)")
            for uri in ["/", "/api/status", "/app.js"] {
                let head = try await client.execute(uri: uri, method: .head)
                #expect(head.status == .ok && head.body.readableBytes == 0, "\(uri)")
            }
            let page = String(buffer: try await client.execute(uri: "/?q=onerror", method: .get).body)
            #expect(page.contains("&lt;img src=x onerror=alert(1)&gt;.mov") && !page.contains("<img src=x"), "\(page)")
            #expect(page.contains(#"<a href="/item/frameio/h">"#) && page.contains("1 result"), "\(page)")
            let refused = String(buffer: try await client.execute(uri: "/?q=nosuchfield:x", method: .get).body)
            #expect(refused.contains("nosuchfield") && refused.contains("<form"), "\(refused)")
        }
    }

    @Test func aTokenIsRequiredWhenSet() async throws {
        let token = "0123456789abcdef0123"
        try await Self.app(token: token).test(.router) { client in
            let refused = try await client.execute(uri: "/api/status", method: .get)
            #expect(refused.status == .unauthorized)
            #expect(refused.headers[.wwwAuthenticate]?.hasPrefix("Basic") == true)
            let wrong = try await client.execute(uri: "/api/status", method: .get, headers: [.authorization: "Bearer nope"])
            #expect(wrong.status == .unauthorized)
            let bearer = try await client.execute(uri: "/api/status", method: .get, headers: [.authorization: "Bearer \(token)"])
            #expect(bearer.status == .ok)
            let basic = Data("anyone:\(token)".utf8).base64EncodedString()
            let page = try await client.execute(uri: "/", method: .get, headers: [.authorization: "Basic \(basic)"])
            #expect(page.status == .ok)
        }
        #expect(CatalogServer.isLoopback("127.0.0.1") && CatalogServer.isLoopback("::1") && !CatalogServer.isLoopback("0.0.0.0"))
    }
}

/// Issue 31, item 14: a connection that sends nothing is closed after the idle timeout, so idle
/// connections cannot pile up.
@Suite struct IdleConnectionTests {
    @Test func aSilentConnectionIsClosed() async throws {
        let database = try CatalogDatabase.inMemory()
        let server = CatalogServer(database: database, link: WebLink(frameIOAPI: .v2, dashAssetURL: nil), token: nil)
        let ready = AsyncStream<String>.makeStream()
        let app = server.application(host: "127.0.0.1", port: 0, idleTimeout: .milliseconds(500)) { url in ready.continuation.yield(url) }
        let running = Task { try await app.runService() }
        defer { running.cancel() }
        var urls = ready.stream.makeAsyncIterator()
        let url = try #require(await urls.next())
        let port = try #require(URL(string: url)?.port)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        #expect(connected == 0)
        // Send nothing; the server closes the connection (a read sees the end) within a few seconds.
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var byte: UInt8 = 0
        let started = ContinuousClock.now
        let read = recv(fd, &byte, 1, 0)
        #expect(read == 0, "the silent connection was not closed (recv \(read))")
        #expect(ContinuousClock.now - started < .seconds(9))
    }
}

/// Issue 31, item 14: no more than `maxConnections` are open at once; one more is closed as it
/// opens, and those already open stay.
@Suite struct ConnectionCapTests {
    static func connect(_ port: Int) -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        return fd
    }

    @Test func connectionsPastTheCapAreClosed() async throws {
        let database = try CatalogDatabase.inMemory()
        let server = CatalogServer(database: database, link: WebLink(frameIOAPI: .v2, dashAssetURL: nil), token: nil)
        let ready = AsyncStream<String>.makeStream()
        let app = server.application(host: "127.0.0.1", port: 0, idleTimeout: .seconds(20), maxConnections: 2) { ready.continuation.yield($0) }
        let running = Task { try await app.runService() }
        defer { running.cancel() }
        var urls = ready.stream.makeAsyncIterator()
        let url = try #require(await urls.next())
        let port = try #require(URL(string: url)?.port)
        let first = Self.connect(port)
        let second = Self.connect(port)
        defer {
            close(first)
            close(second)
        }
        try await Task.sleep(for: .milliseconds(200))
        let third = Self.connect(port)
        defer { close(third) }
        var byte: UInt8 = 0
        // The third is closed at once (a read sees the end); the first two wait for a request.
        #expect(recv(third, &byte, 1, 0) == 0)
        #expect(recv(first, &byte, 1, Int32(MSG_DONTWAIT)) == -1 && recv(second, &byte, 1, Int32(MSG_DONTWAIT)) == -1)
    }
}

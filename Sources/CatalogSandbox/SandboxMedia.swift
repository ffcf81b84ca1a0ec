import CatalogCore
import Foundation
import Hummingbird
import Synchronization

/// The sandbox's stand-in for the services' CDNs: the signed addresses its APIs hand out
/// (thumbnails, previews, originals) point here once it listens, and `/_media/KIND/ID` answers a
/// thumbnail or preview with a small picture generated from the id, as a CDN would: refused
/// (403) without a signature, and for ``SandboxConfiguration/expiredThumbnailRate`` of the ids
/// always refused as expired.
public final class SandboxMedia: Sendable {
    private let root = Mutex<String?>(nil)
    private let counters = Mutex((served: 0, refused: 0))
    let expiredRate: Double

    init(expiredRate: Double) { self.expiredRate = expiredRate }

    /// Pictures sent, and requests refused (expired, unsigned, unknown).
    public var counts: (served: Int, refused: Int) { counters.withLock { $0 } }

    /// Called once the server listens at `address` (`http://127.0.0.1:PORT`).
    func listening(at address: String) { root.withLock { $0 = address } }

    /// A signed address of `kind` (`thumb`, `thumbnail`, `preview`, `original`, …) of item `id`;
    /// before the server listens (router tests), an address on a host that does not exist.
    func address(_ kind: String, _ id: String, signature: String) -> String {
        let escaped = id.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? id
        let base = root.withLock { $0 } ?? "https://assets.sandbox.invalid"
        return "\(base)/_media/\(kind)/\(escaped)?Expires=1790000000&Signature=\(signature)&Key-Pair-Id=SANDBOX"
    }

    /// Whether the picture of `id` is one the sandbox refuses as expired (the same ids every time).
    public func isExpired(_ id: String) -> Bool {
        guard expiredRate > 0 else { return false }
        let hash = Digest.xxh3_128(id).hex.prefix(8)
        return Double(UInt32(hash, radix: 16) ?? 0) / Double(UInt32.max) < expiredRate
    }

    func addRoutes(to group: RouterGroup<BasicRequestContext>) {
        group.get("{kind}/{id}") { request, context in
            let kind = try context.parameters.require("kind")
            let raw = try context.parameters.require("id")
            let id = raw.removingPercentEncoding ?? raw
            let signed = request.uri.queryParameters["Signature"] != nil
            let picture = ["thumb", "thumbnail", "preview"].contains(kind)
            guard signed, picture, !self.isExpired(id) else {
                self.counters.withLock { $0.refused += 1 }
                let (status, message): (HTTPResponse.Status, String) =
                    !signed
                    ? (.forbidden, "AccessDenied: Missing Key-Pair-Id query parameter")
                    : picture ? (.forbidden, "AccessDenied: Request has expired") : (.notFound, "NoSuchKey")
                return Response(
                    status: status, headers: [.contentType: "text/plain; charset=utf-8"], body: ResponseBody(byteBuffer: ByteBuffer(string: message)))
            }
            self.counters.withLock { $0.served += 1 }
            return Response(
                status: .ok, headers: [.contentType: "image/png", .cacheControl: "private, max-age=86400"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: SandboxPicture.png(for: id))))
        }
    }
}

/// Small PNG pictures made from an id: 64×36, a colour and a stripe of its own, so each file's
/// thumbnail differs and two files' look alike only when their ids do.
public enum SandboxPicture {
    public static let width = 64
    public static let height = 36

    /// The PNG of `id`'s picture.
    public static func png(for id: String) -> [UInt8] {
        let hash = Array(Digest.xxh3_128(id).hex.utf8)
        func byte(_ i: Int) -> UInt8 { UInt8(String(decoding: hash[(i * 2)..<(i * 2 + 2)], as: UTF8.self), radix: 16) ?? 0 }
        let (r, g, b) = (byte(0), byte(1), byte(2))
        let stripe = Int(byte(3)) % width
        var raw: [UInt8] = []
        raw.reserveCapacity(height * (1 + width * 3))
        for y in 0..<height {
            raw.append(0)  // filter: none
            for x in 0..<width {
                let onStripe = abs((x + y) - stripe) < 4
                raw += onStripe ? [255 &- r, 255 &- g, 255 &- b] : [r, g, b]
            }
        }
        var png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        var header: [UInt8] = []
        header += bigEndian(UInt32(width)) + bigEndian(UInt32(height))
        header += [8, 2, 0, 0, 0]  // 8 bits per channel, RGB, deflate, no filter, no interlace
        png += chunk("IHDR", header)
        png += chunk("IDAT", zlibStored(raw))
        png += chunk("IEND", [])
        return png
    }

    static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }

    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typed = Array(type.utf8) + data
        return bigEndian(UInt32(data.count)) + typed + bigEndian(crc32(typed))
    }

    /// A zlib stream of stored (uncompressed) deflate blocks: valid, and all a picture this small needs.
    static func zlibStored(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x78, 0x01]
        var offset = 0
        repeat {
            let length = min(65_535, data.count - offset)
            let last: UInt8 = offset + length >= data.count ? 1 : 0
            out += [last, UInt8(length & 0xFF), UInt8(length >> 8), UInt8(~length & 0xFF), UInt8((~length >> 8) & 0xFF)]
            out += data[offset..<(offset + length)]
            offset += length
        } while offset < data.count
        var a: UInt32 = 1
        var b: UInt32 = 0
        for byte in data {
            a = (a + UInt32(byte)) % 65_521
            b = (b + a) % 65_521
        }
        return out + bigEndian((b << 16) | a)
    }

    static let crcTable: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    static func crc32(_ data: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for byte in data { c = crcTable[Int((c ^ UInt32(byte)) & 0xFF)] ^ (c >> 8) }
        return c ^ 0xFFFF_FFFF
    }
}

import CatalogCore

/// What the catalog holds, for programs: `catalog status --format json` and `/api/status`, one
/// writer so the two agree. `{"version":1,"sources":[{"source","items","bytes","kinds":{…},
/// "last_complete":{…}|null,"last_attempt":{…}|null}]}`.
public enum StatusWriter {
    public static func json(_ statuses: [SourceStatus], extra: [(key: String, value: JSONValue)] = []) -> [UInt8] {
        var w = JSONWriter()
        w.appendRaw("{\"version\":1,\"sources\":[")
        for (i, status) in statuses.enumerated() {
            if i > 0 { w.appendRaw(",") }
            w.appendRaw("{\"source\":")
            w.writeString(status.source.rawValue)
            w.appendRaw(",\"items\":\(status.counts.values.reduce(0, +)),\"bytes\":\(status.bytes),\"kinds\":{")
            for (j, (kind, count)) in status.counts.sorted(by: { $0.key.rawValue < $1.key.rawValue }).enumerated() {
                if j > 0 { w.appendRaw(",") }
                w.writeString(kind.rawValue)
                w.appendRaw(":\(count)")
            }
            w.appendRaw("},\"last_complete\":")
            writeCrawl(status.lastComplete, to: &w)
            w.appendRaw(",\"last_attempt\":")
            writeCrawl(status.lastAttempt, to: &w)
            w.appendRaw("}")
        }
        w.appendRaw("]")
        for (key, value) in extra {
            w.appendRaw(",")
            w.writeString(key)
            w.appendRaw(":")
            w.write(value, canonical: false)
        }
        w.appendRaw("}")
        return w.bytes
    }

    static func writeCrawl(_ crawl: CrawlRecord?, to w: inout JSONWriter) {
        guard let crawl else { return w.appendRaw("null") }
        w.appendRaw("{\"id\":\(crawl.id),\"mode\":")
        w.writeString(crawl.mode.rawValue)
        w.appendRaw(",\"status\":")
        w.writeString(crawl.status.rawValue)
        w.appendRaw(",\"api\":")
        w.writeString(crawl.api.rawValue)
        w.appendRaw(",\"started_at\":")
        w.writeString(crawl.startedAt)
        w.appendRaw(",\"finished_at\":")
        if let finished = crawl.finishedAt { w.writeString(finished) } else { w.appendRaw("null") }
        w.appendRaw(",\"items\":\(crawl.itemCount),\"added\":\(crawl.added),\"changed\":\(crawl.changed),\"moved\":\(crawl.moved),")
        w.appendRaw("\"deleted\":\(crawl.deleted),\"requests\":\(crawl.requests)}")
    }
}

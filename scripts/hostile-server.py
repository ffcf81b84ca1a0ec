#!/usr/bin/env python3
"""A Frame.io v2 server that lies, for scripts/hostile-check: one scenario per run.

Usage: hostile-server.py PORT SCENARIO
Scenarios: huge-pages, huge-chunked, billions-of-pages, endless, same-page, trickle, bomb,
escape-error, per-page-zero, unknown-types.
"""
import gzip, http.server, json, socketserver, sys, time, urllib.parse

PORT, SCENARIO = int(sys.argv[1]), sys.argv[2]
ESC = "\x1b"
BOMB = gzip.compress(b"[" + b" " * (256 << 20) + b"]", 9)


def files(ids, kind="file"):
    return [{"id": f"f{i}", "name": f"clip {i}.mov", "type": kind} for i in ids]


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send(self, status, body, headers=()):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        url = urllib.parse.urlparse(self.path)
        path = url.path[len("/v2"):]
        query = urllib.parse.parse_qs(url.query)
        page = int(query.get("page", ["1"])[0])
        self.size = int(query.get("page_size", ["50"])[0])
        if path == "/me":
            return self.send(200, {"id": "me"})
        if path == "/accounts":
            if SCENARIO == "escape-error":
                return self.send(500, {"message": f"{ESC}[2J{ESC}[H{ESC}[32mAll good, crawl OK"})
            headers = [("per-page", "0")] if SCENARIO == "per-page-zero" else []
            return self.send(200, [{"id": "A", "display_name": f"Acme{ESC}[31m"}], headers)
        if path == "/accounts/A/teams":
            return self.send(200, [{"id": "T", "name": "Team", "account_id": "A"}])
        if path == "/teams/T/projects":
            return self.send(200, [{"id": "P", "name": "Proj", "root_asset_id": "R", "team_id": "T"}])
        if path == "/projects/shared":
            return self.send(200, [])
        if path == "/assets/R/children":
            return self.children(page)
        return self.send(404, {"message": "not found"})

    def children(self, page):
        if SCENARIO == "huge-pages":
            # 240 MB announced: refused from the header.
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(240_000_000))
            self.end_headers()
            try:
                chunk = b" " * (1 << 20)
                for _ in range(240):
                    self.wfile.write(chunk)
            except (BrokenPipeError, ConnectionResetError):
                pass
            return
        if SCENARIO == "huge-chunked":
            # 240 MB with no length: stopped at the body cap.
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            try:
                chunk = b" " * (1 << 20)
                for _ in range(240):
                    self.wfile.write(b"%x\r\n" % len(chunk) + chunk + b"\r\n")
                self.wfile.write(b"0\r\n\r\n")
            except (BrokenPipeError, ConnectionResetError):
                pass
            return
        if SCENARIO == "billions-of-pages":
            return self.send(200, files([page]), [("total-pages", "4000000000"), ("per-page", "1")])
        if SCENARIO == "endless":
            # Full pages of new ids, no paging headers: goes on as long as it is asked.
            return self.send(200, files(range(page * self.size, (page + 1) * self.size)))
        if SCENARIO == "same-page":
            return self.send(200, files(range(self.size)))
        if SCENARIO == "trickle":
            body = json.dumps(files(range(3))).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            try:
                for byte in body:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    time.sleep(3)
            except (BrokenPipeError, ConnectionResetError):
                pass
            return
        if SCENARIO == "bomb":
            return self.send(200, BOMB, [("Content-Encoding", "gzip")])
        if SCENARIO == "unknown-types":
            items = files(range(3)) + [
                {"id": "L", "name": f"evil{ESC}[2J\u202egpj.exe", "type": "link"},
                {"id": "B", "name": "nul\u0000byte.mov", "type": "bundle", "filesize": -5},
            ]
            return self.send(200, items)
        return self.send(200, files(range(3)))


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


Server(("127.0.0.1", PORT), Handler).serve_forever()

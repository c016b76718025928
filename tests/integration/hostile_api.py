#!/usr/bin/env python3
"""hostile_api.py — answers the real API would never give, for the integration
tests: a minimal listing of one account (so a client's settlement can be
observed) and a DELETE answered in one hostile way, chosen by --delete.

  hostile_api.py --port-file F --log F --auth-id ID --token-file F
                 --numbers 918000000001,918000000002 --delete MODE

MODE: big200 (release applied, 200 with a 20 MiB body), big500 (applied, 500
with a 20 MiB body), hugeheader (applied, 200 with a 1 MB header).
--twice-after N: from the (N+1)-th listing request on, every page names its
first number twice.  Also
--proxy: no API at all, a listener that logs every request line it is sent
(as an HTTP proxy would receive them) and answers 502.  Binds 127.0.0.1 only;
the port is written to the port file once listening; one JSON line per
request is appended to the log and flushed.
"""
import argparse
import json
import os
import socketserver
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

BIG = 20 << 20

args = None
held = []
gets = [0]
lock = threading.Lock()


def log(entry):
    with lock, open(args.log, "a") as f:
        f.write(json.dumps(entry) + "\n")
        f.flush()


def item(digits):
    return {"e164": "+" + digits, "account_id": args.auth_id, "country": "IN", "region": "Karnataka",
            "status": "active", "capabilities": {"voice": True, "sms": False, "mms": False, "fax": False},
            "setup_fee": 500, "monthly_fee": 500, "currency": "INR",
            "purchased_at": "2024-03-05T10:22:31Z", "created_at": "2024-03-05T10:22:31Z",
            "updated_at": "2024-03-05T10:22:31Z"}


class Api(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *a):
        pass

    def send(self, status, body, headers=()):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        try:
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def authorised(self):
        return (self.headers.get("X-Auth-ID") == args.auth_id and
                self.headers.get("X-Auth-Token") == args.token)

    def do_GET(self):
        log({"method": "GET", "path": self.path})
        if not self.authorised():
            return self.send(401, '{"error":{"code":401,"message":"Invalid token"}}')
        path, _, query = self.path.partition("?")
        if path != "/api/v1/Account/%s/numbers" % args.auth_id:
            return self.send(404, '{"error":"not found"}')
        q = dict(p.partition("=")[::2] for p in query.split("&") if p)
        page, per_page = int(q.get("page", 1)), int(q.get("per_page", 25))
        search = q.get("search", "")
        with lock:
            listed = [d for d in held if search in d]
        items = [item(d) for d in listed[(page - 1) * per_page:page * per_page]]
        with lock:
            gets[0] += 1
            twice = args.twice_after >= 0 and gets[0] > args.twice_after
        if twice and items:
            items.insert(1, items[0])
        self.send(200, json.dumps({"items": items, "page": page, "per_page": per_page, "total": len(listed)}))

    def do_DELETE(self):
        log({"method": "DELETE", "path": self.path})
        if not self.authorised():
            return self.send(401, '{"error":{"code":401,"message":"Invalid token"}}')
        digits = self.path.rsplit("/", 1)[-1]
        with lock:
            if digits not in held:
                return self.send(404, '{"error":"number not found"}')
            held.remove(digits)  # every mode applies the release
        if args.delete == "big200":
            self.send(200, b'{"message":"' + b"x" * BIG + b'"}')
        elif args.delete == "big500":
            self.send(500, b'{"error":"' + b"x" * BIG + b'"}')
        elif args.delete == "hugeheader":
            self.send(200, "{}", [("X-Padding", "y" * (1 << 20))])


class Proxy(socketserver.StreamRequestHandler):
    def handle(self):
        line = self.rfile.readline(65536).decode("latin-1").rstrip("\r\n")
        headers = []
        while True:
            h = self.rfile.readline(65536).decode("latin-1").rstrip("\r\n")
            if not h:
                break
            headers.append(h.split(":", 1)[0])
        log({"request": line, "headers": headers})
        self.wfile.write(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")


def main():
    global args
    ap = argparse.ArgumentParser()
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--auth-id", default="")
    ap.add_argument("--token-file")
    ap.add_argument("--numbers", default="")
    ap.add_argument("--delete", choices=["big200", "big500", "hugeheader"], default="big200")
    ap.add_argument("--proxy", action="store_true")
    ap.add_argument("--twice-after", type=int, default=-1)
    args = ap.parse_args()
    args.token = open(args.token_file).read().strip() if args.token_file else ""
    held.extend(sorted(n for n in args.numbers.split(",") if n))
    if args.proxy:
        server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Proxy)
    else:
        server = ThreadingHTTPServer(("127.0.0.1", 0), Api)
    server.daemon_threads = True
    with open(args.port_file + ".tmp", "w") as f:
        f.write("%d\n" % server.server_address[1])
    os.rename(args.port_file + ".tmp", args.port_file)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/bin/bash
# One reading of an item for everyone: items that vobizfs, jq and Python
# would read differently (a key named twice, bytes that are not UTF-8, an
# e164 that is a JSON number or not ASCII digits after '+') are never shown,
# logged once with their reasons at mount, and counted in .status — served
# by a small Python API no real server would imitate.
. "$(dirname "$0")/lib.sh"

cat >"$T/api.py" <<'PY'
import http.server, sys
items = [
    b'{"e164":"+918000000001","status":"active","country":"IN"}',
    b'{"e164":"+918111111111","status":"active","e164":"+918222222222"}',
    b'{"e164":"+918444444444","status":"active","region":"Goa\xff"}',
    b'{"e164":918333333333,"status":"active"}',
    '{"e164":"+\u0669\u0661\u0668\u0665\u0665\u0665\u0665\u0665\u0665\u0665","status":"active"}'.encode(),
    b'{"e164":"+91 8555555555","status":"active"}',
]
body = b'{"items":[' + b','.join(items) + b'],"page":1,"per_page":100,"total":6}'
log = open(sys.argv[2], "a", buffering=1)
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        log.write(self.path + "\n")
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
open(sys.argv[1] + ".tmp", "w").write(str(s.server_address[1]))
import os; os.rename(sys.argv[1] + ".tmp", sys.argv[1])
s.serve_forever()
PY
python3 "$T/api.py" "$T/py.port" "$T/py.requests" &
SANDBOX_PID=$! # stopped by lib.sh's cleanup
wait_for "the Python API" 10 test -s "$T/py.port" || exit 1
API="http://127.0.0.1:$(cat "$T/py.port")"
write_config
mount_vobizfs

expect_eq "ls" "918000000001" "$(ls "$MNT/numbers")"
for n in 918111111111 918222222222 918444444444 918333333333 918555555555; do
	[ -e "$MNT/numbers/$n" ] && fail "$n is shown"
done
expect_eq "requests of the mount" 1 "$(grep -c '/numbers?' "$T/py.requests")"
expect_eq "log lines" 1 "$(grep -c "5 items skipped, never shown (3 with an e164 that is not a string of '+' and 8 to 15 ASCII digits, 1 with duplicate keys, 1 with invalid UTF-8)" "$T/vobizfs.log")"
expect_eq ".status listing.skipped" '{"invalid_e164":3,"nul_character":0,"duplicate_keys":1,"invalid_utf8":1,"all":5}' \
	"$(jq -c .listing.skipped "$MNT/.status")"
expect_eq ".status listing.complete" true "$(jq -r .listing.complete "$MNT/.status")"
grep -q '^vobizfs_listing_items_skipped{reason="duplicate_key"} 1$' "$MNT/.metrics" || fail "no duplicate_key sample in .metrics"
touch "$MNT/numbers" # read again: the same items, no new line
ls "$MNT/numbers" >/dev/null
expect_eq "log lines after a refresh" 1 "$(grep -c "5 items skipped, never shown" "$T/vobizfs.log")"
finish

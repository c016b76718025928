#!/bin/bash
# Proxy variables in the daemon's environment never route a loopback API's
# plain-http traffic (its X-Auth-Token would cross in clear): a logging
# listener given as http_proxy, HTTP_PROXY, HTTPS_PROXY and ALL_PROXY receives
# nothing while ls, cat and rm work.  For an https:// API elsewhere the proxy
# is honoured as libcurl does: the listener is asked to CONNECT (a tunnel, so
# the token stays inside TLS) and sees no X-Auth-Token.
. "$(dirname "$0")/lib.sh"

HOSTILE="$(dirname "$0")/hostile_api.py"
python3 "$HOSTILE" --proxy --port-file "$T/proxy.port" --log "$T/proxy.jsonl" >"$T/proxy.log" 2>&1 &
PROXY_PID=$!
trap 'kill $PROXY_PID 2>/dev/null; cleanup' EXIT
wait_for "the proxy listener" 10 test -s "$T/proxy.port" || exit 1
PROXY="http://127.0.0.1:$(cat "$T/proxy.port")"
touch "$T/proxy.jsonl"

cat >"$T/vobizfs-proxied" <<WRAP
#!/bin/sh
exec env http_proxy=$PROXY HTTP_PROXY=$PROXY https_proxy=$PROXY HTTPS_PROXY=$PROXY ALL_PROXY=$PROXY all_proxy=$PROXY \
	no_proxy= NO_PROXY= "$VOBIZFS" "\$@"
WRAP
chmod +x "$T/vobizfs-proxied"
REAL_VOBIZFS=$VOBIZFS
VOBIZFS="$T/vobizfs-proxied"

start_sandbox --numbers 6 --sub-numbers 0
mount_vobizfs
n=$(ls "$MNT/numbers" | head -1)
[ -n "$n" ] || fail "ls through a proxied environment shows nothing"
jq -e . "$MNT/numbers/$n" >/dev/null || fail "cat of $n failed"
rm "$MNT/numbers/$n" || fail "rm of $n failed"
expect_eq "DELETEs the sandbox received" 1 "$(count_requests DELETE)"
expect_eq "requests the proxy received (loopback API)" 0 "$(wc -l <"$T/proxy.jsonl")"
unmount_vobizfs

# https:// elsewhere: the proxy is used, as a tunnel.
VOBIZFS=$REAL_VOBIZFS
write_config
sed -i "s|^base_url = .*|base_url = https://api.vobiz.invalid|" "$T/vobizfs.ini"
env HTTPS_PROXY="$PROXY" "$VOBIZFS" "$MNT" -f -o "config=$T/vobizfs.ini" >"$T/https.log" 2>&1
code=$?
expect_eq "mount through a proxy that refuses the tunnel: exit status" 1 "$code"
expect_eq "the proxy was asked for a tunnel" "CONNECT api.vobiz.invalid:443 HTTP/1.1" \
	"$(jq -r .request "$T/proxy.jsonl" | head -1)"
jq -r '.headers[]' "$T/proxy.jsonl" | grep -qi "x-auth" && fail "the proxy saw an X-Auth header"
grep -q "$TOKEN" "$T/proxy.jsonl" && fail "the token reached the proxy"
finish

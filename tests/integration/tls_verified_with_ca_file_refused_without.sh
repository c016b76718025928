#!/bin/bash
# Over HTTPS the peer is always verified: with [api] ca_file naming the
# sandbox's CA the mount works; without it the mount is refused.
. "$(dirname "$0")/lib.sh"

sh "$GEN_CERT" "$T/tls" >/dev/null || fail "gen-cert failed"
API_SCHEME=https
start_sandbox --numbers 12 --sub-numbers 0 --tls-cert "$T/tls/server.pem" --tls-key "$T/tls/server-key.pem"

write_config
mkdir -p "$MNT"
out=$(timeout 30 "$VOBIZFS" "$MNT" -o "config=$T/vobizfs.ini" 2>&1)
expect_eq "exit status, unknown CA" 1 "$?"
grep -qi "certificate" <<<"$out" || fail "the reason does not mention the certificate: $out"
grep -q " $MNT " /proc/mounts && fail "a mount was left behind"
expect_eq "requests that reached the API" 0 "$(ctl GET /requests | jq length)"

write_config "ca_file = $T/tls/ca.pem"
mount_vobizfs
expect_eq "numbers over HTTPS" 12 "$(ls "$MNT/numbers" | wc -l)"
n=$(ls "$MNT/numbers" | head -1)
rm "$MNT/numbers/$n" || fail "rm over HTTPS"
expect_eq "released over HTTPS" "" "$(sandbox_listed | grep -x "$n")"
finish

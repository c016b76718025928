#!/bin/bash
# A wrong token ends the mount command with status 1 and a one-line reason;
# nothing is left mounted.  The token is in neither message.
. "$(dirname "$0")/lib.sh"

start_sandbox --numbers 5
write_config
sed -i "s/^auth_token = .*/auth_token = wrong-$TOKEN/" "$T/vobizfs.ini"
mkdir -p "$MNT"
out=$(timeout 30 "$VOBIZFS" "$MNT" -o "config=$T/vobizfs.ini" 2>&1)
expect_eq "exit status" 1 "$?"
grep -q "refused the credentials.*Invalid token" <<<"$out" || fail "no readable reason: $out"
expect_eq "a one-line reason" 1 "$(wc -l <<<"$out")"
grep -q -- "$TOKEN" <<<"$out" && fail "the token appears in the message"
grep -q " $MNT " /proc/mounts && fail "a mount was left behind"

# An unreachable API likewise.
sed -i "s|^base_url = .*|base_url = http://127.0.0.1:1|" "$T/vobizfs.ini"
sed -i "s/^auth_token = .*/auth_token = $TOKEN/" "$T/vobizfs.ini"
out=$(timeout 30 "$VOBIZFS" "$MNT" -o "config=$T/vobizfs.ini" 2>&1)
expect_eq "exit status, API unreachable" 1 "$?"
grep -q "Couldn't connect to server; not mounting" <<<"$out" || fail "no readable reason: $out"
expect_eq "a one-line reason, API unreachable" 1 "$(wc -l <<<"$out")"
grep -q " $MNT " /proc/mounts && fail "a mount was left behind"
finish

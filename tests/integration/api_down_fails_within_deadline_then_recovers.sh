#!/bin/bash
# With the API refusing connections, ls and rm fail within the deadline plus a
# second; once it is back, the same mount works again by itself.
. "$(dirname "$0")/lib.sh"

TIMEOUT=3
start_sandbox --numbers 20 --sub-numbers 0
write_config "[cache]" "ttl = 0"
mount_vobizfs
n=$(ls "$MNT/numbers" | head -1)

ctl POST '/down?mode=refuse' >/dev/null
timed ls "$MNT/numbers"
[ "$LAST_STATUS" -ne 0 ] || fail "ls succeeded with the API down"
grep -Eq "Input/output error|timed out" <<<"$LAST_OUT" || fail "ls: unexpected error: $LAST_OUT"
[ "$LAST_MS" -le $((TIMEOUT * 1000 + 1000)) ] || fail "ls took $LAST_MS ms"
echo "ls with the API down: $LAST_MS ms ($LAST_OUT)"

timed rm "$MNT/numbers/$n"
[ "$LAST_STATUS" -ne 0 ] || fail "rm succeeded with the API down"
grep -Eq "Input/output error|timed out" <<<"$LAST_OUT" || fail "rm: unexpected error: $LAST_OUT"
[ "$LAST_MS" -le $((TIMEOUT * 1000 + 1000)) ] || fail "rm took $LAST_MS ms"
echo "rm with the API down: $LAST_MS ms ($LAST_OUT)"
daemon_alive || fail "the daemon died"

ctl POST /up >/dev/null
ls "$MNT/numbers" | grep -qx "$n" || fail "ls after recovery does not show $n"
rm "$MNT/numbers/$n" || fail "rm after recovery failed"
expect_eq "DELETEs that reached the API" 1 "$(count_requests DELETE)"
finish

#!/bin/bash
# A listing's time limit is progress, not its total: with [api] timeout = 2 s
# and every answer 300 ms away, 40 pages read two at a time (6 s) mount and
# refresh; a page slower than the timeout fails the read, and [api]
# listing_timeout caps the whole of it.  The pace grows past [api] parallel
# while pages come back fast, never past [api] parallel_max, and halves when
# the API answers 429.
. "$(dirname "$0")/lib.sh"

TIMEOUT=2
start_sandbox --numbers 4000 --sub-numbers 0
ctl POST '/latency?ms=300' >/dev/null

# The most answers the sandbox sent within any 280 ms, since the last
# clear_requests: each request takes at least 300 ms, so that many were in
# flight at once (a lower bound of the pace).
most_at_once() {
	requests GET '/numbers$' | jq -r '.time' |
		jq -Rr 'capture("^(?<s>[^.]+)\\.(?<f>[0-9]{6})Z$") | ((.s + "Z" | fromdateiso8601) * 1000000 + (.f | tonumber))' |
		sort -n | awk '{ t[NR] = $1 } END { best = 0; for (i = 1; i <= NR; i++) { n = 0; for (j = i; j <= NR && t[j] - t[i] < 280000; j++) n++; if (n > best) best = n } print best }'
}

# timed_mount: mount_vobizfs in this shell (it sets VOBIZFS_PID); sets LAST_MS.
timed_mount() {
	local start
	start=$(date +%s%N)
	mount_vobizfs
	LAST_MS=$((($(date +%s%N) - start) / 1000000))
}

write_config "parallel = 2" "parallel_max = 2"
clear_requests
timed_mount
echo "measure: mount of 40 pages at 300 ms, 2 at once, timeout 2 s: ${LAST_MS} ms"
[ "$LAST_MS" -ge 5000 ] || fail "40 pages at 300 ms two at a time took only ${LAST_MS} ms"
expect_eq "numbers listed" 4000 "$(ls "$MNT/numbers" | wc -l)"
expect_eq "pages at once with parallel_max = parallel = 2" 2 "$(most_at_once)"
touch "$MNT/numbers"
expect_eq "a refresh longer than the timeout" 4000 "$(ls "$MNT/numbers" | wc -l)"
unmount_vobizfs

# The pace grows while pages come back as fast as the first ones.
write_config "parallel = 2" "parallel_max = 6"
clear_requests
timed_mount
at_once=$(most_at_once)
echo "measure: the same with parallel_max = 6: ${LAST_MS} ms, up to $at_once at once"
[ "$at_once" -gt 2 ] || fail "the pace never grew past parallel = 2"
[ "$at_once" -le 6 ] || fail "$at_once pages at once, past parallel_max = 6"
# A 429 with Retry-After on pages 10 to 12: halved, paused, and complete.
for p in 10 11 12; do
	ctl POST /faults "{\"method\":\"GET\",\"page\":$p,\"action\":\"status\",\"status\":429,\"retry_after\":\"1\",\"count\":1}" >/dev/null
done
touch "$MNT/numbers"
expect_eq "numbers listed through 429s" 4000 "$(ls "$MNT/numbers" | wc -l)"
grep -q "the API pushed back" "$T/vobizfs.log" || fail "no halving was logged after 429s"
ctl DELETE /faults >/dev/null
unmount_vobizfs

# The whole read is capped by listing_timeout.
write_config "parallel = 2" "parallel_max = 2" "listing_timeout = 2"
mkdir -p "$MNT"
timed timeout 30 "$VOBIZFS" "$MNT" -o "config=$T/vobizfs.ini"
echo "measure: mount capped by listing_timeout = 2: status $LAST_STATUS in ${LAST_MS} ms: $LAST_OUT"
expect_eq "mount past listing_timeout" 1 "$LAST_STATUS"
grep -q "Timeout was reached" <<<"$LAST_OUT" || fail "the refused mount does not say it timed out: $LAST_OUT"
[ "$LAST_MS" -lt 4000 ] || fail "listing_timeout = 2 let the mount run ${LAST_MS} ms"
grep -q " $MNT " /proc/mounts && fail "a mount was left behind"

# One page slower than the timeout fails the read.
write_config "parallel = 2" "parallel_max = 2"
ctl POST '/latency?ms=0' >/dev/null
mount_vobizfs
ctl POST '/latency?ms=2500' >/dev/null
touch "$MNT/numbers"
timed ls "$MNT/numbers"
[ "$LAST_STATUS" -ne 0 ] || fail "ls with pages slower than the timeout succeeded"
grep -q "Connection timed out" <<<"$LAST_OUT" || fail "not ETIMEDOUT: $LAST_OUT"
[ "$LAST_MS" -lt 6000 ] || fail "a page slower than the 2 s timeout held ls ${LAST_MS} ms"
finish

#!/bin/bash
# 429 with Retry-After: 1 (header), then with details.retryAfter (body): rm
# waits at least a second, sends the DELETE again, and succeeds: 2 DELETEs.
. "$(dirname "$0")/lib.sh"

start_sandbox --numbers 10 --sub-numbers 0
mount_vobizfs

for variant in '"retry_after":"1"' '"retry_after_body":1'; do
	n=$(ls "$MNT/numbers" | head -1)
	clear_requests
	ctl POST /faults "{\"method\":\"DELETE\",\"number\":\"$n\",\"action\":\"status\",\"status\":429,$variant}" >/dev/null
	timed rm "$MNT/numbers/$n"
	expect_eq "rm exit status ($variant)" 0 "$LAST_STATUS"
	[ "$LAST_MS" -ge 1000 ] || fail "rm returned after $LAST_MS ms, before Retry-After ($variant)"
	echo "rm after a 429 ($variant): $LAST_MS ms"
	expect_eq "DELETEs ($variant)" 2 "$(count_requests DELETE)"
	expect_eq "released ($variant)" "" "$(sandbox_listed | grep -x "$n")"
done
finish

#!/bin/bash
# A 429 that says "Retry-After: 0" (or a date in the past) for ever: one rm
# waits a growing backoff between attempts and sends at most 10 DELETEs, then
# EAGAIN within its deadline; one listing page gets at most 10 GETs.
. "$(dirname "$0")/lib.sh"

TIMEOUT=4
start_sandbox --numbers 10 --sub-numbers 0
mount_vobizfs

for ra in '"0"' '"Thu, 01 Jan 1970 00:00:00 GMT"' '"-5"' '"soon"'; do
	n=$(ls "$MNT/numbers" | head -1)
	clear_requests
	ctl POST /faults "{\"method\":\"DELETE\",\"number\":\"$n\",\"action\":\"status\",\"status\":429,\"retry_after\":$ra,\"count\":-1}" >/dev/null
	timed rm "$MNT/numbers/$n"
	d=$(count_requests DELETE)
	echo "Retry-After $ra: rm exit $LAST_STATUS after $LAST_MS ms, $d DELETEs"
	grep -q "Resource temporarily unavailable" <<<"$LAST_OUT" || fail "rm ($ra) said: $LAST_OUT"
	[ "$LAST_STATUS" -ne 0 ] || fail "rm succeeded under a permanent 429 ($ra)"
	[ "$d" -ge 2 ] && [ "$d" -le 10 ] || fail "DELETEs under permanent 429 ($ra): $d, expected 2..10"
	[ "$LAST_MS" -le $((TIMEOUT * 1000 + 1000)) ] || fail "rm took $LAST_MS ms, past its deadline ($ra)"
	[ "$LAST_MS" -ge 300 ] || fail "rm returned after $LAST_MS ms: no backoff between attempts ($ra)"
	ctl DELETE /faults >/dev/null
done

# A listing page under permanent 429: at most 10 GETs for one ls.
clear_requests
ctl POST /faults '{"method":"GET","action":"status","status":429,"retry_after":"0","count":-1}' >/dev/null
touch "$MNT/numbers" # drop the cache: the next ls reads the listing
timed ls "$MNT/numbers"
g=$(count_requests GET)
echo "ls under permanent 429: exit $LAST_STATUS after $LAST_MS ms, $g GETs"
[ "$g" -ge 2 ] && [ "$g" -le 10 ] || fail "GETs for one listing page under permanent 429: $g, expected 2..10"
ctl DELETE /faults >/dev/null
finish

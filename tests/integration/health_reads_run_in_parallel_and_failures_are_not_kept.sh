#!/bin/bash
# Reading many health files at once sends the requests in parallel, one per
# number; concurrent readers of one number share one request, even with
# [health] ttl = 0, which keeps nothing.  404 is ENOENT, a 429 is waited out
# (and counted), a 429 past the deadline is EAGAIN; no failure is kept.
. "$(dirname "$0")/lib.sh"

TIMEOUT=8
start_sandbox --numbers 24 --sub-numbers 0
write_config "[health]" "ttl = 0"
mount_vobizfs
ls "$MNT/health" | sed "s|^|$MNT/health/|" >"$T/files"
ctl POST "/latency?ms=200" >/dev/null
clear_requests

timed sh -c "xargs -P 12 -n 2 cat <'$T/files' >'$T/all'"
expect_eq "xargs -P12 cat status" 0 "$LAST_STATUS"
expect_eq "one GET per number" 24 "$(count_requests GET '/health$')"
expect_eq "each number once" 24 "$(requests GET '/health$' | jq -r .path | sort -u | wc -l)"
expect_eq "answers read" 24 "$(jq -s length "$T/all")"
echo "24 health files, 200 ms latency, 12 readers: $LAST_MS ms"
[ "$LAST_MS" -lt 2400 ] || fail "24 reads at 200 ms took $LAST_MS ms: not in parallel"

# Readers of one number: the first one's request is held until all the
# others have joined it, then let go.
ctl POST "/latency?ms=0" >/dev/null
n=$(head -1 "$T/files")
d=$(basename "$n")
ctl POST /faults "{\"method\":\"GET\",\"number\":\"$d\",\"action\":\"stall\",\"apply\":true}" >/dev/null
clear_requests
shared=$(jq .health.shared "$MNT/.status")
pids=()
for i in $(seq 8); do
	cat "$n" >"$T/same.$i" &
	pids+=($!)
done
joined() { [ "$(jq .health.shared "$MNT/.status")" -ge $((shared + 7)) ]; }
wait_for "7 readers joining the first one's request" 5 joined || fail "the readers of one number did not share"
ctl DELETE /faults >/dev/null
wait "${pids[@]}" || fail "a reader of one number failed"
expect_eq "8 readers of one number" 1 "$(count_requests GET '/health$')"
for i in $(seq 8); do cmp -s "$T/same.1" "$T/same.$i" || fail "reader $i read something else"; done
[ -s "$T/same.1" ] || fail "the readers of one number read nothing"
clear_requests
cat "$n" >/dev/null
expect_eq "ttl = 0 keeps nothing" 1 "$(count_requests GET '/health$')"

clear_requests
ctl POST /faults "{\"method\":\"GET\",\"number\":\"$d\",\"action\":\"status\",\"status\":404}" >/dev/null
expect_error "404" "No such file" cat "$n"
expect_eq "404: one GET" 1 "$(count_requests GET '/health$')"
cat "$n" >/dev/null || fail "the 404 was kept"

clear_requests
ctl POST /faults "{\"method\":\"GET\",\"number\":\"$d\",\"action\":\"status\",\"status\":429,\"retry_after\":0}" >/dev/null
before=$(jq .health.requests "$MNT/.status")
cat "$n" >/dev/null || fail "cat after one 429 exited $?"
expect_eq "429 then the answer" 2 "$(count_requests GET '/health$')"
expect_eq ".status counts both" $((before + 2)) "$(jq .health.requests "$MNT/.status")"

ctl POST /faults "{\"method\":\"GET\",\"number\":\"$d\",\"action\":\"status\",\"status\":429,\"retry_after\":1,\"count\":-1}" >/dev/null
timed cat "$n"
grep -q "Resource temporarily unavailable" <<<"$LAST_OUT" || fail "429 until the deadline: $LAST_OUT"
[ "$LAST_MS" -lt $((TIMEOUT * 1000 + 1500)) ] || fail "429 until the deadline took $LAST_MS ms"
ctl DELETE /faults >/dev/null
cat "$n" >/dev/null || fail "cat after the 429s exited $?"
daemon_alive || fail "the daemon died"
finish

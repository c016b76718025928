#!/bin/bash
# With the API answering in 5 s and 32 `ls` of a stale directory waiting on
# it, the operations answered from memory (stat, cat, getfattr, .status)
# still answer at once: the network waits hold at most three quarters of the
# FUSE workers, one user at most two thirds of those, and an operation past
# that share fails at once with EAGAIN instead of taking a worker.
. "$(dirname "$0")/lib.sh"

TIMEOUT=15 # the listings below wait 5 s for the API
start_sandbox --numbers 20 --sub-numbers 0
write_config "[cache]" "ttl = 0" # every ls reads the listing again
mount_vobizfs
n=$(ls "$MNT/numbers" | head -1)
ctl POST "/latency?ms=5000" >/dev/null

waiting() { [ "$(jq .api.waiting "$MNT/.status")" -ge "$1" ]; }

pids=()
for i in $(seq 32); do
	ls "$MNT/numbers" >"$T/ls.$i" 2>&1 &
	pids+=($!)
done
wait_for "32 listings waiting on the API" 20 waiting 32 || fail "the listings did not all wait"

for what in "stat:stat $MNT/numbers/$n" "cat:cat $MNT/numbers/$n" \
	"getfattr:getfattr -n user.vobiz.country $MNT/numbers/$n" "status:cat $MNT/.status"; do
	timed ${what#*:}
	echo "${what%%:*} while 32 wait on the API: $LAST_MS ms"
	expect_eq "${what%%:*} exit status" 0 "$LAST_STATUS"
	[ "$LAST_MS" -lt 2500 ] || fail "${what%%:*} waited $LAST_MS ms behind the API"
done

# One user's share is full: the next listing fails at once, sending nothing.
before=$(count_requests GET)
timed ls "$MNT/numbers"
echo "ls past the share: $LAST_MS ms, status $LAST_STATUS"
grep -q "Resource temporarily unavailable" <<<"$LAST_OUT" || fail "ls past the share: $LAST_OUT"
[ "$LAST_MS" -lt 2500 ] || fail "ls past the share waited $LAST_MS ms"
expect_eq "requests for the refused ls" "$before" "$(count_requests GET)"
grep -q "refusing more with EAGAIN" "$T/vobizfs.log" || fail "no log line for the full gate"

for p in "${pids[@]}"; do wait "$p" || fail "a waiting ls failed: $(cat "$T"/ls.* | sort -u | head -3)"; done
expect_eq "nothing waits afterwards" 0 "$(jq .api.waiting "$MNT/.status")"
finish

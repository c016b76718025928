#!/bin/bash
# kill -HUP then ls reads the listing once, not twice: the invalidation and
# the refresh that follows it at once (the same millisecond) must not make
# that refresh stale.
. "$(dirname "$0")/lib.sh"

start_sandbox --numbers 10 --sub-numbers 0
write_config "[cache]" "ttl = 3600"
mount_vobizfs
ls "$MNT/numbers" >/dev/null
listings() { count_requests GET '/numbers$'; }

for round in 1 2 3 4 5; do
	clear_requests
	kill -HUP "$VOBIZFS_PID"
	# The signal only marks the listing stale; an ls before it lands reads nothing.
	wait_for "the listing read after SIGHUP" 3 sh -c "ls '$MNT/numbers' >/dev/null && [ \$(curl -s '$CTL/requests' | jq '[.[] | select(.method == \"GET\" and (.path | test(\"/numbers\$\")))] | length') -ge 1 ]" ||
		fail "round $round: SIGHUP read nothing"
	ls -l "$MNT/numbers" >/dev/null
	ls "$MNT/by-country" >/dev/null
	stat "$MNT/numbers" >/dev/null
	expect_eq "round $round: listing reads after one SIGHUP" 1 "$(listings)"
done
finish

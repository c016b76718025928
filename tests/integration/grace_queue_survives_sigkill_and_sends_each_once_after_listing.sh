#!/bin/bash
# Three releases queued, then the daemon is SIGKILLed.  Their grace ends
# while no mount runs.  The next mount sends each once, only after its first
# listing shows it still held (one log line each); one released elsewhere
# meanwhile is dropped with a log line, nothing sent for it.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_grace.sh"

start_sandbox --numbers 8 --sub-numbers 0
write_config "[release]" "grace = 2s" "audit_log = $T/audit.jsonl"
mount_vobizfs
set -- $(ls "$MNT/numbers" | head -4)
clear_requests
for n in "$@"; do rm "$MNT/numbers/$n" || fail "rm $n exited $?"; done
expect_eq "queued" 4 "$(queued_count)"
kill_vobizfs
expect_eq "DELETEs before the crash" 0 "$(count_requests DELETE)"
gone=$4
ctl DELETE "/numbers/$gone" >/dev/null # released elsewhere while no mount ran
sleep 2.5 # the scenario: the graces end while no mount runs
clear_requests
mount_vobizfs
wait_for "three DELETEs" 10 deletes_at_least 3 || fail "not all sent"
wait_for "the queue to empty" 10 queue_empty || fail "still queued"
first_get=$(ctl GET /requests | jq -r '[.[] | .method] | index("GET")')
first_delete=$(ctl GET /requests | jq -r '[.[] | .method] | index("DELETE")')
[ "$first_get" != null ] && [ "$first_get" -lt "$first_delete" ] || fail "a DELETE went out before the listing"
for n in "$1" "$2" "$3"; do
	expect_eq "DELETEs of $n" 1 "$(delete_count "$n")"
	grep -q "release of $n .*fell due at .* while no mount ran; the listing shows it still held" "$T/vobizfs.log" ||
		fail "no log line for $n"
done
expect_eq "DELETEs of $gone" 0 "$(delete_count "$gone")"
grep -q "release of $gone .*dropped: the listing no longer shows it held" "$T/vobizfs.log" ||
	fail "no log line for the dropped $gone"
unmount_vobizfs
clear_requests
mount_vobizfs
ls "$MNT/numbers" >/dev/null
expect_eq "DELETEs at a third mount" 0 "$(count_requests DELETE)"
finish

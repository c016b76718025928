#!/bin/bash
# When the grace ends the mount sends exactly one DELETE, no earlier; the
# number leaves releasing/; in the current dialect it then shows in
# pending-release/ (the API's cooldown) as today.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_grace.sh"

start_sandbox --numbers 5 --sub-numbers 0
write_config "[release]" "grace = 2s" "audit_log = $T/audit.jsonl"
mount_vobizfs
n=$(ls "$MNT/numbers" | head -1)
clear_requests
start=$(date +%s%N)
rm "$MNT/numbers/$n" || fail "rm exited $?"
expect_eq "DELETEs at rm" 0 "$(count_requests DELETE)"
wait_for "the DELETE" 10 deletes_at_least 1 || fail "no DELETE after the grace"
waited=$(( ($(date +%s%N) - start) / 1000000 ))
[ "$waited" -ge 1900 ] || fail "DELETE sent after $waited ms, before the 2 s grace"
wait_for "the queue to empty" 10 queue_empty || fail "still queued"
wait_for "$n to leave releasing/" 5 not_in_releasing "$n" || fail "$n still in releasing/"
[ -e "$MNT/numbers/$n" ] && fail "$n back in numbers/"
expect_eq "DELETEs of $n" 1 "$(delete_count "$n")"
expect_eq "sandbox" released "$(ctl GET "/numbers/$n" | jq -r .status)"
expect_eq "audited outcome" ok \
	"$(jq -r --arg n "$n" 'select(.number == $n and .action == "release" and .event == "outcome") | .result' "$T/audit.jsonl")"
grep -q '^vobizfs_grace_releases_total{outcome="sent"} 1$' "$MNT/.metrics" || fail "metrics: sent is not 1"
grep -q '^vobizfs_releases_queued 0$' "$MNT/.metrics" || fail "metrics: queued gauge is not 0"
unmount_vobizfs

# The current dialect: the DELETE at the grace's end starts the cooldown.
rm -f "$T/vobizfs.ini"
write_config "dialect = current" "[release]" "grace = 2s"
mount_vobizfs
m=$(ls "$MNT/numbers" | head -1)
clear_requests
rm "$MNT/numbers/$m" || fail "rm of $m exited $?"
expect_eq "DELETEs at rm (current)" 0 "$(count_requests DELETE)"
wait_for "the DELETE (current)" 10 deletes_at_least 1 || fail "no DELETE for $m"
pending() { [ -e "$MNT/pending-release/$1" ]; }
wait_for "$m in pending-release/" 5 pending "$m" || fail "$m not in pending-release/"
expect_eq "DELETEs of $m" 1 "$(delete_count "$m")"
finish

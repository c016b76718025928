#!/bin/bash
# The daemon is killed while a DELETE hangs, and the API applies it a moment
# later.  The next mount settles the cut-off release from its listing (an
# audit outcome, a log line), and the user's retried rm sends no second
# DELETE: one DELETE in all.  When the API applies it only after the remount,
# the retried rm looks at the listing first and still sends nothing.
. "$(dirname "$0")/lib.sh"

TIMEOUT=30
start_sandbox --numbers 6 --sub-numbers 0
write_config "[release]" "audit_log = $T/audit.jsonl"

# crash_during_delete N MS: rm N, with its DELETE held MS ms by the sandbox
# and then applied; the daemon is killed while it hangs.
crash_during_delete() {
	local n=$1 ms=$2 rm_pid
	ctl POST /faults "{\"method\":\"DELETE\",\"number\":\"$n\",\"action\":\"stall\",\"ms\":$ms,\"apply\":true}" >/dev/null
	rm "$MNT/numbers/$n" 2>/dev/null &
	rm_pid=$!
	wait_for "the DELETE of $n to reach the sandbox" 10 request_arrived DELETE "/$n\$" ||
		fail "the DELETE of $n never arrived"
	kill_vobizfs
	wait "$rm_pid" 2>/dev/null
}

released_in_sandbox() {
	[ "$(ctl GET "/numbers/$1" | jq -r .status)" = released ]
}

# 1. Applied before the remount: settled at mount as released.
mount_vobizfs
a=$(ls "$MNT/numbers" | head -1)
clear_requests
crash_during_delete "$a" 1500
wait_for "the sandbox to apply the release of $a" 10 released_in_sandbox "$a" || fail "$a never released"
mount_vobizfs
grep -q "release of $a was cut off.*settled at mount: released" "$T/vobizfs.log" ||
	fail "the mount did not report settling $a"
expect_eq "audit outcome for $a" "settled at mount: released" \
	"$(jq -r --arg n "$a" 'select(.number == $n and .event == "outcome") | .message' "$T/audit.jsonl")"
expect_error "retried rm of $a" "No such file" rm "$MNT/numbers/$a"
expect_eq "DELETEs of $a in all" 1 "$(count_requests DELETE "/$a\$")"
fusermount3 -u "$MNT"
wait "$VOBIZFS_PID"
VOBIZFS_PID=

# 2. Applied only after the remount: the mount sees it held; the retried rm
# looks first, finds it released, and sends nothing.
b=$(sandbox_listed | head -1)
clear_requests
mount_vobizfs
crash_during_delete "$b" 4000
mount_vobizfs
grep -q "release of $b was cut off.*settled at mount: still held" "$T/vobizfs.log" ||
	fail "the mount did not report $b as still held"
ls "$MNT/numbers" | grep -qx "$b" || fail "$b is not listed after the remount"
wait_for "the sandbox to apply the release of $b" 10 released_in_sandbox "$b" || fail "$b never released"
rm "$MNT/numbers/$b" || fail "retried rm of $b exited $?"
expect_eq "DELETEs of $b in all" 1 "$(count_requests DELETE "/$b\$")"
expect_eq "last audit outcome for $b" "ok" \
	"$(jq -r --arg n "$b" 'select(.number == $n and .event == "outcome") | .result' "$T/audit.jsonl" | tail -1)"
[ -e "$MNT/numbers/$b" ] && fail "$b still shown"
finish

#!/bin/bash
# The daemon is paused (SIGSTOP: a suspended VM, a swapped-out process) while
# its DELETE hangs, until well past the request's deadline.  Whether the API
# then applied the release or not, the daemon does not report from the clock:
# it still reads the listing, so an applied release is rm's success (not
# "Connection timed out") and an unapplied one never says ok.  One DELETE.
. "$(dirname "$0")/lib.sh"

TIMEOUT=2 # [api] timeout = 2: the pause below lasts longer than the whole deadline
start_sandbox --numbers 10 --sub-numbers 0
write_config "[release]" "audit_log = $T/audit.jsonl"
mount_vobizfs

audit_of() { # NUMBER: "result|message" of its outcome line(s)
	jq -r --arg n "$1" 'select(.number == $n and .event == "outcome") | "\(.result)|\(.message)"' "$T/audit.jsonl"
}

# paused_rm NUMBER APPLY: rm NUMBER while the sandbox holds its DELETE 800 ms
# and then applies it (APPLY true) or drops the connection (false); the daemon
# is stopped for about 3 s meanwhile.  Sets RM_STATUS and RM_OUT.
paused_rm() {
	local n=$1 apply=$2 rm_pid
	clear_requests
	ctl POST /faults "{\"method\":\"DELETE\",\"number\":\"$n\",\"action\":\"stall\",\"ms\":800,\"apply\":$apply}" >/dev/null
	rm "$MNT/numbers/$n" >"$T/rm.out" 2>&1 &
	rm_pid=$!
	wait_for "the DELETE of $n to reach the sandbox" 10 request_arrived DELETE "/$n\$" ||
		fail "the DELETE of $n never arrived"
	# 3 s spans the 800 ms stall (so the sandbox answers, or drops, while the
	# daemon is stopped) and the whole 2 s deadline of the rm.
	pause_vobizfs 3
	wait "$rm_pid"
	RM_STATUS=$?
	RM_OUT=$(cat "$T/rm.out")
}

n=$(ls "$MNT/numbers" | grep "^9180" | head -1)
paused_rm "$n" true
expect_eq "rm of $n (applied during the pause): exit status ($RM_OUT)" 0 "$RM_STATUS"
grep -q "timed out" <<<"$RM_OUT" && fail "rm of $n says: $RM_OUT"
expect_eq "DELETEs of $n" 1 "$(count_requests DELETE)"
expect_eq "audit result of $n" ok "$(audit_of "$n" | cut -d'|' -f1)"
echo "applied: rm exit $RM_STATUS, audit: $(audit_of "$n")"
expect_eq "sandbox status of $n" released "$(ctl GET "/numbers/$n" | jq -r .status)"
ls "$MNT/numbers" | grep -qx "$n" && fail "$n still shown"
daemon_alive || fail "the daemon died"

m=$(ls "$MNT/numbers" | grep "^9180" | head -1)
paused_rm "$m" false
[ "$RM_STATUS" -ne 0 ] || fail "rm of $m (dropped during the pause) succeeded"
grep -qE "Input/output error|timed out" <<<"$RM_OUT" || fail "rm of $m: expected EIO or a timeout, got: $RM_OUT"
expect_eq "DELETEs of $m" 1 "$(count_requests DELETE)"
result=$(audit_of "$m" | cut -d'|' -f1)
[ -n "$result" ] || fail "no audit outcome for $m"
[ "$result" = ok ] && fail "audit says ok for $m, which was never released"
echo "dropped: rm exit $RM_STATUS ($RM_OUT), audit: $(audit_of "$m")"
expect_eq "sandbox status of $m" active "$(ctl GET "/numbers/$m" | jq -r .status)"
sandbox_listed | grep -qx "$m" || fail "$m not listed by the sandbox"
ls "$MNT/numbers" | grep -qx "$m" || fail "ls no longer shows $m"
finish

#!/bin/bash
# A purchase whose answer is lost is settled as a release is: from a listing
# that would have shown the number (a search that lists a held witness, else
# the whole listing), and the look is made even when the deadline is spent.
# So an API whose search matches exactly (never the bare digits) still shows
# a purchase that happened, and one POST is sent in all.
. "$(dirname "$0")/lib.sh"

TIMEOUT=2
start_sandbox --numbers 8 --sub-numbers 0 --inventory 20
write_config "[release]" "audit_log = $T/audit.jsonl" "[purchase]" "enabled = true"
mount_vobizfs
offers=$(ls "$MNT/inventory/IN")
ctl POST "/search-mode?mode=exact" >/dev/null

# purchase_case WHAT N FAULT [STOP]: mv inventory/IN/N numbers/ with FAULT on
# its POST (applied); with STOP, the daemon is stopped 3 s once the POST hangs.
purchase_case() {
	local what=$1 n=$2 fault=$3 stop=${4:-} mv_pid status
	clear_requests
	ctl POST /faults "{\"method\":\"POST\",$fault,\"apply\":true}" >/dev/null
	mv "$MNT/inventory/IN/$n" "$MNT/numbers/" 2>"$T/mv.err" &
	mv_pid=$!
	if [ -n "$stop" ]; then
		wait_for "the POST to hang" 10 request_arrived POST || fail "$what: the POST never arrived"
		pause_vobizfs 3 # longer than [api] timeout
	fi
	wait "$mv_pid"
	status=$?
	ctl DELETE /faults >/dev/null
	expect_eq "$what: mv exit status ($(cat "$T/mv.err"))" 0 "$status"
	expect_eq "$what: POSTs" 1 "$(count_requests POST)"
	expect_eq "$what: held by the account" "$AUTH_ID" "$(ctl GET "/numbers/$n" | jq -r .account_id)"
	ls "$MNT/numbers" | grep -qx "$n" || fail "$what: $n not in numbers/"
	expect_eq "$what: audit outcome" "ok" \
		"$(jq -r --arg n "$n" 'select(.number == $n and .event == "outcome") | .result' "$T/audit.jsonl")"
}

purchase_case "500 after the debit, exact-match search" "$(sed -n 1p <<<"$offers")" '"action":"status","status":500'
expect_eq "the whole listing was read" 1 "$(requests GET | grep -vc "search=")"
purchase_case "answer late, daemon paused" "$(sed -n 2p <<<"$offers")" '"action":"stall","ms":800' stop
finish

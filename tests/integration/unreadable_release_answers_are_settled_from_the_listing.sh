#!/bin/bash
# Answers to a DELETE that cannot be read, or that do not confirm it, are
# unknown outcomes settled from the listing — never a refusal, never a second
# blind DELETE: a 200 with a 20 MiB body or a 500 with one (the release
# applied), and a 1 MB header, from a hostile server (hostile_api.py), since
# the real API would never send them.  Each: rm 0, one DELETE, then a look.
. "$(dirname "$0")/lib.sh"

HOSTILE="$(dirname "$0")/hostile_api.py"
N1=918000000001 N2=918000000002 N3=918000000003

start_hostile() { # MODE
	rm -f "$T/api.port" "$T/hostile.jsonl"
	printf '%s' "$TOKEN" >"$T/token"
	python3 "$HOSTILE" --port-file "$T/api.port" --log "$T/hostile.jsonl" --auth-id "$AUTH_ID" \
		--token-file "$T/token" --numbers "$N1,$N2,$N3" --delete "$1" >"$T/sandbox.log" 2>&1 &
	SANDBOX_PID=$!
	wait_for "the hostile server" 10 test -s "$T/api.port" || exit 1
	API="http://127.0.0.1:$(cat "$T/api.port")"
	write_config "[release]" "max_per_hour = 10"
	: >"$T/hostile.jsonl"
}
stop_hostile() {
	unmount_vobizfs
	kill "$SANDBOX_PID" && wait "$SANDBOX_PID" 2>/dev/null
	SANDBOX_PID=
}
hostile_count() { # METHOD [REGEX]
	jq -c --arg m "$1" --arg p "${2:-.}" 'select(.method == $m and (.path | test($p)))' "$T/hostile.jsonl" | wc -l
}

used=0
for mode in big200 big500 hugeheader; do
	start_hostile "$mode"
	mount_vobizfs
	: >"$T/hostile.jsonl"
	timed rm "$MNT/numbers/$N1"
	echo "$mode: rm exit $LAST_STATUS after $LAST_MS ms: $LAST_OUT"
	expect_eq "rm exit status ($mode)" 0 "$LAST_STATUS"
	expect_eq "DELETEs ($mode)" 1 "$(hostile_count DELETE)"
	expect_eq "settled by a look at the listing ($mode)" 1 "$(hostile_count GET 'search=')"
	[ -e "$MNT/numbers/$N1" ] && fail "$N1 still shown ($mode)"
	# The slot stays spent (the state_dir is kept from one mode to the next).
	used=$((used + 1))
	expect_eq "budget used ($mode)" "$used" "$(jq -r '.releases.budget.used' "$MNT/.status")"
	stop_hostile
done
grep -q "answer larger than 16777216 bytes" "$T/vobizfs.log" || fail "the log does not say the answer was too large"
grep -qi "headers are too large" "$T/vobizfs.log" || fail "the log does not name the header too large"
grep -q "Out of memory" "$T/vobizfs.log" && fail "a header too large is logged as 'Out of memory'"
finish

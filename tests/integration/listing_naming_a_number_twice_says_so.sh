#!/bin/bash
# A listing whose page names one e164 twice (hostile_api.py; the real API and
# the sandbox never do) is refused with a message naming the number, not "the
# listing kept changing": ls fails with EIO, and the log says which number.
. "$(dirname "$0")/lib.sh"

HOSTILE="$(dirname "$0")/hostile_api.py"
printf '%s' "$TOKEN" >"$T/token"
python3 "$HOSTILE" --port-file "$T/api.port" --log "$T/hostile.jsonl" --auth-id "$AUTH_ID" \
	--token-file "$T/token" --numbers 918000000001,918000000002,918000000003 --twice-after 1 \
	>"$T/sandbox.log" 2>&1 &
SANDBOX_PID=$!
wait_for "the hostile server" 10 test -s "$T/api.port" || exit 1
API="http://127.0.0.1:$(cat "$T/api.port")"
write_config
mount_vobizfs # the first listing is read whole
expect_eq "numbers at mount" 3 "$(ls "$MNT/numbers" | wc -l)"
: >"$T/hostile.jsonl"
touch "$MNT/numbers" # drop the cache: the next ls reads the listing, which now lies
expect_error "ls of a listing naming a number twice" "Input/output error" ls "$MNT/numbers"
gets=$(wc -l <"$T/hostile.jsonl")
echo "ls of a listing naming a number twice: $gets GETs"
[ "$gets" -ge 1 ] && [ "$gets" -le 3 ] || fail "GETs for the listing: $gets, expected 1..3 (one per read)"
grep -q "names a number twice.*page 1 lists +918000000001 twice" "$T/vobizfs.log" ||
	fail "the log does not name the number listed twice"
grep -q "kept changing" "$T/vobizfs.log" && fail "the log says the listing kept changing"
finish

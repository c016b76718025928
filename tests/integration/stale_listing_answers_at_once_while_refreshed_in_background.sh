#!/bin/bash
# Past [cache] ttl, ls answers at once from the listing held while one
# refresh reads the account in the background; a later ls shows what it
# found.  touch still makes the next ls wait for a fresh read, and a
# background refresh that fails makes the next ls wait, and fail, in the open.
. "$(dirname "$0")/lib.sh"

start_sandbox --numbers 300 --sub-numbers 0
write_config "[cache]" "ttl = 1"
mount_vobizfs
has() { ls "$MNT/numbers" | grep -qx "$1"; }
stale() { jq -e '.listing.age_seconds >= 1' "$MNT/.status" >/dev/null; }
refreshing() { jq -e '.listing.refreshing' "$MNT/.status" >/dev/null; }
first_pages() { requests GET '/numbers$' | jq -r .query | grep -c '^page=1&'; }

ctl POST /numbers '{"e164":"+919000000001"}' >/dev/null
ctl POST '/latency?ms=1500' >/dev/null
wait_for "the listing to go stale" 5 stale || fail "the listing never went stale"
clear_requests
timed ls "$MNT/numbers"
[ "$LAST_STATUS" -eq 0 ] || fail "ls of a stale listing: $LAST_OUT"
[ "$LAST_MS" -lt 1000 ] || fail "ls of a stale listing waited $LAST_MS ms for the slow API"
grep -qx 919000000001 <<<"$LAST_OUT" && fail "the first ls past the TTL showed the new number before any read"
expect_eq "numbers in the stale answer" 300 "$(wc -l <<<"$LAST_OUT")"
wait_for "the background read to start" 5 request_arrived GET '/numbers$' || fail "no refresh was started"
refreshing || fail ".status does not say a refresh is running"
# Readers keep being answered at once while it runs, and it runs once.
timed ls -l "$MNT/numbers"
[ "$LAST_MS" -lt 1000 ] || fail "ls -l during the refresh waited $LAST_MS ms"
wait_for "the refresh to bring the new number" 15 has 919000000001 || fail "the refresh never showed the new number"
expect_eq "page-1 requests of the one refresh" 1 "$(first_pages)"

# touch: the next ls waits for a listing asked for after it.
ctl DELETE /numbers/919000000001 >/dev/null
touch "$MNT/numbers" || fail "touch numbers"
timed ls "$MNT/numbers"
[ "$LAST_MS" -ge 1400 ] || fail "ls after touch answered in $LAST_MS ms, before a fresh read"
grep -qx 919000000001 <<<"$LAST_OUT" && fail "ls after touch still shows a number gone from the account"

# A background refresh that fails: the ls that started it was answered; the
# next one waits for a read of its own and reports its failure.
ctl POST '/latency?ms=0' >/dev/null
ctl POST /faults '{"method":"GET","page":1,"action":"status","status":503,"count":-1}' >/dev/null
wait_for "the listing to go stale" 5 stale || fail "the listing never went stale again"
clear_requests
ls "$MNT/numbers" >/dev/null || fail "ls answered from a stale listing failed"
wait_for "the background read to fail" 10 sh -c "! jq -e '.listing.refreshing' '$MNT/.status' >/dev/null && [ \"\$(jq '.api.errors' '$MNT/.status')\" -ge 1 ]" ||
	fail "the background refresh did not fail"
expect_error "ls after a failed background refresh" "Input/output error" ls "$MNT/numbers"
ctl DELETE /faults >/dev/null
expect_eq "ls once the API recovers" 300 "$(ls "$MNT/numbers" | wc -l)"
finish

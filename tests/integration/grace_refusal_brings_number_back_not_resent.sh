#!/bin/bash
# A 403 at the grace's end: the number is back in numbers/, the refusal is
# logged once with the API's message and counted, and it is never resent.
# A sub-account's number (another account_id) is EACCES at rm, at once.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_grace.sh"

start_sandbox --numbers 5 --sub-numbers 2
write_config "[release]" "grace = 2s" "audit_log = $T/audit.jsonl"
mount_vobizfs
sub=$(ctl GET /numbers | jq -r --arg id "$AUTH_ID" '[.[] | select(.account_id != $id)][0]["e164"] | ltrimstr("+")')
n=$(ctl GET /numbers | jq -r --arg id "$AUTH_ID" '[.[] | select(.account_id == $id)][0]["e164"] | ltrimstr("+")')
clear_requests
expect_error "rm of a sub-account's number" "Permission denied" rm "$MNT/numbers/$sub"
[ -e "$MNT/numbers/$sub" ] || fail "$sub left numbers/"
ctl POST /faults "{\"method\":\"DELETE\",\"number\":\"$n\",\"action\":\"status\",\"status\":403,\"body\":\"{\\\"error\\\":\\\"forbidden\\\",\\\"message\\\":\\\"number locked by compliance\\\"}\"}" >/dev/null
rm "$MNT/numbers/$n" || fail "rm exited $?"
wait_for "the DELETE" 10 deletes_at_least 1 || fail "no DELETE"
back() { [ -e "$MNT/numbers/$n" ]; }
wait_for "$n back in numbers/" 5 back || fail "$n not back in numbers/"
[ -e "$MNT/releasing/$n" ] && fail "$n still in releasing/"
expect_eq "refusal log lines" 1 "$(grep -c "release of $n at the end of its grace was refused.*number locked by compliance" "$T/vobizfs.log")"
expect_eq "counted" 1 "$(jq -r .releases.queued.refused "$MNT/.status")"
grep -q '^vobizfs_grace_releases_total{outcome="refused"} 1$' "$MNT/.metrics" || fail "metrics: refused is not 1"
wait_for "a second DELETE" 5 deletes_at_least 2 && fail "the refused release was resent"
expect_eq "DELETEs in all" 1 "$(count_requests DELETE)"
finish

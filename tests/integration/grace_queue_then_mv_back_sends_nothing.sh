#!/bin/bash
# [release] grace = 3s: rm queues the release and sends nothing; the number
# leaves numbers/ and shows in releasing/ with its due time and caller; mv
# back cancels it with no request, and nothing is sent when the grace would
# have ended.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_grace.sh"

start_sandbox --numbers 5 --sub-numbers 0
write_config "[release]" "grace = 3s" "audit_log = $T/audit.jsonl"
mount_vobizfs
n=$(ls "$MNT/numbers" | head -1)
clear_requests
rm "$MNT/numbers/$n" || fail "rm exited $?"
[ -e "$MNT/numbers/$n" ] && fail "$n still in numbers/"
expect_eq "releasing/" "$n" "$(ls "$MNT/releasing")"
expect_eq "record in releasing/" "+$n" "$(jq -r '.["e164"]' "$MNT/releasing/$n")"
getfattr --only-values -n user.vobiz.release_due "$MNT/releasing/$n" | grep -Eq '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$' ||
	fail "release_due is not RFC 3339"
getfattr --only-values -n user.vobiz.release_requested_by "$MNT/releasing/$n" | grep -q '^rm (pid [0-9]*, uid [0-9]*)$' ||
	fail "release_requested_by does not name rm"
expect_eq "queued" 1 "$(queued_count)"
expect_eq "requests while queued" 0 "$(all_requests)"
mv "$MNT/releasing/$n" "$MNT/numbers/" || fail "mv back exited $?"
[ -e "$MNT/numbers/$n" ] || fail "$n not back in numbers/"
expect_eq "releasing/ after the cancel" "" "$(ls "$MNT/releasing")"
expect_eq "queued after the cancel" 0 "$(queued_count)"
# Nothing goes out when the grace would have ended (bounded wait for absence).
wait_for "a DELETE" 6 deletes_at_least 1 && fail "a DELETE was sent after the cancel"
expect_eq "requests in all" 0 "$(all_requests)"
expect_eq "audited cancel" "release-cancelled" \
	"$(jq -r --arg n "$n" 'select(.number == $n) | .action' "$T/audit.jsonl" | tail -1)"
grep -q "queued release of $n cancelled" "$T/vobizfs.log" || fail "no log line for the cancel"
finish

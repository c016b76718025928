#!/bin/bash
# The cancel-release refusals as the API writes them: a number the account
# does not own answers 403 {"error":"access denied"} ("Permission denied");
# a number no longer pending answers 400 {"error":"number is not pending
# release"} ("Operation not permitted", never EINVAL for mv).  Each mv sends
# its POST once, and the log carries the API's words.
. "$(dirname "$0")/lib.sh"

start_sandbox --numbers 6 --sub-numbers 2
# The sub-account's number, pending (set behind the API's back).
theirs=$(ctl GET /numbers | jq -r '[.[] | select(.account_id | startswith("SA_"))][0]["e164"] | ltrimstr("+")')
ctl PATCH "/numbers/$theirs" '{"status":"pending_release"}' >/dev/null
write_config "dialect = current" "[release]" "audit_log = $T/audit.jsonl"
mount_vobizfs
mine=$(ls "$MNT/numbers" | head -1)
rm "$MNT/numbers/$mine" || fail "rm exited $?"
# Cancelled elsewhere: the mount still lists it as pending.
ctl PATCH "/numbers/$mine" '{"status":"active"}' >/dev/null
clear_requests

expect_error "cancel of a number not ours" "Permission denied" mv "$MNT/pending-release/$theirs" "$MNT/numbers/"
expect_eq "POSTs for it" 1 "$(count_requests POST "%2B$theirs/cancel-release$")"
grep -q "cancel-release: HTTP 403: access denied" "$T/vobizfs.log" || fail "the log does not say 'access denied'"

expect_error "cancel of a number not pending" "Operation not permitted" mv "$MNT/pending-release/$mine" "$MNT/numbers/"
expect_eq "POSTs for it" 1 "$(count_requests POST "%2B$mine/cancel-release$")"
grep -q "cancel-release: HTTP 400: number is not pending release" "$T/vobizfs.log" ||
	fail "the log does not say 'number is not pending release'"
expect_eq "requests in all" 2 "$(ctl GET /requests | jq length)"
expect_eq "audited" "EACCES 403 access denied,EINVAL 400 number is not pending release" \
	"$(jq -r 'select(.event == "outcome" and .action == "cancel-release") | "\(.result) \(.http_status) \(.message)"' "$T/audit.jsonl" | paste -sd,)"
expect_eq ".status" "0 0" "$(jq -r '"\(.releases.cancelled) \(.releases.refunds_failed)"' "$MNT/.status")"
finish

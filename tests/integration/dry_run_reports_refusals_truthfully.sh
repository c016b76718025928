#!/bin/bash
# [release] dry_run says what the real run would do: rm of a sub-account's
# number (the API would answer 403) fails with "Permission denied", and the
# log and the audit log say it would be refused and by whose ownership; rm of
# an owned number succeeds.  Neither sends a request, both numbers stay, and a
# dry run takes nothing from the release budget.
. "$(dirname "$0")/lib.sh"

start_sandbox --numbers 10 --sub-numbers 3
write_config "[release]" "dry_run = true" "audit_log = $T/audit.jsonl"
mount_vobizfs
sub=$(ctl GET /numbers | jq -r '[.[] | select(.account_id | startswith("SA_"))][1]["e164"] | ltrimstr("+")')
owner=$(ctl GET "/numbers/$sub" | jq -r .account_id)
owned=$(ctl GET /numbers | jq -r --arg id "$AUTH_ID" '[.[] | select(.account_id == $id)][2]["e164"] | ltrimstr("+")')
expect_eq "owner of $sub" SA_SANDBOX2 "$owner"
before=$(sandbox_listed)
clear_requests

expect_error "dry-run rm of sub-account number $sub" "Permission denied" rm "$MNT/numbers/$sub"
rm "$MNT/numbers/$owned" || fail "dry-run rm of owned number $owned exited $?"
expect_eq "API requests of any kind" 0 "$(ctl GET /requests | jq length)"
[ -f "$MNT/numbers/$sub" ] || fail "$sub disappeared"
[ -f "$MNT/numbers/$owned" ] || fail "$owned disappeared"
expect_eq "sandbox unchanged" "$before" "$(sandbox_listed)"

grep -q "dry run: release of $sub would be refused (owned by $owner)" "$T/vobizfs.log" ||
	fail "the log does not say $sub would be refused: $(grep "$sub" "$T/vobizfs.log")"
grep -q "dry run: would release $owned" "$T/vobizfs.log" || fail "the log does not say $owned would be released"
grep "$owned" "$T/vobizfs.log" | grep -q refused && fail "the log says $owned would be refused"
expect_eq "audit for $sub" '[{"event":"intent","dry_run":true},{"event":"outcome","dry_run":true,"result":"EACCES","http_status":0,"refused":true}]' \
	"$(jq -c --arg n "$sub" --arg o "$owner" 'select(.number == $n) |
		{event, dry_run} + (if .event == "outcome" then {result, http_status,
		refused: (.message | contains("would be refused (owned by " + $o + ")"))} else {} end)' "$T/audit.jsonl" | jq -sc .)"
expect_eq "audit for $owned" '[{"event":"intent","dry_run":true},{"event":"outcome","dry_run":true,"result":"ok"}]' \
	"$(jq -c --arg n "$owned" 'select(.number == $n) | {event, dry_run} + (if .event == "outcome" then {result} else {} end)' \
		"$T/audit.jsonl" | jq -sc .)"
expect_eq ".status" '{"dry_run":true,"releases":{"budget":{"max_per_hour":50,"used":0,"left":50},"released":0,"dry_run":2}}' \
	"$(jq -c '{dry_run, releases: (.releases | {budget, released, dry_run})}' "$MNT/.status")"
finish

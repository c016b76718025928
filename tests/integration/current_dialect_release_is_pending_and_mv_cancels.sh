#!/bin/bash
# [api] dialect = current: rm sends DELETE .../numbers/%2BN; the number moves
# to pending-release/N with its cooldown and fee; mv pending-release/N
# numbers/ sends the cancel-release POST and brings it back.
. "$(dirname "$0")/lib.sh"

start_sandbox --numbers 10 --sub-numbers 0
write_config "dialect = current" "[release]" "audit_log = $T/audit.jsonl"
mount_vobizfs
n=$(ls "$MNT/numbers" | head -1)
clear_requests

rm "$MNT/numbers/$n" || fail "rm exited $?"
expect_eq "DELETE path" "/api/v1/Account/$AUTH_ID/numbers/%2B$n" "$(requests DELETE | jq -r .path)"
expect_eq "gone from numbers/" "" "$(ls "$MNT/numbers" | grep -x "$n")"
expect_eq "in pending-release/" "$n" "$(ls "$MNT/pending-release")"
expect_eq "status" "pending_release" "$(jq -r .status "$MNT/pending-release/$n")"
jq -e '.cooldown_ends_at | length > 0' "$MNT/pending-release/$n" >/dev/null || fail "no cooldown_ends_at"
jq -e '.release_fee | type == "number"' "$MNT/pending-release/$n" >/dev/null || fail "no release_fee"
expect_eq "sandbox status" "pending_release" "$(ctl GET "/numbers/$n" | jq -r .status)"

mv "$MNT/pending-release/$n" "$MNT/numbers/" || fail "mv exited $?"
expect_eq "cancel request" "POST /api/v1/account/$AUTH_ID/numbers/%2B$n/cancel-release" \
	"$(requests POST | jq -r '.method + " " + .path')"
expect_eq "back in numbers/" "$n" "$(ls "$MNT/numbers" | grep -x "$n")"
expect_eq "pending-release/ empty" "" "$(ls "$MNT/pending-release")"
expect_eq "status after cancel" "active" "$(jq -r .status "$MNT/numbers/$n")"
expect_eq "sandbox status after cancel" "active" "$(ctl GET "/numbers/$n" | jq -r .status)"
expect_eq "audited actions" "release ok,cancel-release ok" \
	"$(jq -r 'select(.event == "outcome") | .action + " " + .result' "$T/audit.jsonl" | paste -sd,)"

expect_error "mv of a number that is not pending" "Operation not permitted" \
	mv "$MNT/numbers/$n" "$MNT/pending-release/"
finish

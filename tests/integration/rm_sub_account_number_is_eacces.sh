#!/bin/bash
# rm of a sub-account's number: the API answers 403, rm says "Permission
# denied", and the file stays.
. "$(dirname "$0")/lib.sh"

start_sandbox --numbers 20 --sub-numbers 3
mount_vobizfs

n=$(ctl GET /numbers | jq -r --arg id "$AUTH_ID" '[.[] | select(.account_id != $id)][0]["e164"] | ltrimstr("+")')
[ -n "$n" ] || fail "the sandbox has no sub-account number"
clear_requests
expect_error "rm of $n" "Permission denied" rm "$MNT/numbers/$n"
expect_eq "DELETE requests" 1 "$(count_requests DELETE)"
[ -f "$MNT/numbers/$n" ] || fail "the file disappeared"
expect_eq "still listed by ls" "$n" "$(ls "$MNT/numbers" | grep -x "$n")"
finish

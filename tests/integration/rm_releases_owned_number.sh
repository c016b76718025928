#!/bin/bash
# rm numbers/N sends exactly one DELETE to the documented path with both auth
# headers, exits 0, and the file is gone.
. "$(dirname "$0")/lib.sh"

start_sandbox --numbers 30
mount_vobizfs

n=$(ctl GET /numbers | jq -r --arg id "$AUTH_ID" '[.[] | select(.account_id == $id)][3]["e164"] | ltrimstr("+")')
clear_requests
rm "$MNT/numbers/$n" || fail "rm exited $?"
expect_eq "DELETE requests" 1 "$(count_requests DELETE)"
expect_eq "DELETE path" "/api/v1/Account/$AUTH_ID/numbers/$n" "$(requests DELETE | jq -r .path)"
expect_eq "X-Auth-ID header" "$AUTH_ID" "$(requests DELETE | jq -r '.headers["X-Auth-ID"]')"
expect_eq "X-Auth-Token accepted" "true" "$(requests DELETE | jq -r .token_ok)"
expect_eq "file gone" "" "$(ls "$MNT/numbers" | grep -x "$n")"
[ -e "$MNT/numbers/$n" ] && fail "stat still finds $n"
expect_eq "sandbox no longer lists it" "" "$(sandbox_listed | grep -x "$n")"
finish

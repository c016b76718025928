#!/bin/bash
# [release] immediate = true in the current dialect: the DELETE carries
# ?immediate=true and the number is in neither numbers/ nor pending-release/.
. "$(dirname "$0")/lib.sh"

start_sandbox --numbers 10 --sub-numbers 0
write_config "dialect = current" "[release]" "immediate = true"
mount_vobizfs
n=$(ls "$MNT/numbers" | head -1)
clear_requests

rm "$MNT/numbers/$n" || fail "rm exited $?"
expect_eq "DELETE" "/api/v1/Account/$AUTH_ID/numbers/%2B$n immediate=true" \
	"$(requests DELETE | jq -r '.path + " " + .query')"
expect_eq "not in numbers/" "" "$(ls "$MNT/numbers" | grep -x "$n")"
expect_eq "not in pending-release/" "" "$(ls "$MNT/pending-release")"
touch "$MNT/numbers"
expect_eq "not listed after a refresh" "" "$(ls "$MNT/numbers" "$MNT/pending-release" | grep -x "$n")"
finish

#!/bin/bash
# [api] dialect = legacy (the default) against an API that answers the
# digits path as the current dialect does (--shape legacy-delete=pending: 200
# with a pending_release body): each rm succeeds with one DELETE, the number
# leaves numbers/ as pending release, and the log says once per mount that
# the API works in the current dialect, where pending-release/ and mv cancel.
. "$(dirname "$0")/lib.sh"

start_sandbox --numbers 8 --sub-numbers 0 --shape legacy-delete=pending
write_config "[release]" "audit_log = $T/audit.jsonl"
mount_vobizfs
read -r a b < <(ls "$MNT/numbers" | head -2 | paste -sd' ')
clear_requests

rm "$MNT/numbers/$a" || fail "rm $a exited $?"
rm "$MNT/numbers/$b" || fail "rm $b exited $?"
expect_eq "DELETEs" "/api/v1/Account/$AUTH_ID/numbers/$a,/api/v1/Account/$AUTH_ID/numbers/$b" \
	"$(requests DELETE | jq -r .path | paste -sd,)"
expect_eq "requests in all" 2 "$(ctl GET /requests | jq length)"
expect_eq "answered" "200,200" "$(requests DELETE | jq -r .status | paste -sd,)"
ls "$MNT/numbers" | grep -qx "$a" && fail "$a still in numbers/"
expect_eq "sandbox" "pending_release pending_release" \
	"$(ctl GET "/numbers/$a" | jq -r .status) $(ctl GET "/numbers/$b" | jq -r .status)"
expect_eq "the hint, once" 1 "$(grep -c "works in the current dialect; \[api\] dialect = current shows pending-release/" "$T/vobizfs.log")"
test -e "$MNT/pending-release" && fail "pending-release/ exists in the legacy dialect"
expect_eq "audited" "ok,ok" "$(jq -r 'select(.event == "outcome") | .result' "$T/audit.jsonl" | paste -sd,)"
expect_eq ".status released" 2 "$(jq .releases.released "$MNT/.status")"
unmount_vobizfs

# As the hint says: the current dialect shows them and cancels.
write_config "dialect = current"
mount_vobizfs
expect_eq "pending-release/" "$(printf '%s\n' "$a" "$b" | sort)" "$(ls "$MNT/pending-release")"
mv "$MNT/pending-release/$a" "$MNT/numbers/" || fail "mv exited $?"
expect_eq "cancelled" "active" "$(ctl GET "/numbers/$a" | jq -r .status)"
finish

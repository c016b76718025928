#!/bin/bash
# [release] dry_run rehearses both directions (audited, nothing sent, nothing
# moves); [release] read_only and -o ro refuse them with "Read-only file
# system" and send nothing.  Health files still read on a read-only mount.
. "$(dirname "$0")/lib.sh"

start_sandbox --numbers 6 --sub-numbers 1
write_config "[release]" "dry_run = true" "audit_log = $T/audit.jsonl"
mount_vobizfs
n=$(ls "$MNT/by-account/$AUTH_ID" | head -1)
s=$(ls "$MNT/by-account/SA_SANDBOX2" | head -1)
clear_requests
mv "$MNT/numbers/$n" "$MNT/by-account/SA_SALES01/" || fail "dry run: mv exited $?"
mv "$MNT/by-account/SA_SANDBOX2/$s" "$MNT/numbers/" || fail "dry run: mv back exited $?"
expect_eq "dry run: nothing sent" 0 "$(ctl GET /requests | jq length)"
expect_eq "dry run: nothing moved" "$AUTH_ID SA_SANDBOX2" \
	"$(ctl GET "/numbers/$n" | jq -r .account_id) $(ctl GET "/numbers/$s" | jq -r .account_id)"
ls "$MNT/by-account/SA_SANDBOX2" | grep -qx "$s" || fail "dry run: $s moved in the mount"
ls "$MNT/by-account" | grep -qx SA_SALES01 && fail "dry run: SA_SALES01 appeared"
expect_eq "dry run: audited" "intent assign-subaccount true|outcome assign-subaccount true|intent unassign-subaccount true|outcome unassign-subaccount true" \
	"$(jq -r '"\(.event) \(.action) \(.dry_run)"' "$T/audit.jsonl" | paste -sd'|')"
expect_eq "dry run: .status" 2 "$(jq .moves.dry_run "$MNT/.status")"
unmount_vobizfs

write_config "[release]" "read_only = true"
mount_vobizfs
clear_requests
expect_error "read_only: give" "Read-only file system" mv "$MNT/numbers/$n" "$MNT/by-account/SA_SALES01/"
expect_error "read_only: take back" "Read-only file system" mv "$MNT/by-account/SA_SANDBOX2/$s" "$MNT/numbers/"
expect_eq "read_only: nothing sent" 0 "$(ctl GET /requests | jq length)"
unmount_vobizfs

write_config
mount_vobizfs -o ro
clear_requests
expect_error "-o ro: give" "Read-only file system" mv "$MNT/numbers/$n" "$MNT/by-account/SA_SALES01/"
expect_error "-o ro: take back" "Read-only file system" mv "$MNT/by-account/SA_SANDBOX2/$s" "$MNT/numbers/"
expect_eq "-o ro: nothing sent" 0 "$(ctl GET /requests | jq length)"
jq -e .summary "$MNT/health/$n" >/dev/null || fail "-o ro: health/$n does not read"
expect_eq "-o ro: the health GET only" "GET" "$(ctl GET /requests | jq -r '.[].method' | paste -sd' ')"
finish

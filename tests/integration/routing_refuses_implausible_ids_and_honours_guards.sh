#!/bin/bash
# Implausible route ids are "Invalid argument" and never sent; other
# user.vobiz.* attributes are read-only; dry_run rehearses a route change and
# -o ro refuses it.
. "$(dirname "$0")/lib.sh"

start_sandbox --numbers 8 --sub-numbers 0
write_config "[release]" "dry_run = true" "audit_log = $T/audit.jsonl"
mount_vobizfs
n=$(ctl GET /numbers | jq -r '[.[] | select(.trunk_group_id == null and .application_id == null)][0]["e164"] | ltrimstr("+")')
f=$MNT/numbers/$n
clear_requests

long=$(printf 'x%.0s' $(seq 65))
for bad in "" "$long" "a/b" "a b" "trunk;rm" "ü"; do
	expect_error "trunk id '$bad'" "Invalid argument" setfattr -n user.vobiz.trunk_group_id -v "$bad" "$f"
	expect_error "application id '$bad'" "Invalid argument" setfattr -n user.vobiz.application_id -v "$bad" "$f"
done
expect_error "user.vobiz.region" "Operation not permitted" setfattr -n user.vobiz.region -v X "$f"
expect_error "user.other" "Operation not permitted" setfattr -n user.other -v X "$f"
expect_eq "requests" 0 "$(ctl GET /requests | jq length)"

setfattr -n user.vobiz.trunk_group_id -v trunk-dry "$f" || fail "dry run setfattr exited $?"
expect_eq "requests in the dry run" 0 "$(ctl GET /requests | jq length)"
expect_eq "unchanged" "null" "$(ctl GET "/numbers/$n" | jq -r .trunk_group_id)"
expect_eq "audited dry run" "assign-trunk true ok" \
	"$(jq -r 'select(.event == "outcome") | "\(.action) \(.dry_run) \(.result)"' "$T/audit.jsonl")"
unmount_vobizfs

write_config
mount_vobizfs -o ro
clear_requests
expect_error "setfattr on a read-only mount" "Read-only file system" setfattr -n user.vobiz.trunk_group_id -v t1 "$f"
expect_eq "requests" 0 "$(ctl GET /requests | jq length)"
finish

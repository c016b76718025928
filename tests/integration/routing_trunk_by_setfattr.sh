#!/bin/bash
# setfattr -n user.vobiz.trunk_group_id assigns a number to a trunk, -x
# unassigns it; moving it to another trunk is refused with "Device or
# resource busy" and sends nothing.  The record shows the change at once,
# and each change is audited.
. "$(dirname "$0")/lib.sh"

start_sandbox --numbers 12 --sub-numbers 0
write_config "[release]" "audit_log = $T/audit.jsonl"
mount_vobizfs
n=$(ctl GET /numbers | jq -r '[.[] | select(.trunk_group_id == null and .application_id == null)][0]["e164"] | ltrimstr("+")')
f=$MNT/numbers/$n
clear_requests

setfattr -n user.vobiz.trunk_group_id -v trunk-A1 "$f" || fail "setfattr exited $?"
expect_eq "assign request" "POST /api/v1/Account/$AUTH_ID/numbers/%2B$n/assign" "$(requests POST | jq -r '.method + " " + .path')"
expect_eq "assign body" "trunk-A1" "$(requests POST | jq -r '.body | fromjson | .trunk_group_id')"
expect_eq "getfattr" "trunk-A1" "$(getfattr -n user.vobiz.trunk_group_id --only-values "$f")"
expect_eq "cat" "trunk-A1" "$(jq -r .trunk_group_id "$f")"
expect_eq "sandbox" "trunk-A1" "$(ctl GET "/numbers/$n" | jq -r .trunk_group_id)"
expect_eq "by-trunk view" "$n" "$(ls "$MNT/by-trunk/trunk-A1")"

clear_requests
expect_error "moving to another trunk" "Device or resource busy" setfattr -n user.vobiz.trunk_group_id -v trunk-B2 "$f"
expect_error "attaching an application" "Device or resource busy" setfattr -n user.vobiz.application_id -v app-1 "$f"
setfattr -n user.vobiz.trunk_group_id -v trunk-A1 "$f" || fail "setting the same trunk again"
expect_eq "requests for refused or unchanged routes" 0 "$(ctl GET /requests | jq length)"

setfattr -x user.vobiz.trunk_group_id "$f" || fail "setfattr -x exited $?"
expect_eq "unassign request" "DELETE /api/v1/Account/$AUTH_ID/numbers/%2B$n/assign" "$(requests DELETE | jq -r '.method + " " + .path')"
expect_error "getfattr after -x" "No such attribute" getfattr -n user.vobiz.trunk_group_id "$f"
expect_eq "sandbox after -x" "null" "$(ctl GET "/numbers/$n" | jq -r .trunk_group_id)"
expect_eq "cat after -x" "null" "$(jq -r .trunk_group_id "$f")"
expect_error "setfattr -x again" "No such attribute" setfattr -x user.vobiz.trunk_group_id "$f"

expect_eq "audit" "assign-trunk intent,assign-trunk ok,unassign-trunk intent,unassign-trunk ok" \
	"$(jq -r '.action + " " + (.result // .event)' "$T/audit.jsonl" | paste -sd,)"
expect_eq "audited caller" "setfattr" "$(jq -r .comm "$T/audit.jsonl" | sort -u)"
finish

#!/bin/bash
# user.vobiz.application_id attaches and detaches an application on the path
# the current docs write, /api/v1/Account/... (capital A; the sandbox answers
# the lowercase path 404, as a strict server does); a number on a trunk
# cannot take one ("Device or resource busy", nothing sent).
. "$(dirname "$0")/lib.sh"

start_sandbox --numbers 12 --sub-numbers 0
mount_vobizfs
idle=$(ctl GET /numbers | jq -r '[.[] | select(.trunk_group_id == null and .application_id == null)][0]["e164"] | ltrimstr("+")')
trunked=$(ctl GET /numbers | jq -r '[.[] | select(.trunk_group_id != null)][0]["e164"] | ltrimstr("+")')
[ "$trunked" != null ] || fail "the sandbox has no number on a trunk"
clear_requests

setfattr -n user.vobiz.application_id -v app_42 "$MNT/numbers/$idle" || fail "setfattr exited $?"
expect_eq "attach request" "POST /api/v1/Account/$AUTH_ID/numbers/%2B$idle/application" "$(requests POST | jq -r '.method + " " + .path')"
expect_eq "attach body" "app_42" "$(requests POST | jq -r '.body | fromjson | .application_id')"
expect_eq "getfattr" "app_42" "$(getfattr -n user.vobiz.application_id --only-values "$MNT/numbers/$idle")"
expect_eq "sandbox" "app_42" "$(ctl GET "/numbers/$idle" | jq -r .application_id)"
ls "$MNT/unassigned" | grep -qx "$idle" && fail "an attached number is still unassigned"

clear_requests
expect_error "application on a trunk number" "Device or resource busy" \
	setfattr -n user.vobiz.application_id -v app_42 "$MNT/numbers/$trunked"
expect_eq "requests" 0 "$(ctl GET /requests | jq length)"

setfattr -x user.vobiz.application_id "$MNT/numbers/$idle" || fail "setfattr -x exited $?"
expect_eq "detach request" "DELETE /api/v1/Account/$AUTH_ID/numbers/%2B$idle/application" "$(requests DELETE | jq -r '.method + " " + .path')"
expect_eq "sandbox after detach" "null" "$(ctl GET "/numbers/$idle" | jq -r .application_id)"
ls "$MNT/unassigned" | grep -qx "$idle" || fail "a detached number is not unassigned"

# The lowercase path is not the documented one: a strict server does not know it.
expect_eq "lowercase path" 404 "$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "X-Auth-ID: $AUTH_ID" \
	-H "X-Auth-Token: $TOKEN" --data '{"application_id":"app_42"}' "$API/api/v1/account/$AUTH_ID/numbers/%2B$idle/application")"
finish

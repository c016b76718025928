#!/bin/bash
# POST .../assign is answered 204, or 200 with a JSON body by one revision
# (--shape assign=200): setfattr succeeds either way, with one request, and
# the record shows the trunk at once.  A refusal in the documented shape
# (400 {"error":"invalid request","message":"This number is already assigned
# to a trunk."}) is "Invalid argument" with the API's message in the log.
. "$(dirname "$0")/lib.sh"

start_sandbox --numbers 16 --sub-numbers 0
mount_vobizfs
idle=$(ctl GET /numbers | jq -r '[.[] | select(.trunk_group_id == null and .application_id == null) | .["e164"] | ltrimstr("+")] | .[0:3] | join(" ")')
read -r a b c <<<"$idle"
[ -n "$c" ] || fail "the sandbox has fewer than three unrouted numbers"

for variant in 204 200; do
	n=$a
	[ "$variant" = 200 ] && n=$b
	ctl POST /shapes "{\"assign\":\"$variant\"}" >/dev/null
	clear_requests
	setfattr -n user.vobiz.trunk_group_id -v "trunk-$variant" "$MNT/numbers/$n" || fail "assign answered $variant: setfattr exited $?"
	expect_eq "assign answered $variant: requests" 1 "$(ctl GET /requests | jq length)"
	expect_eq "assign answered $variant: status" "$variant" "$(requests POST /assign | jq -r .status)"
	expect_eq "assign answered $variant: getfattr" "trunk-$variant" \
		"$(getfattr --absolute-names -n user.vobiz.trunk_group_id --only-values "$MNT/numbers/$n")"
	expect_eq "assign answered $variant: by-trunk/" "$n" "$(ls "$MNT/by-trunk/trunk-$variant")"
done

# Assigned behind the mount's back: the API refuses, in its own words.
ctl PATCH "/numbers/$c" '{"trunk_group_id":"elsewhere"}' >/dev/null
clear_requests
expect_error "assign to a number already on a trunk" "Invalid argument" \
	setfattr -n user.vobiz.trunk_group_id -v trunk-x "$MNT/numbers/$c"
expect_eq "requests" 1 "$(ctl GET /requests | jq length)"
grep -q "assign: HTTP 400: This number is already assigned to a trunk." "$T/vobizfs.log" ||
	fail "the log does not carry the API's message"
finish

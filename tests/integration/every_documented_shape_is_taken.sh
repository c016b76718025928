#!/bin/bash
# DESIGN §2 "Shapes that vary", through a real mount: the sandbox serves the
# listing and the inventory in each documented variant (switched through its
# control API, /shapes) — unset keys absent or null, the richer field set,
# fees as floats, timestamps with 0 or 9 fractional digits, all at once —
# and every time ls shows exactly the listed numbers (one GET), cat shows each
# record field for field, st_mtime is purchased_at, unassigned/ holds the
# numbers with neither route, and the attributes read as the record says.
. "$(dirname "$0")/lib.sh"
export LC_ALL=C

start_sandbox --numbers 40 --sub-numbers 2 --inventory 12
# One number on an application, whatever the generator chose.
idle=$(ctl GET /numbers | jq -r '[.[] | select(.trunk_group_id == null and .application_id == null)][0]["e164"] | ltrimstr("+")')
ctl PATCH "/numbers/$idle" '{"application_id":"20577609616603585"}' >/dev/null
write_config "[cache]" "ttl = 0"
mount_vobizfs

check_variant() { # DESCRIPTION
	local what=$1 listed n trunked
	clear_requests
	listed=$(sandbox_listed)
	expect_eq "$what: ls numbers" "$listed" "$(ls "$MNT/numbers")"
	expect_eq "$what: listing requests" 1 "$(count_requests GET "/numbers$")"
	expect_eq "$what: records" "$(ctl GET /numbers | jq -S '[.[] | select(.status == "active")]')" \
		"$(jq -S -s . "$MNT"/numbers/*)"
	expect_eq "$what: unassigned/" \
		"$(ctl GET /numbers | jq -r '.[] | select(.trunk_group_id == null and .application_id == null) | .["e164"] | ltrimstr("+")')" \
		"$(ls "$MNT/unassigned")"
	for n in $(head -3 <<<"$listed") "$idle"; do
		expect_eq "$what: st_mtime of $n" "$(date -d "$(ctl GET "/numbers/$n" | jq -r .purchased_at)" +%s)" \
			"$(stat -c %Y "$MNT/numbers/$n")"
		expect_eq "$what: monthly_fee of $n" "$(ctl GET "/numbers/$n" | jq -r .monthly_fee)" \
			"$(getfattr --absolute-names -n user.vobiz.monthly_fee --only-values "$MNT/numbers/$n")"
	done
	expect_eq "$what: application_id" "20577609616603585" \
		"$(getfattr --absolute-names -n user.vobiz.application_id --only-values "$MNT/numbers/$idle")"
	expect_error "$what: no trunk" "No such attribute" getfattr --absolute-names -n user.vobiz.trunk_group_id "$MNT/numbers/$idle"
	trunked=$(ctl GET /numbers | jq -r '[.[] | select(.trunk_group_id != null)][0]')
	expect_eq "$what: trunk_group_id" "$(jq -r .trunk_group_id <<<"$trunked")" \
		"$(getfattr --absolute-names -n user.vobiz.trunk_group_id --only-values "$MNT/numbers/$(jq -r '.["e164"] | ltrimstr("+")' <<<"$trunked")")"
	expect_eq "$what: inventory/IN" "$(ctl GET /inventory | jq -r '.[] | select(.country == "IN") | .["e164"] | ltrimstr("+")')" \
		"$(ls "$MNT/inventory/IN")"
	expect_eq "$what: an offer" "$(ctl GET /inventory | jq -S '[.[] | select(.country == "IN")][0]')" \
		"$(jq -S . "$MNT/inventory/IN/$(ls "$MNT/inventory/IN" | head -1)")"
}

expect_eq "default shapes" "absent basic plain 6" \
	"$(ctl GET /shapes | jq -r '"\(.["unset-keys"]) \(.fields) \(.fees) \(.["time-digits"])"')"
expect_eq "unset keys absent" "false" "$(ctl GET "/numbers/$idle" | jq 'has("trunk_group_id")')"
check_variant "unset keys absent"
for shape in '{"unset-keys":"null"}' '{"unset-keys":"absent","fields":"rich"}' '{"fields":"basic","fees":"floats"}' \
	'{"fees":"plain","time-digits":"0"}' '{"time-digits":"9"}' \
	'{"unset-keys":"null","fields":"rich","fees":"floats","time-digits":"9"}'; do
	ctl POST /shapes "$shape" >/dev/null || fail "shapes $shape refused"
	check_variant "$shape"
done
# The variants were served, not merely asked for.
expect_eq "null keys served" "true" "$(ctl GET "/numbers/$idle" | jq 'has("trunk_group_id") and .trunk_group_id == null')"
grep -q '"monthly_fee": *[0-9]*\.0\b' <(ctl GET /numbers) || fail "no fee written as a float"
grep -qE '"updated_at":"[^"]*\.[0-9]{9}Z"' <(ctl GET /numbers) || fail "no 9-digit fraction"
jq -e '.tags | type == "object"' "$MNT/inventory/IN/$(ls "$MNT/inventory/IN" | head -1)" >/dev/null ||
	fail "an offer's tags are not an object"
finish

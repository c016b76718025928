#!/bin/bash
# The purchase answer in each documented shape — {"message","number"}, with
# "items" beside "number" (--shape purchase=items), with the owner named
# "auth_id" instead of "account_id" (--shape owner-key=auth_id), and both —
# rents the number with one POST: it is in numbers/ at once (no listing
# read), with account_id as a listing would show it, and getfattr reads it.
. "$(dirname "$0")/lib.sh"

start_sandbox --numbers 4 --sub-numbers 0 --inventory 10
write_config "[release]" "audit_log = $T/audit.jsonl" "[purchase]" "enabled = true"
mount_vobizfs
mapfile -t offers < <(ls "$MNT/inventory/IN" | head -4)
[ "${#offers[@]}" -eq 4 ] || fail "fewer than four offers"

i=0
for shape in '{}' '{"purchase":"items"}' '{"purchase":"number","owner-key":"auth_id"}' \
	'{"purchase":"items","owner-key":"auth_id"}'; do
	n=${offers[$i]}
	i=$((i + 1))
	ctl POST /shapes "$shape" >/dev/null || fail "shapes $shape refused"
	clear_requests
	mv "$MNT/inventory/IN/$n" "$MNT/numbers/" || fail "$shape: mv exited $?"
	expect_eq "$shape: POSTs" 1 "$(count_requests POST /purchase-from-inventory)"
	ls "$MNT/numbers" | grep -qx "$n" || fail "$shape: $n not in numbers/"
	expect_eq "$shape: account_id" "$AUTH_ID" "$(jq -r .account_id "$MNT/numbers/$n")"
	expect_eq "$shape: getfattr account_id" "$AUTH_ID" \
		"$(getfattr --absolute-names -n user.vobiz.account_id --only-values "$MNT/numbers/$n")"
	expect_eq "$shape: status" "active" "$(jq -r .status "$MNT/numbers/$n")"
	expect_eq "$shape: requests in all (no listing read)" 1 "$(ctl GET /requests | jq length)"
	expect_eq "$shape: audited" "ok 200" \
		"$(jq -r --arg n "$n" 'select(.event == "outcome" and .number == $n) | "\(.result) \(.http_status)"' "$T/audit.jsonl")"
done
expect_eq "auth_id kept from the answer" "$AUTH_ID" "$(jq -r .auth_id "$MNT/numbers/${offers[3]}")"
grep -q "unreadable body" "$T/vobizfs.log" && fail "an answer was not read"
finish

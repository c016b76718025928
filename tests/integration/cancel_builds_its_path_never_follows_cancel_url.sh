#!/bin/bash
# The current dialect's release answer carries a cancel_url with a raw '+'
# and lowercase "account", which a strict server does not match (404).  mv
# pending-release/N numbers/ builds the cancel path itself (%2B) and never
# follows cancel_url: one DELETE, one POST, and no path with a raw '+'.  The
# answer's cooldown_ends_at with 9 fractional digits and a release_fee
# written as a float are taken into the record as they are.
. "$(dirname "$0")/lib.sh"

start_sandbox --numbers 6 --sub-numbers 0 --shape time-digits=9 --shape fees=floats
write_config "dialect = current"
mount_vobizfs
read -r n other < <(ls "$MNT/numbers" | head -2 | paste -sd' ')

# What the answer looks like, and what following it verbatim gets.
auth=(-H "X-Auth-ID: $AUTH_ID" -H "X-Auth-Token: $TOKEN")
url=$(curl -sS "${auth[@]}" -X DELETE "$API/api/v1/Account/$AUTH_ID/numbers/%2B$other" | jq -r .cancel_url)
expect_eq "cancel_url as the API writes it" "/api/v1/account/$AUTH_ID/numbers/+$other/cancel-release" "$url"
expect_eq "cancel_url followed verbatim" 404 "$(curl -s -o /dev/null -w '%{http_code}' "${auth[@]}" -X POST "$API$url")"
clear_requests

rm "$MNT/numbers/$n" || fail "rm exited $?"
grep -qE '^[0-9-]{10}T[0-9:]{8}\.[0-9]{9}Z$' <<<"$(jq -r .cooldown_ends_at "$MNT/pending-release/$n")" ||
	fail "cooldown_ends_at is not the answer's: $(jq -r .cooldown_ends_at "$MNT/pending-release/$n")"
expect_eq "release_fee" "$(ctl GET "/numbers/$n" | jq .monthly_fee)" "$(jq .release_fee "$MNT/pending-release/$n")"
mv "$MNT/pending-release/$n" "$MNT/numbers/" || fail "mv exited $?"
expect_eq "requests" "DELETE /api/v1/Account/$AUTH_ID/numbers/%2B$n,POST /api/v1/account/$AUTH_ID/numbers/%2B$n/cancel-release" \
	"$(ctl GET /requests | jq -r '.[] | .method + " " + .path' | paste -sd,)"
expect_eq "paths with a raw +" 0 "$(ctl GET /requests | jq '[.[] | select(.path | contains("+"))] | length')"
expect_eq "restored" "active" "$(ctl GET "/numbers/$n" | jq -r .status)"
finish

#!/bin/bash
# by-account/ has one directory per account_id in the listing (the main
# account and each sub-account), each holding those numbers: the very files
# of numbers/.  Any plausible account id can be opened (empty); other names
# are not there.  Listing and reading them sends nothing past the listing.
. "$(dirname "$0")/lib.sh"

start_sandbox --numbers 10 --sub-numbers 3
other=$(ctl GET /numbers | jq -r --arg a "$AUTH_ID" '[.[] | select(.account_id == $a)][0]["e164"] | ltrimstr("+")')
ctl PATCH "/numbers/$other" '{"account_id":"SA_OTHER-2"}' >/dev/null
mount_vobizfs
state=$(ctl GET /numbers)
clear_requests

expect_eq "by-account/" "$(jq -r '.[] | select(.status == "active") | .account_id' <<<"$state" | sort -u)" \
	"$(ls "$MNT/by-account" | sort)"
expect_eq "three accounts" 3 "$(ls "$MNT/by-account" | wc -l)"
for a in $(ls "$MNT/by-account"); do
	expect_eq "by-account/$a/" \
		"$(jq -r --arg a "$a" '.[] | select(.status == "active" and .account_id == $a) | .["e164"] | ltrimstr("+")' <<<"$state" | sort)" \
		"$(ls "$MNT/by-account/$a" | sort)"
done
expect_eq "by-account/SA_OTHER-2/" "$other" "$(ls "$MNT/by-account/SA_OTHER-2")"
expect_eq "every number in one account" "$(ls "$MNT/numbers" | sort)" "$(ls "$MNT"/by-account/* | grep -v : | grep . | sort)"

n=$(ls "$MNT/by-account/SA_SANDBOX2" | head -1)
expect_eq "same content" "$(cat "$MNT/numbers/$n")" "$(cat "$MNT/by-account/SA_SANDBOX2/$n")"
expect_eq "same attributes" "$(stat -c '%s %Y %Z %a' "$MNT/numbers/$n")" "$(stat -c '%s %Y %Z %a' "$MNT/by-account/SA_SANDBOX2/$n")"
expect_eq "account_id attribute" SA_SANDBOX2 "$(getfattr --only-values -n user.vobiz.account_id "$MNT/by-account/SA_SANDBOX2/$n")"
expect_error "a number in another account's directory" "No such file" stat "$MNT/by-account/$AUTH_ID/$n"
expect_eq "any plausible id opens, empty" "" "$(ls "$MNT/by-account/SA_NOBODY")"
expect_error "a name that is no account id" "No such file" ls "$MNT/by-account/SA x"
expect_error "an id over 64 characters" "No such file" ls "$MNT/by-account/SA_$(printf 'x%.0s' $(seq 62))"
expect_error "rm of a sub-account's number" "Permission denied" rm "$MNT/by-account/SA_SANDBOX2/$n"
expect_eq "requests: the refused release only" "DELETE" "$(ctl GET /requests | jq -r '.[].method' | paste -sd' ')"
finish

#!/bin/bash
# inventory/CC/ lists the numbers available to rent in CC, looked up on
# demand (any valid code works even when ls inventory/ does not show it).
. "$(dirname "$0")/lib.sh"

start_sandbox --numbers 8 --sub-numbers 0 --inventory 30
mount_vobizfs
offers=$(ctl GET /inventory)

for cc in IN GB US; do
	expect_eq "inventory/$cc" "$(jq -r --arg c "$cc" '.[] | select(.country == $c) | .["e164"] | ltrimstr("+")' <<<"$offers" | sort)" \
		"$(ls "$MNT/inventory/$cc" | sort)"
done
n=$(ls "$MNT/inventory/IN" | head -1)
expect_eq "an offer's record" "+$n" "$(jq -r '.["e164"]' "$MNT/inventory/IN/$n")"
expect_eq "its region as an xattr" "$(jq -r --arg e "+$n" '.[] | select(.["e164"] == $e) | .region' <<<"$offers")" \
	"$(getfattr -n user.vobiz.region --only-values "$MNT/inventory/IN/$n")"
expect_eq "offers are read-only" 444 "$(stat -c %a "$MNT/inventory/IN/$n")"
expect_eq "ls -l agrees" "-r--r--r--" "$(ls -l "$MNT/inventory/IN" | awk 'NR > 1 {print $1}' | sort -u)"
expect_eq "a country with nothing on offer" "" "$(ls "$MNT/inventory/FR")"
ls "$MNT/inventory" | grep -qx IN || fail "ls inventory/ does not show IN"
expect_error "lowercase code" "No such file" ls "$MNT/inventory/in"
expect_error "three letters" "No such file" ls "$MNT/inventory/IND"
expect_error "rm of an offer" "Operation not permitted" rm "$MNT/inventory/IN/$n"
expect_eq "inventory request" "country=IN&page=1&per_page=100" \
	"$(requests GET '/inventory/numbers$' | jq -r .query | grep 'country=IN' | head -1)"
finish

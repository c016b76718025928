#!/bin/bash
# unassigned/, by-trunk/ID/ and by-country/CC/ hold the same files as
# numbers/ (same content and attributes), computed from the listing; rm
# unassigned/* releases exactly the idle numbers.
. "$(dirname "$0")/lib.sh"

start_sandbox --numbers 40 --sub-numbers 0
mount_vobizfs
state=$(ctl GET /numbers)

expect_eq "unassigned/" "$(jq -r '.[] | select(.trunk_group_id == null and .application_id == null) | .["e164"] | ltrimstr("+")' <<<"$state" | sort)" \
	"$(ls "$MNT/unassigned" | sort)"
expect_eq "by-trunk/" "$(jq -r '.[] | .trunk_group_id // empty' <<<"$state" | sort -u)" "$(ls "$MNT/by-trunk" | sort)"
trunk=$(ls "$MNT/by-trunk" | head -1)
expect_eq "by-trunk/$trunk/" "$(jq -r --arg t "$trunk" '.[] | select(.trunk_group_id == $t) | .["e164"] | ltrimstr("+")' <<<"$state" | sort)" \
	"$(ls "$MNT/by-trunk/$trunk" | sort)"
expect_eq "by-country/" "$(jq -r '.[] | .country' <<<"$state" | sort -u)" "$(ls "$MNT/by-country" | sort)"
expect_eq "by-country/IN/" "$(jq -r '.[] | select(.country == "IN") | .["e164"] | ltrimstr("+")' <<<"$state" | sort)" \
	"$(ls "$MNT/by-country/IN" | sort)"
n=$(ls "$MNT/by-country/IN" | head -1)
expect_eq "same content" "$(cat "$MNT/numbers/$n")" "$(cat "$MNT/by-country/IN/$n")"
expect_eq "same attributes" "$(stat -c '%s %Y %Z %a' "$MNT/numbers/$n")" "$(stat -c '%s %Y %Z %a' "$MNT/by-country/IN/$n")"
expect_error "a number in the wrong view" "No such file" stat "$MNT/by-country/GB/$n"

idle=$(ls "$MNT/unassigned" | sort)
clear_requests
rm "$MNT"/unassigned/* || fail "rm unassigned/* exited $?"
expect_eq "released exactly the idle numbers" "$idle" "$(requests DELETE | jq -r '.path | split("/") | last' | sort)"
expect_eq "unassigned/ is empty" "" "$(ls "$MNT/unassigned")"
expect_eq "routed numbers stay" "$(jq -r '.[] | select(.trunk_group_id != null or .application_id != null) | .["e164"] | ltrimstr("+")' <<<"$state" | sort)" \
	"$(ls "$MNT/numbers" | sort)"
finish

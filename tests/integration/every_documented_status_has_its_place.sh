#!/bin/bash
# Each status the vendor documents has its place: released is never shown;
# blocked (also "is_blocked": true) and pending_purchase are shown in
# numbers/ with their status, and rm, mv to a sub-account and setfattr of
# them are refused before anything is sent (blocked: EPERM, pending_purchase:
# EBUSY); a status vobizfs does not know is shown as held and logged once.
. "$(dirname "$0")/lib.sh"

start_sandbox --numbers 8 --sub-numbers 2 --cool-off 0
write_config "[cache]" "ttl = 0"
mine=($(ctl GET /numbers | jq -r --arg a "$AUTH_ID" '.[] | select(.account_id == $a) | .["e164"] | ltrimstr("+")' | sort))
blocked=${mine[0]} flagged=${mine[1]} buying=${mine[2]} gone=${mine[3]} odd=${mine[4]} plain=${mine[5]}
page=$(curl -sS -f -H "X-Auth-ID: $AUTH_ID" -H "X-Auth-Token: $TOKEN" \
	"$API/api/v1/Account/$AUTH_ID/numbers?page=1&per_page=100" |
	jq -c --arg b "+$blocked" --arg f "+$flagged" --arg p "+$buying" --arg r "+$gone" --arg o "+$odd" '
		.items |= map(
			if .["e164"] == $b then .status = "blocked"
			elif .["e164"] == $f then .is_blocked = true
			elif .["e164"] == $p then .status = "pending_purchase"
			elif .["e164"] == $r then .status = "released"
			elif .["e164"] == $o then .status = "frobnicated"
			else . end)')
ctl POST /faults "$(jq -nc --arg b "$page" '{method:"GET",page:1,action:"status",status:200,body:$b,count:-1}')" >/dev/null
mount_vobizfs
sub=$(ls "$MNT/by-account" | grep -v "^$AUTH_ID\$" | head -1)

listed=$(ls "$MNT/numbers")
for n in "$blocked" "$flagged" "$buying" "$odd" "$plain"; do
	grep -qx "$n" <<<"$listed" || fail "$n is not shown"
done
grep -qx "$gone" <<<"$listed" && fail "the released number is shown"
[ -e "$MNT/numbers/$gone" ] && fail "the released number can be looked up"
expect_eq "status of the blocked number" "blocked" "$(getfattr --only-values -n user.vobiz.status "$MNT/numbers/$blocked")"
expect_eq "status of the number bought" "pending_purchase" "$(jq -r .status "$MNT/numbers/$buying")"
expect_eq "status of the odd number" "frobnicated" "$(jq -r .status "$MNT/numbers/$odd")"

clear_requests
for n in "$blocked" "$flagged"; do
	expect_error "rm of blocked $n" "Operation not permitted" rm "$MNT/numbers/$n"
	expect_error "mv of blocked $n to $sub" "Operation not permitted" mv "$MNT/numbers/$n" "$MNT/by-account/$sub/"
	expect_error "setfattr of blocked $n" "Operation not permitted" setfattr -n user.vobiz.trunk_group_id -v tg-1 "$MNT/numbers/$n"
done
expect_error "rm of pending_purchase" "Device or resource busy" rm "$MNT/numbers/$buying"
expect_error "mv of pending_purchase" "Device or resource busy" mv "$MNT/numbers/$buying" "$MNT/by-account/$sub/"
expect_error "setfattr of pending_purchase" "Device or resource busy" setfattr -n user.vobiz.trunk_group_id -v tg-1 "$MNT/numbers/$buying"
expect_error "rm of released" "No such file or directory" rm "$MNT/numbers/$gone"
expect_eq "requests other than listing reads" 0 "$(ctl GET /requests | jq '[.[] | select(.method != "GET")] | length')"
for n in "$blocked" "$flagged" "$buying"; do
	[ -e "$MNT/numbers/$n" ] || fail "$n is gone after the refusals"
done
grep -q "release of $blocked refused: the API lists it blocked" "$T/vobizfs.log" || fail "no log line for the blocked refusal"

ls "$MNT/numbers" >/dev/null # ttl 0: another listing, the same odd status
expect_eq "log lines for the unknown status" 1 \
	"$(grep -c "1 numbers have a status vobizfs does not know ($odd: \"frobnicated\", for one): shown as held" "$T/vobizfs.log")"
finish

#!/bin/bash
# The vendor's own list example (total 24, 2 items, per_page 25) mounts: its
# one page is the listing, one warning names both figures (once, not at each
# refresh), .status says listing.complete false and .metrics a 0 gauge.  A
# listing vobizfs refuses names its cause in the mount's refusal line, also
# with -d.
. "$(dirname "$0")/lib.sh"

start_sandbox --shape list=example
write_config "[cache]" "ttl = 0"
vendor_page=$(curl -sS -f -H "X-Auth-ID: $AUTH_ID" -H "X-Auth-Token: $TOKEN" \
	"$API/api/v1/Account/$AUTH_ID/numbers?page=1&per_page=100")
expect_eq "the example's total and items" "24 2" "$(jq -r '"\(.total) \(.items | length)"' <<<"$vendor_page")"

# serve_page1 BODY: every page 1 (searches included) is answered with BODY.
serve_page1() {
	ctl DELETE /faults >/dev/null
	ctl POST /faults "$(jq -nc --arg b "$1" '{method:"GET",page:1,action:"status",status:200,body:$b,count:-1}')" >/dev/null
}

clear_requests
mount_vobizfs
expect_eq "GETs of the mount" 1 "$(count_requests GET 'numbers$')"
expect_eq "ls" "$(sandbox_listed)" "$(ls "$MNT/numbers" | sort)"
expect_eq "numbers listed" 2 "$(ls "$MNT/numbers" | wc -l)"
expect_eq "warnings naming both figures" 1 "$(grep -c 'its pages hold 2 numbers, its total says 24' "$T/vobizfs.log")"
expect_eq ".status listing.complete" "false" "$(jq -r .listing.complete "$MNT/.status")"
expect_eq ".status listing.total" "24" "$(jq -r .listing.total "$MNT/.status")"
expect_eq ".status listing.numbers" "2" "$(jq -r .listing.numbers "$MNT/.status")"
expect_eq ".metrics gauge" "vobizfs_listing_complete 0" "$(grep '^vobizfs_listing_complete ' "$MNT/.metrics")"
clear_requests
ls "$MNT/numbers" >/dev/null # ttl 0: read again, the same disagreement
expect_eq "GETs of a refresh" 1 "$(count_requests GET 'numbers$')"
expect_eq "warnings after a refresh" 1 "$(grep -c 'its pages hold 2 numbers, its total says 24' "$T/vobizfs.log")"

# Pages that agree again (the sandbox's total made true): complete.
ctl POST /shapes '{"list":"generated"}' >/dev/null
expect_eq "ls, honest again" "$(sandbox_listed)" "$(ls "$MNT/numbers" | sort)"
expect_eq ".status listing.complete, honest again" "true" "$(jq -r .listing.complete "$MNT/.status")"
expect_eq ".metrics gauge, honest again" "vobizfs_listing_complete 1" "$(grep '^vobizfs_listing_complete ' "$MNT/.metrics")"
unmount_vobizfs

# A refusal names its cause, with and without -d.
serve_page1 "$(jq -c '.total = 100000000' <<<"$vendor_page")"
for debug in "" -d; do
	out=$(timeout 30 "$VOBIZFS" "$MNT" -o "config=$T/vobizfs.ini" $debug 2>&1)
	expect_eq "mount exit status ($debug)" 1 "$?"
	grep -q "cannot read the numbers of $AUTH_ID from .*: page 1 claims 100000000 numbers, more than the 10000000 a listing may hold; refused; not mounting" <<<"$out" ||
		fail "the refusal does not name its cause ($debug): $out"
	grep -q " $MNT " /proc/mounts && fail "a mount was left behind ($debug)"
done
finish

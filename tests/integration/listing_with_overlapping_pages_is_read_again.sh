#!/bin/bash
# A page that repeats a number of another page (offset pagination shifted by
# a number bought elsewhere mid-read) is a changed listing: it is read again,
# so ls and stat show every held number; pages that overlap on every read
# make ls fail with EIO, and the listing in memory keeps answering.
. "$(dirname "$0")/lib.sh"

start_sandbox --numbers 150 --sub-numbers 0
write_config "[cache]" "ttl = 0"
mount_vobizfs

page() { # page P: the real page P of 100
	curl -sS -f -H "X-Auth-ID: $AUTH_ID" -H "X-Auth-Token: $TOKEN" \
		"$API/api/v1/Account/$AUTH_ID/numbers?page=$1&per_page=100"
}
# Page 2 as a shift would serve it: page 1's last number first, then page 2
# without its last one; the same total, the right size.
overlapping=$(jq -c --slurp '.[1] + {items: ([.[0].items[-1]] + .[1].items[:-1])}' <(page 1) <(page 2))
last=$(jq -r '.[1].items[-1]["e164"] | ltrimstr("+")' --slurp <(page 1) <(page 2))
expect_eq "the overlapping page's size" 50 "$(jq '.items | length' <<<"$overlapping")"
rule=$(jq -nc --arg b "$overlapping" '{method:"GET",page:2,action:"status",status:200,body:$b}')

# Once: read again, complete.
clear_requests
ctl POST /faults "$rule" >/dev/null
listed=$(ls "$MNT/numbers" | sort)
expect_eq "no duplicates" "" "$(uniq -d <<<"$listed")"
expect_eq "exactly the sandbox's numbers" "$(sandbox_listed)" "$listed"
expect_eq "page 1 read twice" 2 "$(requests GET 'numbers$' | jq -r .query | grep -c '^page=1&')"
stat "$MNT/numbers/$last" >/dev/null || fail "stat of $last, the number the overlap pushed out"
grep -q "page 2 repeats" "$T/vobizfs.log" || fail "no log line for the overlap"

# On every read: EIO, and the listing in memory stays.
ctl DELETE /faults >/dev/null
ctl POST /faults "$(jq -c '.count = -1' <<<"$rule")" >/dev/null
expect_error "ls of pages that always overlap" "Input/output error" ls "$MNT/numbers"
grep -q "kept changing.*repeats" "$T/vobizfs.log" || fail "no log line for the listing that kept changing"
stat "$MNT/numbers/$last" >/dev/null || fail "stat of $last after the failed listing"

ctl DELETE /faults >/dev/null
expect_eq "ls after the fault" "$(sandbox_listed)" "$(ls "$MNT/numbers" | sort)"
finish

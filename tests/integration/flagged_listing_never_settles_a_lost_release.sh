#!/bin/bash
# A release whose answer is lost is settled from a listing; a listing whose
# pages disagree with their total proves nothing by a number's absence: it is
# read once more, and when it still disagrees, rm is EIO, the number is kept
# (shown), and its next rm looks first and sends no second DELETE.
. "$(dirname "$0")/lib.sh"

start_sandbox --numbers 6 --sub-numbers 0
mount_vobizfs
n=$(ls "$MNT/numbers" | head -1)

# Every page 1 (searches included) lists the account without N, under a
# total of 24: pages that disagree with their total.
page=$(curl -sS -f -H "X-Auth-ID: $AUTH_ID" -H "X-Auth-Token: $TOKEN" \
	"$API/api/v1/Account/$AUTH_ID/numbers?page=1&per_page=100" |
	jq -c --arg n "+$n" '.items |= map(select(.["e164"] != $n)) | .total = 24')
ctl POST /faults "$(jq -nc --arg b "$page" '{method:"GET",page:1,action:"status",status:200,body:$b,count:-1}')" >/dev/null
# The DELETE is applied, its answer lost.
ctl POST /faults "{\"method\":\"DELETE\",\"number\":\"$n\",\"action\":\"drop\",\"apply\":true}" >/dev/null

clear_requests
expect_error "rm with a lost answer and a flagged listing" "Input/output error" rm "$MNT/numbers/$n"
expect_eq "DELETEs" 1 "$(count_requests DELETE)"
gets=$(ctl GET /requests | jq '[.[] | select(.method == "GET" and (.path | test("numbers$")) and ((.query // "") | test("search=") | not))] | length')
echo "measure: GETs to settle against a flagged listing: $(count_requests GET 'numbers$') ($gets of the whole listing)"
expect_eq "reads of the whole listing" 2 "$gets"
grep -q "settling $n: the listing does not show it, but its pages hold 5 numbers and its total says 24: its absence proves no release" "$T/vobizfs.log" ||
	fail "no log line saying why the listing proves nothing"
[ -e "$MNT/numbers/$n" ] || fail "the number is no longer shown"

# Honest pages again: the next rm looks first, finds it released, sends nothing.
ctl DELETE /faults >/dev/null
clear_requests
rm "$MNT/numbers/$n" 2>/dev/null
expect_eq "DELETEs of the next rm" 0 "$(count_requests DELETE)"
[ -e "$MNT/numbers/$n" ] && fail "the released number is still shown"
finish

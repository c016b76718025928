#!/bin/bash
# health/N: one file per number of numbers/.  Listing health/ and stat send
# no health request (st_size is 0 until an answer is kept); cat sends one GET
# to the documented path with [health] days, reads as the API's answer (every
# field, pretty, a final newline) and is answered from memory for [health]
# ttl; touch drops the answers; .status counts the requests.  Nothing but a
# read is possible, and a name that is not a held number sends nothing.
. "$(dirname "$0")/lib.sh"

start_sandbox --numbers 12 --sub-numbers 2
write_config "[health]" "days = 14" "ttl = 300"
mount_vobizfs
clear_requests

expect_eq "health/ lists numbers/" "$(ls "$MNT/numbers")" "$(ls "$MNT/health")"
ls "$MNT" | grep -qx health || fail "the root does not list health/"
n=$(ls "$MNT/health" | head -1)
expect_eq "size before the first read" 0 "$(stat -c %s "$MNT/health/$n")"
expect_eq "mode" 444 "$(stat -c %a "$MNT/health/$n")"
ls -l "$MNT/health" >/dev/null || fail "ls -l health/ exited $?"
expect_eq "listing and stat send nothing" 0 "$(ctl GET /requests | jq length)"

cat "$MNT/health/$n" >"$T/first" || fail "cat exited $?"
expect_eq "one GET" 1 "$(count_requests GET '/health$')"
expect_eq "requests in all" 1 "$(ctl GET /requests | jq length)"
expect_eq "the documented path and query" "/api/v1/account/$AUTH_ID/numbers/%2B$n/health granularity=daily&days=14" \
	"$(requests GET '/health$' | jq -r '"\(.path) \(.query)"')"
curl -sS -H "X-Auth-ID: $AUTH_ID" -H "X-Auth-Token: $TOKEN" \
	"$API/api/v1/account/$AUTH_ID/numbers/%2B$n/health?granularity=daily&days=14" >"$T/direct"
expect_eq "the API's answer, every field" "$(jq -S . "$T/direct")" "$(jq -S . "$T/first")"
jq -e 'has("spam_score") and (.snapshots | length) == 14' "$T/first" >/dev/null || fail "fields or snapshots missing"
expect_eq "pretty" "{" "$(head -1 "$T/first")"
expect_eq "a final newline" '\n' "$(tail -c1 "$T/first" | od -An -c | tr -d ' ')"
# The kernel keeps attributes for a second: the new size shows within it.
size_is() { [ "$(stat -c %s "$MNT/health/$n")" = "$1" ]; }
wait_for "the size of the answer kept" 3 size_is "$(wc -c <"$T/first")" || fail "size once read: $(stat -c %s "$MNT/health/$n")"

clear_requests
expect_eq "read again" "$(cat "$T/first")" "$(cat "$MNT/health/$n")"
jq -e .summary "$MNT/health/$n" >/dev/null || fail "jq on health/$n failed"
expect_eq "answered from memory" 0 "$(ctl GET /requests | jq length)"
expect_eq ".status counts" "1 true" "$(jq -r '.health | "\(.requests) \(.cache_hits >= 2)"' "$MNT/.status")"

touch "$MNT/health" || fail "touch health exited $?"
cat "$MNT/health/$n" >/dev/null || fail "cat after touch exited $?"
expect_eq "touch drops the answers" 1 "$(count_requests GET '/health$')"

clear_requests
expect_error "a number not held" "No such file" cat "$MNT/health/919999999999"
expect_error "a name that is not a number" "No such file" cat "$MNT/health/abc"
expect_error "writing" "Operation not permitted" sh -c "echo x >'$MNT/health/$n'"
expect_error "rm" "Operation not permitted" rm -f "$MNT/health/$n"
expect_error "mv" "Operation not permitted" mv "$MNT/health/$n" "$MNT/numbers/"
expect_error "setfattr" "Operation not permitted" setfattr -n user.vobiz.trunk_group_id -v t1 "$MNT/health/$n"
expect_eq "refusals send nothing" 0 "$(ctl GET /requests | jq length)"
ls "$MNT/numbers" | grep -qx "$n" || fail "$n left numbers/"
finish

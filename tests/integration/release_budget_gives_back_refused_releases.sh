#!/bin/bash
# [release] max_per_hour = 2: a release the API refuses (403, a sub-account's
# number) takes nothing from the budget; two owned numbers are then released,
# and the third rm fails with "Disk quota exceeded" without a request.
. "$(dirname "$0")/lib.sh"

start_sandbox --numbers 10 --sub-numbers 3
write_config "[release]" "max_per_hour = 2" "audit_log = $T/audit.jsonl"
mount_vobizfs
subs=$(ctl GET /numbers | jq -r --arg id "$AUTH_ID" '.[] | select(.account_id != $id) | .["e164"] | ltrimstr("+")')
owned=$(ctl GET /numbers | jq -r --arg id "$AUTH_ID" '.[] | select(.account_id == $id) | .["e164"] | ltrimstr("+")')
expect_eq "sub-account numbers" 3 "$(wc -l <<<"$subs")"
expect_eq "budget at the start" '{"max_per_hour":2,"used":0,"left":2}' "$(jq -c .releases.budget "$MNT/.status")"

clear_requests
for n in $(head -2 <<<"$subs"); do
	expect_error "rm of sub-account number $n" "Permission denied" rm "$MNT/numbers/$n"
	[ -f "$MNT/numbers/$n" ] || fail "$n disappeared"
done
expect_eq "DELETEs for the sub-account numbers" "403 403" "$(requests DELETE | jq -r .status | xargs)"
expect_eq "budget after two refused releases" '{"max_per_hour":2,"used":0,"left":2}' \
	"$(jq -c .releases.budget "$MNT/.status")"
expect_eq "audited refusals" "EACCES 403
EACCES 403" "$(jq -r 'select(.event == "outcome") | "\(.result) \(.http_status)"' "$T/audit.jsonl")"

# A number released elsewhere, still listed here: its DELETE is answered 404,
# which released nothing, so its place is given back too.
gone=$(tail -1 <<<"$owned")
ctl DELETE "/numbers/$gone" >/dev/null
clear_requests
expect_error "rm of a number released elsewhere" "No such file" rm "$MNT/numbers/$gone"
expect_eq "DELETE answered 404" "404" "$(requests DELETE | jq -r .status | xargs)"
expect_eq "budget after a 404" '{"max_per_hour":2,"used":0,"left":2}' "$(jq -c .releases.budget "$MNT/.status")"

clear_requests
for n in $(head -2 <<<"$owned"); do
	rm "$MNT/numbers/$n" || fail "rm of owned number $n exited $?"
done
expect_eq "DELETEs for two owned numbers" "204 204" "$(requests DELETE | jq -r .status | xargs)"
expect_eq "released" "" "$(sandbox_listed | grep -xF -f <(head -2 <<<"$owned"))"
expect_eq "budget after two releases" '{"max_per_hour":2,"used":2,"left":0}' \
	"$(jq -c .releases.budget "$MNT/.status")"

clear_requests
third=$(sed -n 3p <<<"$owned")
expect_error "rm of a third owned number" "Disk quota exceeded" rm "$MNT/numbers/$third"
expect_eq "DELETEs for the third" 0 "$(count_requests DELETE)"
[ -f "$MNT/numbers/$third" ] || fail "$third disappeared"
expect_eq "sandbox still lists $third" "$third" "$(sandbox_listed | grep -x "$third")"
grep -q "release of $third refused: \[release\] max_per_hour = 2 .* frees up at " "$T/vobizfs.log" ||
	fail "no log line for $third"
expect_eq "audited outcome for $third" "EDQUOT" \
	"$(jq -r --arg n "$third" 'select(.number == $n and .event == "outcome") | .result' "$T/audit.jsonl")"
# Over budget, a sub-account's number is refused before any request too.
last=$(sed -n 3p <<<"$subs")
expect_error "rm of the third sub-account number" "Disk quota exceeded" rm "$MNT/numbers/$last"
expect_eq "DELETEs in all, over budget" 0 "$(count_requests DELETE)"
expect_eq ".status counters" '{"released":2,"failed":3,"refused":2}' \
	"$(jq -c '.releases | {released, failed, refused}' "$MNT/.status")"
finish

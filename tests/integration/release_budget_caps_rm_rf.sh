#!/bin/bash
# [release] max_per_hour (default 50): `rm -rf` of the whole mount releases
# exactly 50 numbers; every later release fails with "Disk quota exceeded"
# without a request, is logged with the setting and when a release frees up,
# and is audited as EDQUOT.  The budget is kept in state_dir, so it still
# holds after a remount; with max_per_hour = 0 the same rm goes through.
. "$(dirname "$0")/lib.sh"

start_sandbox --numbers 2000 # and 3 sub-account numbers
write_config "[release]" "audit_log = $T/audit.jsonl"
mount_vobizfs
before=$(sandbox_listed)
expect_eq "numbers listed at the start" 2003 "$(wc -l <<<"$before")"
expect_eq "budget at the start" '{"max_per_hour":50,"used":0,"left":50}' \
	"$(jq -c .releases.budget "$MNT/.status")"
clear_requests

t0=$(date +%s)
out=$(rm -rf "$MNT" 2>&1)
code=$?
t1=$(date +%s)
[ "$code" -ne 0 ] || fail "rm -rf exited 0"
grep -q "numbers/[0-9]*': Disk quota exceeded" <<<"$out" || fail "rm did not say 'Disk quota exceeded': $(head -3 <<<"$out")"

# Exactly 50 releases went through.  A sub-account's number the API refuses
# (403) would not count against the budget, so its DELETE may come on top.
ok=$(requests DELETE | jq -r 'select(.status == 204) | .path | sub(".*/"; "")' | sort)
refused=$(count_requests DELETE | tr -d ' ')
refused=$((refused - $(wc -l <<<"$ok")))
expect_eq "DELETEs answered 204" 50 "$(wc -l <<<"$ok")"
expect_eq "DELETEs not answered 204 (all 403)" "$refused" "$(requests DELETE | jq -r 'select(.status == 403) | .status' | wc -l)"
[ "$refused" -le 3 ] || fail "$refused DELETEs refused: more than the 3 sub-account numbers"
after=$(sandbox_listed)
released=$(comm -23 <(echo "$before") <(echo "$after"))
expect_eq "numbers the sandbox no longer lists" 50 "$(wc -l <<<"$released")"
expect_eq "released = the DELETEs answered 204" "$ok" "$released"
expect_eq "numbers that appeared" "" "$(comm -13 <(echo "$before") <(echo "$after"))"

expect_eq "budget after rm -rf" '{"max_per_hour":50,"used":50,"left":0}' \
	"$(jq -c .releases.budget "$MNT/.status")"
expect_eq ".status released" 50 "$(jq .releases.released "$MNT/.status")"

# The log says which setting stopped it and when a release frees up: an hour
# after the first release, which was made while rm ran.
line=$(grep -m1 'refused: \[release\] max_per_hour = 50 ' "$T/vobizfs.log")
[ -n "$line" ] || fail "no log line names [release] max_per_hour"
re='the next one frees up at ([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z) \(in ([0-9]+) s\)'
if [[ $line =~ $re ]]; then
	frees=$(date -d "${BASH_REMATCH[1]}" +%s)
	[ "$frees" -ge $((t0 + 3600)) ] && [ "$frees" -le $((t1 + 3601)) ] ||
		fail "frees up at ${BASH_REMATCH[1]}, not an hour after rm ran ($t0..$t1)"
	# (the time is rounded up to a second, "in N s" counts from the last whole one)
	[ "${BASH_REMATCH[2]}" -le 3601 ] && [ "${BASH_REMATCH[2]}" -ge $((3600 - (t1 - t0) - 2)) ] ||
		fail "'in ${BASH_REMATCH[2]} s' is not about an hour"
else
	fail "log line does not say when the budget frees up: $line"
fi
expect_eq "log lines naming max_per_hour = EDQUOT outcomes" \
	"$(grep -c 'refused: \[release\] max_per_hour' "$T/vobizfs.log")" \
	"$(jq -r 'select(.event == "outcome" and .result == "EDQUOT") | .number' "$T/audit.jsonl" | wc -l)"
expect_eq "audited EDQUOT outcomes carry the reason" 0 \
	"$(jq -r 'select(.result == "EDQUOT") | .message | select(test("^\\[release\\] max_per_hour = 50 .* frees up at ") | not)' \
		"$T/audit.jsonl" | wc -l)"
[ "$(jq -r 'select(.event == "outcome" and .result == "EDQUOT" and .comm == "rm") | .number' "$T/audit.jsonl" | wc -l)" -gt 0 ] ||
	fail "no EDQUOT outcome audited"
expect_eq "audited ok outcomes" "$ok" \
	"$(jq -r 'select(.event == "outcome" and .result == "ok") | .number' "$T/audit.jsonl" | sort)"
expect_eq "intents audited = DELETEs sent" "$(requests DELETE | jq -r '.path | sub(".*/"; "")' | sort)" \
	"$(jq -r 'select(.event == "intent") | .number' "$T/audit.jsonl" | sort)"

# A remount does not reset the budget.
unmount_vobizfs
mount_vobizfs
expect_eq "budget after a remount" '{"max_per_hour":50,"used":50,"left":0}' \
	"$(jq -c .releases.budget "$MNT/.status")"
n=$(ctl GET /numbers | jq -r --arg id "$AUTH_ID" \
	'[.[] | select(.account_id == $id and .status == "active")][7]["e164"] | ltrimstr("+")')
[ -f "$MNT/numbers/$n" ] || fail "$n is not in numbers/"
seen=$(jq -r --arg n "$n" 'select(.number == $n and .event == "outcome") | .result' "$T/audit.jsonl" | wc -l)
clear_requests
expect_error "rm after the remount" "Disk quota exceeded" rm "$MNT/numbers/$n"
expect_eq "DELETEs after the remount" 0 "$(count_requests DELETE)"
[ -f "$MNT/numbers/$n" ] || fail "$n disappeared"
grep -q "release of $n refused: \[release\] max_per_hour = 50 " "$T/vobizfs.log" || fail "no log line for $n"
expect_eq "audited outcome for $n" "EDQUOT" \
	"$(jq -r --arg n "$n" 'select(.number == $n and .event == "outcome") | .result' "$T/audit.jsonl" | tail -n +$((seen + 1)))"

# The budget was all that stopped it: without a limit the same rm releases.
unmount_vobizfs
write_config "[release]" "audit_log = $T/audit.jsonl" "max_per_hour = 0"
mount_vobizfs
expect_eq "budget without a limit" '{"max_per_hour":0,"used":0,"left":null}' \
	"$(jq -c .releases.budget "$MNT/.status")"
clear_requests
rm "$MNT/numbers/$n" || fail "rm with max_per_hour = 0 exited $?"
expect_eq "DELETEs with max_per_hour = 0" 1 "$(count_requests DELETE)"
expect_eq "DELETE path" "/api/v1/Account/$AUTH_ID/numbers/$n" "$(requests DELETE | jq -r .path)"
expect_eq "sandbox no longer lists $n" "" "$(sandbox_listed | grep -x "$n")"
finish

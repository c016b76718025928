#!/bin/bash
# Taking a number back during its cool-off is "Device or resource busy" (409
# did_cool_off_in_effect; the log and the audit line say until when); 403 is
# "Permission denied"; 400 "Operation not permitted" (never EINVAL for an API
# outcome); a lost answer is settled from the listing — each with one request.
# An account id that can hold no number is EINVAL with nothing sent, also when
# GNU mv tries again with rename(); a number on another sub-account must come
# back first (EBUSY, nothing sent).
. "$(dirname "$0")/lib.sh"

start_sandbox --numbers 10 --sub-numbers 1
write_config "[release]" "audit_log = $T/audit.jsonl"
mount_vobizfs
mine=($(ctl GET /numbers | jq -r --arg a "$AUTH_ID" '.[] | select(.account_id == $a) | .["e164"] | ltrimstr("+")'))

n=${mine[0]}
mv "$MNT/numbers/$n" "$MNT/by-account/SA_SALES01/" || fail "mv to SA_SALES01 exited $?"
clear_requests
expect_error "taking it back in its cool-off" "Device or resource busy" mv "$MNT/by-account/SA_SALES01/$n" "$MNT/numbers/"
expect_eq "cool-off: one DELETE" 1 "$(ctl GET /requests | jq length)"
expect_eq "cool-off: still the sub-account's" SA_SALES01 "$(ctl GET "/numbers/$n" | jq -r .account_id)"
ls "$MNT/by-account/SA_SALES01" | grep -qx "$n" || fail "$n left by-account/SA_SALES01/"
until=$(jq -r 'select(.event == "outcome" and .http_status == 409) | .cool_off_until' "$T/audit.jsonl")
[[ "$until" == 20??-??-??T* ]] || fail "cool_off_until audited: '$until'"
grep -q "cool-off in effect until $until" "$T/vobizfs.log" || fail "the log does not say until when"
expect_eq "audited" "EBUSY 409" "$(jq -r 'select(.event == "outcome" and .http_status == 409) | "\(.result) \(.http_status)"' "$T/audit.jsonl")"

# On another sub-account: back to the main account first.
clear_requests
expect_error "from one sub-account to another" "Device or resource busy" mv "$MNT/by-account/SA_SALES01/$n" "$MNT/by-account/SA_SALES02/"
expect_eq "sub-account to sub-account: nothing sent" 0 "$(ctl GET /requests | jq length)"

# The API's refusals, one request each.
declare -A message=([400]="Operation not permitted" [403]="Permission denied" [404]="No such file or directory")
i=1
for s in 400 403 404; do
	m=${mine[i]}
	i=$((i + 1))
	clear_requests
	ctl POST /faults "{\"method\":\"POST\",\"number\":\"$m\",\"action\":\"status\",\"status\":$s}" >/dev/null
	out=$(mv "$MNT/numbers/$m" "$MNT/by-account/SA_SALES01/" 2>&1) && fail "HTTP $s: mv succeeded"
	grep -q "${message[$s]}" <<<"$out" || fail "HTTP $s: expected '${message[$s]}', got: $out"
	grep -q "Invalid argument\|subdirectory of itself" <<<"$out" && fail "HTTP $s: EINVAL for an API outcome"
	expect_eq "HTTP $s: one POST" 1 "$(count_requests POST)"
	expect_eq "HTTP $s: nothing moved" "$AUTH_ID" "$(ctl GET "/numbers/$m" | jq -r .account_id)"
done

# A lost answer: the listing says what happened; never a second POST.
m=${mine[4]}
clear_requests
ctl POST /faults "{\"method\":\"POST\",\"number\":\"$m\",\"action\":\"drop\",\"apply\":true}" >/dev/null
mv "$MNT/numbers/$m" "$MNT/by-account/SA_SALES03/" || fail "lost answer, applied: mv exited $?"
expect_eq "lost answer, applied: one POST" 1 "$(count_requests POST)"
expect_eq "lost answer, applied: shown" "$m" "$(ls "$MNT/by-account/SA_SALES03")"
m=${mine[5]}
clear_requests
ctl POST /faults "{\"method\":\"POST\",\"number\":\"$m\",\"action\":\"status\",\"status\":500}" >/dev/null
expect_error "500, not applied" "Input/output error" mv "$MNT/numbers/$m" "$MNT/by-account/SA_SALES03/"
expect_eq "500: one POST" 1 "$(count_requests POST)"
expect_eq "500: nothing moved" "$AUTH_ID" "$(ctl GET "/numbers/$m" | jq -r .account_id)"

# Accounts that can hold no number: EINVAL before any request, twice with GNU mv.
m=${mine[6]}
clear_requests
for bad in NOT_AN_ACCOUNT MA_SOMEONE_ELSE sa_lower; do
	python3 -c 'import errno, os, sys
try:
    os.rename(sys.argv[1], sys.argv[2])
except OSError as e:
    sys.exit(0 if e.errno == errno.EINVAL else 1)
sys.exit(1)' "$MNT/numbers/$m" "$MNT/by-account/$bad/$m" || fail "rename to by-account/$bad/ is not EINVAL"
	mv "$MNT/numbers/$m" "$MNT/by-account/$bad/" 2>"$T/mv.err" && fail "mv to by-account/$bad/ succeeded"
done
if command -v strace >/dev/null && strace -f -qq -e trace=none true 2>/dev/null; then
	strace -f -qq -o "$T/strace.out" -e trace=rename,renameat,renameat2 mv "$MNT/numbers/$m" "$MNT/by-account/NOT_AN_ACCOUNT/" 2>/dev/null
	# GNU mv 9 names the target relative to the directory it opened: "N".
	expect_eq "GNU mv asks twice, both EINVAL" 2 "$(grep -cE "rename(at2?)?\(.*\"$m\"(, RENAME_NOREPLACE)?\) += -1 EINVAL" "$T/strace.out")"
fi
expect_error "a name that is no account id" "No such file\|Not a directory" mv "$MNT/numbers/$m" "$MNT/by-account/SA x/"
expect_eq "implausible accounts: nothing sent" 0 "$(ctl GET /requests | jq length)"
expect_eq "still the main account's" "$AUTH_ID" "$(ctl GET "/numbers/$m" | jq -r .account_id)"
daemon_alive || fail "the daemon died"
finish

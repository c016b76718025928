#!/bin/bash
# A 429 to a DELETE the API did act on: the daemon retries (a 429 is the one
# answer after which a DELETE may be sent again), the retry gets 404, and that
# 404 means the first DELETE released the number: rm exits 0, two DELETEs,
# audited ok with a message that names the 429.  Without a 429 before it, a
# 404 (the number released elsewhere) stays "No such file or directory".
. "$(dirname "$0")/lib.sh"

start_sandbox --numbers 10 --sub-numbers 0
write_config "[release]" "audit_log = $T/audit.jsonl"
mount_vobizfs

outcome_of() { # NUMBER: "http_status result|message" of its outcome line
	jq -r --arg n "$1" 'select(.number == $n and .event == "outcome") | "\(.http_status) \(.result)|\(.message)"' "$T/audit.jsonl"
}

n=$(ls "$MNT/numbers" | head -1)
clear_requests
ctl POST /faults "{\"method\":\"DELETE\",\"number\":\"$n\",\"action\":\"status\",\"status\":429,\"retry_after\":\"0\",\"apply\":true}" >/dev/null
timed rm "$MNT/numbers/$n"
expect_eq "rm of $n after an applied 429 ($LAST_OUT)" 0 "$LAST_STATUS"
expect_eq "DELETE statuses of $n" "429 404" "$(requests DELETE | jq -r .status | paste -sd' ')"
expect_eq "DELETEs of $n" 2 "$(count_requests DELETE)"
out=$(outcome_of "$n")
echo "applied 429: rm exit $LAST_STATUS in $LAST_MS ms; audit: $out"
expect_eq "audit result of $n" ok "$(cut -d'|' -f1 <<<"$out" | cut -d' ' -f2)"
grep -q "429" <<<"$(cut -d'|' -f2 <<<"$out")" || fail "the audit message of $n does not mention the 429: $out"
expect_eq "sandbox status of $n" released "$(ctl GET "/numbers/$n" | jq -r .status)"
ls "$MNT/numbers" | grep -qx "$n" && fail "$n still shown"

# Contrast: a plain 404, for a number released elsewhere while still shown.
m=$(ls "$MNT/numbers" | head -1)
ctl DELETE "/numbers/$m" >/dev/null
ls "$MNT/numbers" | grep -qx "$m" || fail "$m is not shown before its rm"
clear_requests
expect_error "rm of $m, released elsewhere" "No such file or directory" rm "$MNT/numbers/$m"
expect_eq "DELETEs of $m" 1 "$(count_requests DELETE)"
out=$(outcome_of "$m")
echo "plain 404: audit: $out"
expect_eq "audit of $m" "404 ENOENT" "$(cut -d'|' -f1 <<<"$out")"
ls "$MNT/numbers" | grep -qx "$m" && fail "$m still shown"
finish

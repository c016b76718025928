#!/bin/bash
# [release] protect: listed numbers and globs are never released — rm fails
# with "Operation not permitted", nothing is sent, the attempt is logged and
# audited.  Unprotected numbers are released as usual.
. "$(dirname "$0")/lib.sh"

start_sandbox --numbers 40 --sub-numbers 0
all=$(ctl GET /numbers | jq -r '.[] | .["e164"] | ltrimstr("+")')
one=$(grep -v '^9180' <<<"$all" | head -1)
free=$(grep -v '^9180' <<<"$all" | sed -n 2p)
glob_hit=$(grep '^9180' <<<"$all" | head -1)
write_config "[release]" "protect = +$one, 9180*" "audit_log = $T/audit.jsonl"
mount_vobizfs
clear_requests

expect_error "rm of a protected number" "Operation not permitted" rm "$MNT/numbers/$one"
expect_error "rm of a number matching 9180*" "Operation not permitted" rm "$MNT/numbers/$glob_hit"
expect_error "find -delete over the glob" "Operation not permitted" find "$MNT/numbers" -name '9180*' -delete
expect_eq "DELETEs for protected numbers" 0 "$(count_requests DELETE)"
[ -f "$MNT/numbers/$one" ] || fail "$one disappeared"
rm "$MNT/numbers/$free" || fail "rm of an unprotected number"
expect_eq "DELETEs in all" 1 "$(count_requests DELETE)"

expect_eq "audited refusal of $one" "EPERM" \
	"$(jq -r --arg n "$one" 'select(.number == $n) | .result' "$T/audit.jsonl")"
grep -q "release of $one refused: the number is protected" "$T/vobizfs.log" || fail "no log line for $one"
finish

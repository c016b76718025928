#!/bin/bash
# The issue's one-liners: the loop over health/* releases exactly the numbers
# the sandbox reports idle (no call in [health] days), and jq selects exactly
# the spam-flagged ones.  Each number's health is fetched once: the loop reads
# what the jq pass fetched, from memory.
. "$(dirname "$0")/lib.sh"

start_sandbox --numbers 40 --sub-numbers 0
write_config "[release]" "max_per_hour = 0"
mount_vobizfs

# What the sandbox says, asked directly.
mkdir "$T/h"
for n in $(sandbox_listed); do
	curl -sS -f -H "X-Auth-ID: $AUTH_ID" -H "X-Auth-Token: $TOKEN" \
		"$API/api/v1/account/$AUTH_ID/numbers/%2B$n/health?granularity=daily&days=30" >"$T/h/$n" ||
		fail "health of $n from the sandbox"
done
idle=$(for f in "$T"/h/*; do jq -e '.summary.total_calls == 0' "$f" >/dev/null && basename "$f"; done | sort)
spam=$(jq -r 'select(.is_spam) | .["e164"]' "$T"/h/* | sort)
[ -n "$idle" ] || fail "the sandbox reports no idle number"
[ -n "$spam" ] || fail "the sandbox reports no spam-flagged number"
echo "idle: $(wc -w <<<"$idle"), spam: $(wc -w <<<"$spam") of 40"
clear_requests

expect_eq "spam-flagged numbers" "$spam" "$(jq -r 'select(.is_spam) | .["e164"]' "$MNT"/health/* | sort)"
for f in "$MNT"/health/*; do jq -e '.summary.total_calls == 0' "$f" >/dev/null && basename "$f"; done |
	xargs -I{} rm "$MNT"/numbers/{}
expect_eq "released exactly the idle numbers" "$idle" "$(requests DELETE | jq -r '.path | split("/") | last' | sort)"
expect_eq "one health GET per number" 40 "$(count_requests GET '/health$')"
expect_eq "the sandbox holds the others" "$(comm -23 <(sandbox_listed) <(echo "$idle"))" "$(sandbox_listed)"
expect_eq "health/ follows numbers/" "$(ls "$MNT/numbers")" "$(ls "$MNT/health")"
finish

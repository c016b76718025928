#!/bin/bash
# [release] audit_log: one JSON line before each release request and one
# after, with the time, the caller (uid, pid, comm) and the outcome.
. "$(dirname "$0")/lib.sh"

start_sandbox --numbers 10 --sub-numbers 2
write_config "[release]" "audit_log = $T/audit.jsonl"
mount_vobizfs
mine=$(ctl GET /numbers | jq -r --arg id "$AUTH_ID" '[.[] | select(.account_id == $id)][0]["e164"] | ltrimstr("+")')
theirs=$(ctl GET /numbers | jq -r --arg id "$AUTH_ID" '[.[] | select(.account_id != $id)][0]["e164"] | ltrimstr("+")')

rm "$MNT/numbers/$mine" || fail "rm of $mine"
rm "$MNT/numbers/$theirs" 2>/dev/null && fail "rm of $theirs succeeded"

expect_eq "lines" 4 "$(wc -l <"$T/audit.jsonl")"
expect_eq "order" "intent $mine,outcome $mine,intent $theirs,outcome $theirs" \
	"$(jq -r '.event + " " + .number' "$T/audit.jsonl" | paste -sd,)"
expect_eq "every line has the caller" 4 \
	"$(jq -c 'select(.uid == 0 and (.pid | type) == "number" and .pid > 0 and .comm == "rm" and .dry_run == false and .action == "release")' "$T/audit.jsonl" | wc -l)"
expect_eq "times are RFC 3339 UTC" 4 \
	"$(jq -r .time "$T/audit.jsonl" | grep -cE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$')"
expect_eq "outcome of $mine" "204 ok" \
	"$(jq -r --arg n "$mine" 'select(.event == "outcome" and .number == $n) | "\(.http_status) \(.result)"' "$T/audit.jsonl")"
expect_eq "outcome of $theirs" "403 EACCES" \
	"$(jq -r --arg n "$theirs" 'select(.event == "outcome" and .number == $n) | "\(.http_status) \(.result)"' "$T/audit.jsonl")"
expect_eq "intents carry no outcome" 0 \
	"$(jq -c 'select(.event == "intent" and (has("result") or has("http_status")))' "$T/audit.jsonl" | wc -l)"
expect_eq "file mode" 600 "$(stat -c %a "$T/audit.jsonl")"
finish

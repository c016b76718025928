#!/bin/bash
# [release] dry_run: find -delete succeeds, no DELETE is sent, every number
# stays listed, and the audit log says what would have been released.
. "$(dirname "$0")/lib.sh"

start_sandbox --numbers 40 --sub-numbers 0
write_config "[release]" "dry_run = true" "audit_log = $T/audit.jsonl"
mount_vobizfs
before=$(ls "$MNT/numbers" | sort)
matching=$(grep '^9180' <<<"$before")
clear_requests

find "$MNT/numbers" -name '9180*' -delete || fail "find -delete exited $?"
expect_eq "DELETEs" 0 "$(count_requests DELETE)"
expect_eq "still listed" "$before" "$(ls "$MNT/numbers" | sort)"
expect_eq "sandbox unchanged" "$before" "$(sandbox_listed)"
expect_eq "audited intents" "$matching" \
	"$(jq -r 'select(.event == "intent" and .dry_run == true and .comm == "find") | .number' "$T/audit.jsonl" | sort)"
expect_eq "audited outcomes" "$matching" \
	"$(jq -r 'select(.event == "outcome" and .dry_run == true and .result == "ok") | .number' "$T/audit.jsonl" | sort)"
finish

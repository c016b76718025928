#!/bin/bash
# The intent line is on disk before the DELETE leaves: killing the daemon
# while the request hangs leaves it in the audit log.
. "$(dirname "$0")/lib.sh"

TIMEOUT=30
start_sandbox --numbers 5 --sub-numbers 0
write_config "[release]" "audit_log = $T/audit.jsonl"
mount_vobizfs
n=$(ls "$MNT/numbers" | head -1)
ctl POST /faults "{\"method\":\"DELETE\",\"number\":\"$n\",\"action\":\"stall\"}" >/dev/null

rm "$MNT/numbers/$n" 2>/dev/null &
rm_pid=$!
wait_for "the DELETE to reach the sandbox" 10 request_arrived DELETE || fail "the DELETE never arrived"
kill_vobizfs
wait "$rm_pid" 2>/dev/null
ctl DELETE /faults >/dev/null

expect_eq "audit lines" "intent $n" "$(jq -r '.event + " " + .number' "$T/audit.jsonl")"
finish

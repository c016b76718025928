#!/bin/bash
# An audit_log that cannot be opened fails the mount with a clear message.
. "$(dirname "$0")/lib.sh"

start_sandbox --numbers 5
write_config "[release]" "audit_log = $T/no/such/dir/audit.jsonl"
mkdir -p "$MNT"
out=$(timeout 30 "$VOBIZFS" "$MNT" -o "config=$T/vobizfs.ini" 2>&1)
expect_eq "exit status" 1 "$?"
grep -q "cannot open audit_log $T/no/such/dir/audit.jsonl" <<<"$out" || fail "unclear message: $out"
grep -q " $MNT " /proc/mounts && fail "a mount was left behind"
finish

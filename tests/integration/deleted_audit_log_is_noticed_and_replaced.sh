#!/bin/bash
# An audit file deleted under the daemon is noticed at the next release: its
# lines go to a new file at the path (mode 0600), not into the deleted one,
# and the log warns.  If no file can be made there, the release is refused
# with EIO and nothing is sent: a release is never made without its trail.
. "$(dirname "$0")/lib.sh"

start_sandbox --numbers 6 --sub-numbers 0
write_config "[release]" "audit_log = $T/audit.jsonl"
mount_vobizfs
mapfile -t n < <(ls "$MNT/numbers" | head -3)
numbers_in() { jq -r .number "$1" | paste -sd' '; }

rm "$MNT/numbers/${n[0]}" || fail "rm ${n[0]}"
rm "$T/audit.jsonl"
rm "$MNT/numbers/${n[1]}" || fail "rm ${n[1]}"
[ -f "$T/audit.jsonl" ] || fail "no new audit file"
expect_eq "new file: the release after the deletion" "${n[1]} ${n[1]}" "$(numbers_in "$T/audit.jsonl")"
expect_eq "new file's mode" 600 "$(stat -c %a "$T/audit.jsonl")"
grep -qF "warning: the audit log $T/audit.jsonl was deleted; writing to a new file there" "$T/vobizfs.log" ||
	fail "no warning about the deleted audit log"

# Deleted, and a directory in its place: refused, nothing sent.
rm "$T/audit.jsonl"
mkdir "$T/audit.jsonl"
clear_requests
expect_error "rm without an audit file" "Input/output error" rm "$MNT/numbers/${n[2]}"
expect_eq "DELETEs sent" 0 "$(count_requests DELETE)"
expect_eq "still held" "active" "$(ctl GET "/numbers/${n[2]}" | jq -r .status)"
grep -q "error: the audit log $T/audit.jsonl was deleted, and cannot open audit_log" "$T/vobizfs.log" ||
	fail "no error about the audit log that cannot be made again"
rmdir "$T/audit.jsonl"
rm "$MNT/numbers/${n[2]}" || fail "rm once the path is free again"
expect_eq "after the path was freed" "${n[2]} ${n[2]}" "$(numbers_in "$T/audit.jsonl")"
finish

#!/bin/bash
# A mistyped mount option is refused before the account is read: no request,
# no mount, no audit log, and the option is named.
. "$(dirname "$0")/lib.sh"

start_sandbox --numbers 5 --sub-numbers 0
write_config "[release]" "audit_log = $T/audit.log"
mkdir -p "$MNT"
clear_requests
out=$("$VOBIZFS" "$MNT" -f -o "config=$T/vobizfs.ini" -o bogus_opt=1 2>&1)
status=$?
[ "$status" -ne 0 ] || fail "mounted with an unknown option"
grep -q bogus_opt <<<"$out" || fail "the option is not named: $out"
expect_eq "requests sent" 0 "$(ctl GET /requests | jq length)"
grep -q " $MNT fuse" /proc/mounts && fail "mounted"
[ -e "$T/audit.log" ] && fail "the audit log was opened"
# The same line with the option spelt right mounts.
mount_vobizfs
ls "$MNT/numbers" >/dev/null || fail "ls after a good mount"
finish

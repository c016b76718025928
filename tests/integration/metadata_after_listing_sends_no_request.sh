#!/bin/bash
# After a listing, ls -l, stat, cat, du and find -printf are served from
# memory: the sandbox sees no request at all.
. "$(dirname "$0")/lib.sh"

start_sandbox --numbers 250
mount_vobizfs
ls "$MNT/numbers" >/dev/null
clear_requests

ls -l "$MNT/numbers" >/dev/null || fail "ls -l"
stat "$MNT/numbers"/* >/dev/null || fail "stat"
cat "$MNT/numbers"/* | jq -s length >/dev/null || fail "cat"
du -s "$MNT/numbers" >/dev/null || fail "du"
find "$MNT/numbers" -printf '%s %TY\n' >/dev/null || fail "find -printf"
expect_eq "requests after the listing" 0 "$(ctl GET /requests | jq length)"
finish

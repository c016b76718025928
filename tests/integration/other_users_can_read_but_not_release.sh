#!/bin/bash
# With -o allow_other, mode bits are enforced (default_permissions): another
# local user can list and read, but only the mounting user can release.
. "$(dirname "$0")/lib.sh"

start_sandbox --numbers 10 --sub-numbers 0
mount_vobizfs -o allow_other
n=$(ls "$MNT/numbers" | head -1)
chmod 755 "$T"
clear_requests
as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }

expect_eq "another user lists" "$(ls "$MNT/numbers")" "$(as_nobody ls "$MNT/numbers")"
as_nobody cat "$MNT/numbers/$n" | jq -e . >/dev/null || fail "another user cannot read"
expect_error "another user's rm" "Permission denied" as_nobody rm -f "$MNT/numbers/$n"
expect_eq "DELETEs" 0 "$(count_requests DELETE)"
rm "$MNT/numbers/$n" || fail "the mounting user's rm"
expect_eq "DELETEs" 1 "$(count_requests DELETE)"
finish

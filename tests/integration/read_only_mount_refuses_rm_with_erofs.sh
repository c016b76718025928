#!/bin/bash
# -o ro, or [release] read_only = true: rm fails with "Read-only file
# system", nothing is sent, reading still works.
. "$(dirname "$0")/lib.sh"

start_sandbox --numbers 10 --sub-numbers 0

check_read_only() {
	local how=$1 n
	n=$(ls "$MNT/numbers" | head -1)
	clear_requests
	expect_error "rm ($how)" "Read-only file system" rm "$MNT/numbers/$n"
	expect_error "find -delete ($how)" "Read-only file system" find "$MNT/numbers" -name "$n" -delete
	expect_eq "requests ($how)" 0 "$(ctl GET /requests | jq length)"
	jq -e . "$MNT/numbers/$n" >/dev/null || fail "cat ($how)"
	expect_eq "directory mode ($how)" 555 "$(stat -c %a "$MNT/numbers")"
}

mount_vobizfs -o ro
check_read_only "-o ro"
unmount_vobizfs

write_config "[release]" "read_only = true"
mount_vobizfs
check_read_only "read_only = true"
finish

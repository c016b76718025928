#!/bin/bash
# Mounting on a directory that is already a vobizfs mount, however the path is
# spelt, is refused with status 1 and a one-line reason before the account is
# read; the first mount is neither hidden nor disturbed.
. "$(dirname "$0")/lib.sh"

start_sandbox --numbers 5 --sub-numbers 0
mount_vobizfs
expect_eq "the first mount lists" 5 "$(ls "$MNT/numbers" | wc -l)"
ln -s "$MNT" "$T/link"
clear_requests

for args in "$MNT" "$T/./mnt/" "$T/link" "vobiz $MNT"; do
	# shellcheck disable=SC2086 # "vobiz $MNT" is SOURCE MOUNTPOINT, as mount.fuse3 passes them
	timed timeout 10 "$VOBIZFS" $args -f -o "config=$T/vobizfs.ini"
	expect_eq "$args: exit status" 1 "$LAST_STATUS"
	[ "$LAST_MS" -lt 5000 ] || fail "$args: took $LAST_MS ms"
	grep -q "^vobizfs: $MNT is already a vobizfs mount" <<<"$LAST_OUT" || fail "$args: unclear message: $LAST_OUT"
	expect_eq "$args: a one-line reason" 1 "$(wc -l <<<"$LAST_OUT")"
done

expect_eq "requests sent by the refused mounts" 0 "$(count_requests GET)"
expect_eq "vobizfs mounts on $MNT" 1 "$(grep -c " $MNT fuse.vobizfs " /proc/mounts)"
daemon_alive || fail "the first daemon is gone"
expect_eq "the first mount still lists" 5 "$(ls "$MNT/numbers" | wc -l)"
jq -e . "$MNT/.status" >/dev/null || fail "the first mount's .status is unreadable"

# Once unmounted, the directory takes a mount again.
unmount_vobizfs
mount_vobizfs
expect_eq "mounted again" 5 "$(ls "$MNT/numbers" | wc -l)"
finish

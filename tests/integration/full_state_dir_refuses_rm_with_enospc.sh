#!/bin/bash
# state_dir on a filesystem that fills up: the release cannot be recorded
# before its DELETE, so it is refused with ENOSPC and nothing is sent; with
# room again, the same rm releases.
. "$(dirname "$0")/lib.sh"

[ "$(id -u)" -eq 0 ] || { echo "needs root to mount a tmpfs"; exit 77; }
start_sandbox --numbers 4 --sub-numbers 0
mkdir -p "$T/state"
mount -t tmpfs -o size=1m tmpfs "$T/state" || { echo "cannot mount a tmpfs"; exit 77; }
trap 'umount -l "$T/state" 2>/dev/null; cleanup' EXIT
write_config "[release]" "max_per_hour = 10"
mount_vobizfs
n=$(ls "$MNT/numbers" | head -1)
clear_requests
# fill what is left
dd if=/dev/zero of="$T/state/filler" bs=4k 2>/dev/null
expect_error "rm on a full state_dir" "No space left on device" rm "$MNT/numbers/$n"
expect_eq "DELETEs while full" 0 "$(count_requests DELETE)"
grep -q "no space left" "$T/vobizfs.log" || fail "the log does not say the state store is full"
rm -f "$T/state/filler"
rm "$MNT/numbers/$n" || fail "rm with room again exited $?"
expect_eq "DELETEs in all" 1 "$(count_requests DELETE)"
finish

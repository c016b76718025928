#!/bin/bash
# A release a crash cut off, and a state filesystem full at the next mount:
# the first listing settles it, and that the outcome cannot be recorded does
# not refuse the mount.  The log says so; releases fail with ENOSPC, sending
# nothing, until there is room.
. "$(dirname "$0")/lib.sh"

[ "$(id -u)" -eq 0 ] || { echo "needs root to mount a tmpfs"; exit 77; }
start_sandbox --numbers 4 --sub-numbers 0
mkdir -p "$T/state"
mount -t tmpfs -o size=1m tmpfs "$T/state" || { echo "cannot mount a tmpfs"; exit 77; }
trap 'unmount_vobizfs; umount -l "$T/state" 2>/dev/null; cleanup' EXIT
write_config "[release]" "max_per_hour = 10"
mapfile -t nums < <(sandbox_listed | head -2)
mount_vobizfs
# a crash while the DELETE of nums[0] hangs, one the API never applies
ctl POST /faults "{\"method\":\"DELETE\",\"number\":\"${nums[0]}\",\"action\":\"stall\",\"ms\":3000}" >/dev/null
rm "$MNT/numbers/${nums[0]}" 2>/dev/null &
rm_pid=$!
wait_for "the DELETE of ${nums[0]}" 10 request_arrived DELETE "/${nums[0]}\$" || fail "the DELETE never arrived"
kill_vobizfs
wait "$rm_pid" 2>/dev/null
# then the state filesystem fills up
dd if=/dev/zero of="$T/state/filler" bs=4k 2>/dev/null
clear_requests
mount_vobizfs
grep -q "release of ${nums[0]} was cut off.*settled at mount: still held" "$T/vobizfs.log" ||
	fail "the cut-off release was not settled at mount"
grep -q "cannot record in the state store.*No space left" "$T/vobizfs.log" ||
	fail "the log does not say the outcome could not be recorded"
expect_error "rm on the full state_dir" "No space left on device" rm "$MNT/numbers/${nums[1]}"
expect_eq "DELETEs while full" 0 "$(count_requests DELETE)"
rm -f "$T/state/filler"
rm "$MNT/numbers/${nums[1]}" || fail "rm with room again exited $?"
expect_eq "DELETEs in all" 1 "$(count_requests DELETE)"
finish

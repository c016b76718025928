#!/bin/bash
# state_dir on a filesystem that stops answering (fsfreeze, as a snapshot or
# a hung disk does): rm returns by its deadline with ETIMEDOUT, nothing is
# sent, and .status answers at once (from memory).  Thawed, rm releases.
. "$(dirname "$0")/lib.sh"

[ "$(id -u)" -eq 0 ] || { echo "needs root for a loop device"; exit 77; }
command -v fsfreeze >/dev/null && command -v mkfs.ext4 >/dev/null || { echo "no fsfreeze or mkfs.ext4"; exit 77; }
truncate -s 16M "$T/state.img"
mkfs.ext4 -q -F "$T/state.img" >/dev/null 2>&1 || { echo "mkfs.ext4 failed"; exit 77; }
mkdir -p "$T/state"
mount -o loop "$T/state.img" "$T/state" 2>/dev/null || { echo "cannot loop-mount (no loop devices)"; exit 77; }
thaw() { fsfreeze -u "$T/state" 2>/dev/null; }
trap 'thaw; unmount_vobizfs; umount -l "$T/state" 2>/dev/null; cleanup' EXIT

TIMEOUT=3
start_sandbox --numbers 4 --sub-numbers 0
write_config "[release]" "max_per_hour = 10"
mount_vobizfs
mapfile -t nums < <(ls "$MNT/numbers" | head -2)
clear_requests
fsfreeze -f "$T/state" || { echo "fsfreeze failed"; exit 77; }
timed rm "$MNT/numbers/${nums[0]}"
[ "$LAST_STATUS" -ne 0 ] || fail "rm succeeded on a frozen state_dir"
grep -qE "Connection timed out|Resource temporarily unavailable" <<<"$LAST_OUT" || fail "rm said: $LAST_OUT"
[ "$LAST_MS" -le $((TIMEOUT * 1000 + 1500)) ] || fail "rm took $LAST_MS ms, past its ${TIMEOUT} s deadline"
expect_eq "DELETEs while frozen" 0 "$(count_requests DELETE)"
timed cat "$MNT/.status"
[ "$LAST_STATUS" -eq 0 ] || fail "cat .status failed while frozen: $LAST_OUT"
[ "$LAST_MS" -le 1000 ] || fail ".status took $LAST_MS ms while frozen"
timed cat "$MNT/.metrics"
[ "$LAST_MS" -le 1000 ] || fail ".metrics took $LAST_MS ms while frozen"
thaw
# the store answers again once its queued work is through
wait_for "the store to answer again" 15 rm "$MNT/numbers/${nums[1]}" || fail "rm after the thaw never succeeded"
expect_eq "DELETEs in all" 1 "$(count_requests DELETE)"
finish

#!/bin/bash
# Two mounts of one account share the queue (one state_dir): each sees what
# the other queued, in releasing/, and exactly one of them sends each release.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_grace.sh"

MNT2="$T/mnt2"
PID2=
unmount2() {
	[ -n "$PID2" ] || return 0
	fusermount3 -u "$MNT2" 2>/dev/null || fusermount3 -u -z "$MNT2"
	wait "$PID2" 2>/dev/null
	PID2=
}
trap 'unmount2; cleanup' EXIT

start_sandbox --numbers 8 --sub-numbers 0
write_config "[release]" "grace = 3s"
mount_vobizfs
mkdir -p "$MNT2"
"$VOBIZFS" "$MNT2" -f -o "config=$T/vobizfs.ini" >>"$T/vobizfs2.log" 2>&1 &
PID2=$!
mounted2() { grep -q " $MNT2 fuse" /proc/mounts; }
wait_for "the second mount" 15 mounted2 || fail "no second mount"
set -- $(ls "$MNT/numbers" | head -4)
clear_requests
rm "$MNT/numbers/$1" "$MNT/numbers/$2" || fail "rm in mount 1 exited $?"
rm "$MNT2/numbers/$3" "$MNT2/numbers/$4" || fail "rm in mount 2 exited $?"
seen2() { [ -e "$MNT2/releasing/$1" ] && [ -e "$MNT2/releasing/$2" ]; }
wait_for "mount 2 to show mount 1's queue" 5 seen2 "$1" "$2" || fail "mount 2 does not show $1 $2"
wait_for "four DELETEs" 15 deletes_at_least 4 || fail "not all sent"
wait_for "a fifth DELETE" 4 deletes_at_least 5 && fail "a release was sent twice"
for n in "$@"; do expect_eq "DELETEs of $n" 1 "$(delete_count "$n")"; done
finish

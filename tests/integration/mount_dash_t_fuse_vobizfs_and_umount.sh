#!/bin/bash
# mount -t fuse.vobizfs vobiz MNT -o config=FILE works through mount.fuse3:
# the mount shows the account's numbers, umount unmounts it and the daemon
# then exits by itself.  Refused credentials fail the mount command with the
# reason, and leave neither a mount nor a daemon.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_mount8.sh"

require_mount8
start_sandbox --numbers 12 --sub-numbers 0
write_config
mkdir -p "$MNT"
start_mount_ns

out=$(in_ns timeout 30 mount -t fuse.vobizfs vobiz "$MNT" -o "config=$T/vobizfs.ini" 2>&1)
expect_eq "mount -t exit status (output: $out)" 0 "$?"
mounted_in_ns || fail "no fuse.vobizfs mount at $MNT"
grep -q " $MNT " /proc/mounts && fail "the mount leaked out of the test's namespace"
expect_eq "source label" "vobiz" "$(awk -v m="$MNT" '$2 == m { print $1 }' "/proc/$NS_PID/mounts")"
pid=$(mount8_daemon_pid)
[ -n "$pid" ] || fail "no vobizfs process serves $MNT"
expect_eq "ls numbers/" "$(sandbox_listed)" "$(in_ns ls "$MNT/numbers" | sort)"

in_ns umount "$MNT" || fail "umount exited $?"
mounted_in_ns && fail "still mounted after umount"
if [ -n "$pid" ]; then
	wait_daemon_gone "$pid" 5 || fail "vobizfs (pid $pid) still runs after umount"
fi

# Refused credentials: mount fails with the reason; nothing is left behind.
sed "s/^auth_token = .*/auth_token = wrong-token/" "$T/vobizfs.ini" >"$T/wrong.ini"
chmod 600 "$T/wrong.ini"
out=$(in_ns timeout 30 mount -t fuse.vobizfs vobiz "$MNT" -o "config=$T/wrong.ini" 2>&1) &&
	fail "mount with a wrong token succeeded"
grep -q "refused the credentials" <<<"$out" || fail "no reason given: $out"
mounted_in_ns && fail "a mount was left behind"
[ -z "$(mount8_daemon_pid)" ] || fail "a daemon was left behind"
finish

#!/bin/bash
# The line of dist/fstab.example (config=FILE,_netdev,nofail), pointed at the
# test's mountpoint and configuration, mounts by its mountpoint alone
# (mount -T FSTAB MNT) and with mount -a, as at boot; umount ends the daemon.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_mount8.sh"

require_mount8
start_sandbox --numbers 7 --sub-numbers 0
write_config
mkdir -p "$MNT"
start_mount_ns

example="$(dirname "$0")/../../dist/fstab.example"
line=$(grep -v '^[[:space:]]*#' "$example" | grep -m1 'fuse\.vobizfs')
[ -n "$line" ] || { fail "no fuse.vobizfs line in $example"; finish; }
for opt in config=/etc/vobizfs.ini _netdev nofail; do
	grep -q -- "$opt" <<<"$line" || fail "the example line lacks $opt: $line"
done
sed -e "s|/mnt/vobiz|$MNT|" -e "s|/etc/vobizfs.ini|$T/vobizfs.ini|" <<<"$line" >"$T/fstab"

# By mountpoint, as "mount /mnt/vobiz" does with /etc/fstab.
out=$(in_ns timeout 30 mount -T "$T/fstab" "$MNT" 2>&1)
expect_eq "mount -T FSTAB MNT exit status (output: $out)" 0 "$?"
mounted_in_ns || fail "not mounted"
expect_eq "ls numbers/" "$(sandbox_listed)" "$(in_ns ls "$MNT/numbers" | sort)"
pid=$(mount8_daemon_pid)
[ -n "$pid" ] || fail "no vobizfs process serves $MNT"
in_ns umount "$MNT" || fail "umount exited $?"
[ -n "$pid" ] && { wait_daemon_gone "$pid" 5 || fail "vobizfs (pid $pid) still runs after umount"; }

# Every entry of the table, as at boot.
out=$(in_ns timeout 30 mount -a -T "$T/fstab" 2>&1)
expect_eq "mount -a -T FSTAB exit status (output: $out)" 0 "$?"
mounted_in_ns || fail "not mounted by mount -a"
expect_eq "ls numbers/ after mount -a" "$(sandbox_listed)" "$(in_ns ls "$MNT/numbers" | sort)"
pid=$(mount8_daemon_pid)
in_ns umount "$MNT" || fail "umount exited $?"
[ -n "$pid" ] && { wait_daemon_gone "$pid" 5 || fail "vobizfs (pid $pid) still runs after umount"; }
mounted_in_ns && fail "still mounted"
finish

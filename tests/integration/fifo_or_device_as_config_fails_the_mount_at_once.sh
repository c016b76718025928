#!/bin/bash
# A config file or auth_token_file that is a FIFO, a device or a directory
# fails the mount at once, with status 1 and a one-line reason naming it:
# start-up never blocks on a file (through fstab that would hold up the boot)
# nor reads one without end.
. "$(dirname "$0")/lib.sh"

# left_behind WHAT: fail if a refused mount left a (daemonized) mount, and
# take it down so the test cleans up after a regression too.
left_behind() {
	if grep -q " $MNT " /proc/mounts; then
		fail "$1"
		fusermount3 -u "$MNT"
	fi
}

# refused_at_once WHAT MESSAGE CONFIG: mounting with CONFIG fails within 5 s.
refused_at_once() {
	local what=$1 msg=$2
	timed timeout 10 "$VOBIZFS" "$MNT" -o "config=$3"
	expect_eq "$what: exit status" 1 "$LAST_STATUS"
	[ "$LAST_MS" -lt 5000 ] || fail "$what: took $LAST_MS ms"
	grep -q -- "$msg" <<<"$LAST_OUT" || fail "$what: unclear message: $LAST_OUT"
	expect_eq "$what: a one-line reason" 1 "$(wc -l <<<"$LAST_OUT")"
	left_behind "$what: a mount was left behind"
}

start_sandbox --numbers 5 --sub-numbers 0
mkdir -p "$MNT"
mkfifo "$T/fifo.ini"
refused_at_once "a FIFO as config" "config file $T/fifo.ini is a FIFO, not a regular file" "$T/fifo.ini"
refused_at_once "/dev/zero as config" "config file /dev/zero is a character device" /dev/zero
refused_at_once "a directory as config" "config file $T is a directory" "$T"

# The token file is held to the same rule.
mkfifo "$T/token.fifo"
write_config
sed -i "s|^auth_token = .*|auth_token_file = $T/token.fifo|" "$T/vobizfs.ini"
refused_at_once "a FIFO as auth_token_file" "auth_token_file $T/token.fifo is a FIFO" "$T/vobizfs.ini"
sed -i "s|^auth_token_file = .*|auth_token_file = /dev/zero|" "$T/vobizfs.ini"
refused_at_once "/dev/zero as auth_token_file" "auth_token_file /dev/zero is a character device" "$T/vobizfs.ini"

expect_eq "requests sent" 0 "$(count_requests GET)"
finish

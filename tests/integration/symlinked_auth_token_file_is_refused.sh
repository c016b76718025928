#!/bin/bash
# An auth_token_file that is a symbolic link is refused, naming it: followed,
# it sent the first line of any private file the daemon could read as the
# token.  A config file reached through a link (config management often links
# /etc/vobizfs.ini) is read, and the file it leads to is held to every rule.
. "$(dirname "$0")/lib.sh"

# left_behind WHAT: fail if a refused mount left a (daemonized) mount, and
# take it down so the test cleans up after a regression too.
left_behind() {
	if grep -q " $MNT " /proc/mounts; then
		fail "$1"
		fusermount3 -u "$MNT"
	fi
}

start_sandbox --numbers 5 --sub-numbers 0
mkdir -p "$MNT"
write_config
sed -i "s|^auth_token = .*|auth_token_file = $T/token.link|" "$T/vobizfs.ini"
ln -s "$T/token" "$T/token.link"
out=$(timeout 10 "$VOBIZFS" "$MNT" -o "config=$T/vobizfs.ini" 2>&1)
expect_eq "exit status, linked token file" 1 "$?"
grep -q "auth_token_file $T/token.link is a symbolic link" <<<"$out" || fail "unclear message: $out"
expect_eq "a one-line reason" 1 "$(wc -l <<<"$out")"
grep -q -- "$TOKEN" <<<"$out" && fail "the token is in the message"
expect_eq "requests sent" 0 "$(count_requests GET)"
left_behind "a mount was left behind"

# The config itself may be a link.
sed -i "s|^auth_token_file = .*|auth_token_file = $T/token|" "$T/vobizfs.ini"
mv "$T/vobizfs.ini" "$T/real.ini"
ln -s "$T/real.ini" "$T/vobizfs.ini"
mount_vobizfs
expect_eq "mounted through a linked config" 5 "$(ls "$MNT/numbers" | wc -l)"
unmount_vobizfs

# What it leads to must still be private when it holds the token.
write_config
chmod 644 "$T/real.ini"
out=$(timeout 10 "$VOBIZFS" "$MNT" -o "config=$T/vobizfs.ini" 2>&1)
expect_eq "exit status, linked config 0644" 1 "$?"
grep -q "chmod 600" <<<"$out" || fail "unclear message: $out"
left_behind "a mount was left behind, linked config 0644"
finish

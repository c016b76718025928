#!/bin/bash
# A config file or auth_token_file owned by anyone but the mounting user or
# root is refused, even at mode 0600, with a one-line reason: no one else may
# say which account is mounted, or with which token.
. "$(dirname "$0")/lib.sh"

# left_behind WHAT: fail if a refused mount left a (daemonized) mount, and
# take it down so the test cleans up after a regression too.
left_behind() {
	if grep -q " $MNT " /proc/mounts; then
		fail "$1"
		fusermount3 -u "$MNT"
	fi
}

if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: giving a file to another user needs root"
	exit 77
fi

# refused WHAT MESSAGE: mounting with $T/vobizfs.ini fails saying MESSAGE.
refused() {
	local what=$1 msg=$2 out
	out=$(timeout 10 "$VOBIZFS" "$MNT" -o "config=$T/vobizfs.ini" 2>&1)
	expect_eq "$what: exit status" 1 "$?"
	grep -q -- "$msg" <<<"$out" || fail "$what: unclear message: $out"
	expect_eq "$what: a one-line reason" 1 "$(wc -l <<<"$out")"
	grep -q -- "$TOKEN" <<<"$out" && fail "$what: the token is in the message"
	left_behind "$what: a mount was left behind"
}

start_sandbox --numbers 5 --sub-numbers 0
mkdir -p "$MNT"
write_config
chown 65534:65534 "$T/vobizfs.ini"
refused "config of uid 65534" "config file $T/vobizfs.ini is owned by uid 65534, not by root"

chown 0:0 "$T/vobizfs.ini"
cp "$T/token" "$T/their-token"
chown 65534:65534 "$T/their-token"
chmod 600 "$T/their-token"
sed -i "s|^auth_token = .*|auth_token_file = $T/their-token|" "$T/vobizfs.ini"
refused "token file of uid 65534" "auth_token_file $T/their-token is owned by uid 65534"
expect_eq "requests sent" 0 "$(count_requests GET)"

# Root's own files are fine.
chown 0:0 "$T/their-token"
mount_vobizfs
expect_eq "mounted once the files are root's" 5 "$(ls "$MNT/numbers" | wc -l)"
finish

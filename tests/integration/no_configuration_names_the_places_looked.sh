#!/bin/bash
# With no configuration anywhere (no -o config, no $VOBIZFS_CONFIG, no file
# at the default places, no VOBIZ_AUTH_ID) the mount fails naming every
# place it looked in, not a missing key of a file that does not exist.
. "$(dirname "$0")/lib.sh"

if [ -e /etc/vobizfs.ini ]; then
	echo "$TEST_NAME: skipped (this host has /etc/vobizfs.ini)"
	exit 77
fi
mkdir -p "$MNT" "$T/home"
out=$(env -i PATH="$PATH" HOME="$T/home" "$VOBIZFS" "$MNT" -f 2>&1)
status=$?
expect_eq "exit status" 1 "$status"
for want in "no configuration: looked in" "\$VOBIZFS_CONFIG" "$T/home/.config/vobizfs/vobizfs.ini" /etc/vobizfs.ini; do
	grep -qF -- "$want" <<<"$out" || fail "the message does not say '$want': $out"
done
grep -q "no auth_id" <<<"$out" && fail "still says no auth_id: $out"
expect_eq "one line" 1 "$(wc -l <<<"$out")"
finish

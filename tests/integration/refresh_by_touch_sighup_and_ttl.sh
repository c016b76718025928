#!/bin/bash
# Numbers added or removed behind the mount show at once after touch numbers
# or kill -HUP, and by themselves within [cache] ttl.
. "$(dirname "$0")/lib.sh"

start_sandbox --numbers 10 --sub-numbers 0
write_config "[cache]" "ttl = 3600"
mount_vobizfs
listed() { ls "$MNT/numbers" | sort; }

ctl POST /numbers '{"e164":"+919000000001"}' >/dev/null
listed | grep -qx 919000000001 && fail "a fresh listing was not trusted"
touch "$MNT/numbers" || fail "touch numbers"
listed | grep -qx 919000000001 || fail "touch did not refresh"
jq -e '.["e164"] == "+919000000001"' "$MNT/numbers/919000000001" >/dev/null || fail "cat of the new number"

ctl DELETE /numbers/919000000001 >/dev/null
kill -HUP "$VOBIZFS_PID"
# The signal arrives asynchronously: allow it a moment (the TTL is an hour).
wait_for "SIGHUP to refresh" 2 sh -c "! ls '$MNT/numbers' | grep -qx 919000000001" || fail "SIGHUP did not refresh"
daemon_alive || fail "SIGHUP killed the daemon"
unmount_vobizfs

write_config "[cache]" "ttl = 2"
mount_vobizfs
ctl POST /numbers '{"e164":"+919000000002"}' >/dev/null
wait_for "the TTL to expire" 4 sh -c "ls '$MNT/numbers' | grep -qx 919000000002" || fail "not shown within the TTL"
finish

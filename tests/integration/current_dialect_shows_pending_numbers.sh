#!/bin/bash
# Listed numbers whose status is pending_release appear under
# pending-release/, released ones nowhere; legacy mounts have no
# pending-release/ directory.
. "$(dirname "$0")/lib.sh"

start_sandbox --numbers 10 --sub-numbers 0
write_config "dialect = current"
numbers=$(sandbox_listed)
pending=$(sed -n 1p <<<"$numbers")
released=$(sed -n 2p <<<"$numbers")
ctl PATCH "/numbers/$pending" '{"status":"pending_release","cooldown_ends_at":"2030-01-01T00:00:00Z"}' >/dev/null
ctl PATCH "/numbers/$released" '{"status":"released"}' >/dev/null
mount_vobizfs

expect_eq "pending-release/" "$pending" "$(ls "$MNT/pending-release")"
expect_eq "numbers/" "$(grep -vx -e "$pending" -e "$released" <<<"$numbers")" "$(ls "$MNT/numbers" | sort)"
[ -e "$MNT/numbers/$released" ] && fail "a released number is shown"
[ -e "$MNT/pending-release/$released" ] && fail "a released number is shown as pending"
expect_eq "root lists both directories" "numbers pending-release" "$(ls "$MNT" | grep -e numbers -e pending | paste -sd' ')"
unmount_vobizfs

write_config
mount_vobizfs
expect_eq "legacy root" "numbers" "$(ls "$MNT" | grep -e numbers -e pending)"
finish

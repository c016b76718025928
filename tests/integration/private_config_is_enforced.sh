#!/bin/bash
# A config file holding auth_token, or an auth_token_file, readable by others
# is refused with a message naming the file and the fix; private ones work.
. "$(dirname "$0")/lib.sh"

start_sandbox --numbers 5 --sub-numbers 0
mkdir -p "$MNT"
write_config
chmod 644 "$T/vobizfs.ini"
out=$(timeout 30 "$VOBIZFS" "$MNT" -o "config=$T/vobizfs.ini" 2>&1)
expect_eq "exit status, config 0644" 1 "$?"
grep -q "$T/vobizfs.ini.*chmod 600 $T/vobizfs.ini" <<<"$out" || fail "unclear message: $out"
grep -q -- "$TOKEN" <<<"$out" && fail "the token is in the message"

# auth_token_file, under the same rule.
write_config
sed -i "s|^auth_token = .*|auth_token_file = $T/token|" "$T/vobizfs.ini"
chmod 640 "$T/token"
out=$(timeout 30 "$VOBIZFS" "$MNT" -o "config=$T/vobizfs.ini" 2>&1)
expect_eq "exit status, token file 0640" 1 "$?"
grep -q "chmod 600 $T/token" <<<"$out" || fail "unclear message: $out"
grep -q " $MNT " /proc/mounts && fail "a mount was left behind"

chmod 600 "$T/token"
mount_vobizfs
expect_eq "mounted with the token file" 5 "$(ls "$MNT/numbers" | wc -l)"

# http:// is only for loopback.
unmount_vobizfs
write_config
sed -i "s|^base_url = .*|base_url = http://vobiz.example.com|" "$T/vobizfs.ini"
out=$(timeout 30 "$VOBIZFS" "$MNT" -o "config=$T/vobizfs.ini" 2>&1)
expect_eq "exit status, http to a remote host" 1 "$?"
grep -q "only allowed to a loopback host" <<<"$out" || fail "unclear message: $out"
finish

#!/bin/bash
# With -d, every request is logged (method, path, status, time) and the
# token appears in no log line and not in /proc/PID/cmdline.
. "$(dirname "$0")/lib.sh"

start_sandbox --numbers 10 --sub-numbers 2
mount_vobizfs -d
n=$(ls "$MNT/numbers" | head -1)
theirs=$(ctl GET /numbers | jq -r --arg id "$AUTH_ID" '[.[] | select(.account_id != $id)][0]["e164"] | ltrimstr("+")')
cat "$MNT/numbers/$n" >/dev/null
rm "$MNT/numbers/$n" || fail "rm"
rm "$MNT/numbers/$theirs" 2>/dev/null
touch "$MNT/numbers"
ls "$MNT/numbers" >/dev/null

grep -Eq "debug: DELETE /api/v1/Account/$AUTH_ID/numbers/$n -> 204 \([0-9]+ ms\)" "$T/vobizfs.log" ||
	fail "no debug line for the DELETE"
grep -Eq "debug: GET /api/v1/Account/$AUTH_ID/numbers\?page=1&per_page=100 -> 200" "$T/vobizfs.log" ||
	fail "no debug line for the listing"
grep -q -- "$TOKEN" "$T/vobizfs.log" && fail "the token is in the -d log"
tr '\0' ' ' <"/proc/$VOBIZFS_PID/cmdline" | grep -q -- "$TOKEN" && fail "the token is in the cmdline"
grep -q -- "$TOKEN" "$T/requests.jsonl" && fail "the token is in the sandbox's request log"
unmount_vobizfs

# Given through the environment, likewise.
write_config
sed -i '/^auth_token = /d' "$T/vobizfs.ini"
VOBIZ_AUTH_TOKEN=$TOKEN mount_vobizfs -d
ls "$MNT/numbers" >/dev/null || fail "mount with VOBIZ_AUTH_TOKEN"
tr '\0' ' ' <"/proc/$VOBIZFS_PID/cmdline" | grep -q -- "$TOKEN" && fail "the token is in the cmdline"
grep -q -- "$TOKEN" "$T/vobizfs.log" && fail "the token is in the -d log"
finish

#!/bin/bash
# state_dir deleted while mounted (a clean-up script, a tmpfiles rule): the
# budget is not reset.  The release that finds the database gone is refused
# (EIO, one log line); the mount recreates it from what it knows, so the
# hour's releases still count and the next release meets EDQUOT — not three
# more DELETEs, and not EIO until a remount.
. "$(dirname "$0")/lib.sh"

start_sandbox --numbers 8 --sub-numbers 0
write_config "[release]" "max_per_hour = 3"
mount_vobizfs
mapfile -t nums < <(ls "$MNT/numbers" | head -6)
clear_requests
for n in "${nums[@]:0:3}"; do rm "$MNT/numbers/$n" || fail "rm $n exited $?"; done
expect_eq "DELETEs of the first three" 3 "$(count_requests DELETE)"

rm -rf "$T/state"
expect_error "the rm that finds the store gone" "Input/output error" rm "$MNT/numbers/${nums[3]}"
expect_eq "log lines about the loss" 1 "$(grep -c "deleted or replaced under the mount" "$T/vobizfs.log")"
[ -s "$T/state/vobizfs.db" ] || fail "the database was not recreated"
expect_error "the next rm" "Disk quota exceeded" rm "$MNT/numbers/${nums[4]}"
expect_eq "slots in the recreated database" 3 "$(sqlite3 "$T/state/vobizfs.db" 'select count(*) from slots')"
expect_eq "budget used in .status" 3 "$(jq -r .releases.budget.used "$MNT/.status")"
expect_eq "DELETEs in all" 3 "$(count_requests DELETE)"
finish

#!/bin/bash
# An earlier version's line journal is taken into the database at the first
# start: its unsettled release is settled from the first listing and its
# budget slots of the last hour still count; the file is renamed *.imported
# and not taken in again by the next mount.
. "$(dirname "$0")/lib.sh"

start_sandbox --numbers 6 --sub-numbers 0
write_config "[release]" "max_per_hour = 3" "audit_log = $T/audit.jsonl"
mapfile -t nums < <(sandbox_listed | head -4)
now=$(($(date +%s) * 1000))
mkdir -p "$T/state"
# two slots this hour (one release still unsettled), one from three hours ago
printf '%s release %s\n%s settled %s\n%s release %s\n%s release %s\n%s settled %s\n' \
	$((now - 60000)) "${nums[0]}" $((now - 59000)) "${nums[0]}" $((now - 30000)) "${nums[1]}" \
	$((now - 3 * 3600000)) "${nums[2]}" $((now - 3 * 3600000)) "${nums[2]}" >"$T/state/$AUTH_ID.journal"
clear_requests
mount_vobizfs
[ -e "$T/state/$AUTH_ID.journal.imported" ] || fail "the journal was not renamed .imported"
[ -e "$T/state/$AUTH_ID.journal" ] && fail "the journal is still there"
grep -q "release of ${nums[1]} was cut off.*settled at mount: still held" "$T/vobizfs.log" ||
	fail "the imported unsettled release was not settled at mount"
expect_eq "budget used after the import" 2 "$(jq -r .releases.budget.used "$MNT/.status")"
rm "$MNT/numbers/${nums[2]}" || fail "rm within the budget exited $?"
expect_error "rm past the budget" "Disk quota exceeded" rm "$MNT/numbers/${nums[3]}"
fusermount3 -u "$MNT"
wait "$VOBIZFS_PID"
VOBIZFS_PID=
mount_vobizfs
expect_eq "budget used after a remount (no second import)" 3 "$(jq -r .releases.budget.used "$MNT/.status")"
expect_eq "DELETEs in all" 1 "$(count_requests DELETE)"
finish

#!/bin/bash
# The audit log on a filesystem that fills up: every line in it stays whole
# (a short write is cut off again, so `jq` reads every line); the rm whose
# intent cannot be written fails with ENOSPC and sends no DELETE; each DELETE
# sent has its intent and, once there is room again, its outcome line.
. "$(dirname "$0")/lib.sh"

[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root to mount a tmpfs"; exit 77; }
start_sandbox --numbers 40 --sub-numbers 0
mkdir "$T/small"
mount -t tmpfs -o size=64k tmpfs "$T/small" || { echo "SKIP: cannot mount a tmpfs"; exit 77; }
trap 's=$?; umount -l "$T/small" 2>/dev/null; (exit $s); cleanup' EXIT
# All but one page taken: the log has 4 KiB, some 20 lines.
dd if=/dev/zero of="$T/small/filler" bs=4096 count=15 2>/dev/null
write_config "[release]" "audit_log = $T/small/audit.jsonl" "max_per_hour = 0"
mount_vobizfs
mapfile -t n < <(ls "$MNT/numbers")
clear_requests
released=0 refused=0 status_msg=
for num in "${n[@]}"; do
	if out=$(rm "$MNT/numbers/$num" 2>&1); then
		released=$((released + 1))
	else
		refused=$((refused + 1))
		status_msg=$out
		break
	fi
done
echo "released $released before the disk was full"
[ "$refused" -eq 1 ] || fail "the disk never filled ($released releases)"
grep -q "No space left on device" <<<"$status_msg" || fail "rm on a full disk says: $status_msg"
expect_eq "DELETEs: one per release that succeeded" "$released" "$(count_requests DELETE)"
jq -c . "$T/small/audit.jsonl" >/dev/null || fail "a line of the audit log is not JSON"
tail -c 1 "$T/small/audit.jsonl" | od -An -c | grep -q '\\n' || fail "the audit log does not end in a whole line"
grep -q "cannot write the audit log $T/small/audit.jsonl: No space left on device" "$T/vobizfs.log" ||
	fail "the log does not name ENOSPC"
# Room again: the next release goes through, and every intent whose DELETE
# was sent has its outcome.
rm "$T/small/filler"
clear_requests
rm "$MNT/numbers/${n[$((released + 1))]}" || fail "rm once there is room"
expect_eq "DELETEs once there is room" 1 "$(count_requests DELETE)"
jq -c . "$T/small/audit.jsonl" >/dev/null || fail "a line of the audit log is not JSON"
intents=$(jq -r 'select(.event == "intent") | .number' "$T/small/audit.jsonl" | sort | paste -sd' ')
outcomes=$(jq -r 'select(.event == "outcome" and .result == "ok") | .number' "$T/small/audit.jsonl" | sort | paste -sd' ')
expect_eq "every intent has its ok outcome" "$intents" "$outcomes"
expect_eq "releases audited" $((released + 1)) "$(jq -r 'select(.event == "intent")' "$T/small/audit.jsonl" | jq -s length)"
unmount_vobizfs
umount -l "$T/small"
finish

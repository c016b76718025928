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

# An outcome that meets a full disk (the intent went in, then the disk filled
# while the DELETE was out): logged, kept, and written before the next line.
clear_requests
a=${n[$((released + 2))]} b=${n[$((released + 3))]}
ctl POST /faults "{\"method\":\"DELETE\",\"number\":\"$a\",\"action\":\"stall\",\"apply\":true}" >/dev/null
rm "$MNT/numbers/$a" 2>"$T/rm_a.err" &
rm_pid=$!
wait_for "the DELETE of $a" 10 request_arrived DELETE "$a" || fail "no DELETE of $a"
# Fill the log's last page with a line of padding, then the file system.
size=$(stat -c %s "$T/small/audit.jsonl")
pad=$(( (4096 - (size + 11) % 4096) % 4096 ))
printf '{"pad":"%s"}\n' "$(head -c "$pad" /dev/zero | tr '\0' x)" >>"$T/small/audit.jsonl"
dd if=/dev/zero of="$T/small/filler" bs=4096 2>/dev/null
ctl DELETE /faults >/dev/null
wait "$rm_pid" || fail "rm of $a (the DELETE was sent and answered) exited $?: $(cat "$T/rm_a.err")"
grep -q "the outcome line is written with the next line" "$T/vobizfs.log" || fail "the lost outcome was not logged"
expect_eq "no outcome of $a on the full disk" 0 \
	"$(jq -r --arg n "$a" 'select(.event == "outcome" and .number == $n)' "$T/small/audit.jsonl" | jq -s length)"
rm "$T/small/filler"
rm "$MNT/numbers/$b" || fail "rm of $b once there is room"
jq -c . "$T/small/audit.jsonl" >/dev/null || fail "a line of the audit log is not JSON"
expect_eq "the kept outcome, then $b's lines" "outcome $a ok|intent $b null|outcome $b ok" \
	"$(tail -n 3 "$T/small/audit.jsonl" | jq -r '"\(.event) \(.number) \(.result)"' | paste -sd'|')"
expect_eq "DELETEs" 2 "$(count_requests DELETE)"
unmount_vobizfs
umount -l "$T/small"
finish

#!/bin/bash
# A daemon with no descriptor left still tells who asks: the caller is read
# from /proc through descriptors kept in reserve, so `mv numbers/N out/` is
# refused (EPERM, or EAGAIN when even the reserve is taken) and sends no
# DELETE — it never counts as a removal for want of a name.  The unmount
# under the same limit exits 0 (no abort in pthread_cancel for want of a
# descriptor to load libgcc_s with).
. "$(dirname "$0")/lib.sh"

start_sandbox --numbers 10 --sub-numbers 0
write_config "[release]" "audit_log = $T/audit.jsonl"
mount_vobizfs
mapfile -t nums < <(ls "$MNT/numbers")
cat "$MNT/numbers/${nums[0]}" >/dev/null
# The limit at the lowest free descriptor number: the next open is EMFILE.
lowest_free() {
	local fd=0
	while [ -e "/proc/$VOBIZFS_PID/fd/$fd" ]; do fd=$((fd + 1)); done
	echo "$fd"
}
limit=$(lowest_free)
prlimit --pid "$VOBIZFS_PID" --nofile="$limit:$limit" || fail "prlimit"
mkdir "$T/out"
clear_requests
for i in 1 2 3; do
	expect_error "mv numbers/${nums[$i]} out/ short of descriptors" \
		"Operation not permitted\|Resource temporarily unavailable" mv "$MNT/numbers/${nums[$i]}" "$T/out/"
done
expect_eq "DELETEs" 0 "$(count_requests DELETE)"
for i in 1 2 3; do
	sandbox_listed | grep -qx "${nums[$i]}" || fail "${nums[$i]} is no longer held"
done
grep -q "release of ${nums[1]} refused: mv replaces or moves files\|release of ${nums[1]} refused: the caller could not be identified (.*Too many open files" \
	"$T/vobizfs.log" || fail "no log line says why mv was refused"
daemon_alive || fail "the daemon died"
# Again at the lowest free number (connections closed meanwhile), for the
# unmount: libfuse's pthread_cancel() then finds no descriptor to load with.
limit=$(lowest_free)
prlimit --pid "$VOBIZFS_PID" --nofile="$limit:$limit" || fail "prlimit"
unmount_vobizfs # fails the test unless it exits 0
grep -q "must be installed for pthread_cancel" "$T/vobizfs.log" && fail "the unmount aborted in pthread_cancel"
[ -n "${SHOWLOG:-}" ] && grep -v "warning: GET" "$T/vobizfs.log" | tail -8
finish

#!/bin/bash
# max_per_hour holds when the wall clock steps: set back two hours, then
# forward two hours (libfaketime under the daemon; the kernel's boot-time
# clock does not step, as on a real machine), no slot frees up early, and the
# time a refusal names is never further than the hour.
. "$(dirname "$0")/lib.sh"

lib=$(ls /usr/lib/*/faketime/libfaketimeMT.so.1 2>/dev/null | head -1)
[ -n "$lib" ] || { echo "libfaketime is not installed (Debian package faketime)"; exit 77; }

start_sandbox --numbers 8 --sub-numbers 0
write_config "[release]" "max_per_hour = 3"
echo "+0" >"$T/faketime"
# under the sanitizers, libfaketime comes before the ASan runtime: allowed
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
export LD_PRELOAD=$lib FAKETIME_TIMESTAMP_FILE=$T/faketime FAKETIME_NO_CACHE=1 FAKETIME_DONT_FAKE_MONOTONIC=1
mount_vobizfs
unset LD_PRELOAD
mapfile -t nums < <(ls "$MNT/numbers" | head -6)
clear_requests
for n in "${nums[@]:0:3}"; do rm "$MNT/numbers/$n" || fail "rm $n exited $?"; done

refused_within_the_hour() { # N STEP
	local out secs
	out=$(rm "$MNT/numbers/$1" 2>&1) && { fail "rm $1 after a step of $2 released it"; return; }
	grep -q "Disk quota exceeded" <<<"$out" || fail "rm $1 after a step of $2: $out"
	secs=$(grep -o "release of $1 refused.*(in [0-9]* s)" "$T/vobizfs.log" | tail -1 | grep -o "in [0-9]* s" | tr -dc 0-9)
	[ -n "$secs" ] || { fail "no refusal naming when the budget frees up for $1"; return; }
	[ "$secs" -le 3600 ] || fail "after a step of $2 the budget frees up 'in $secs s', past the hour"
	[ "$secs" -ge 3500 ] || fail "after a step of $2 the budget frees up 'in $secs s': too soon"
}

echo "-2h" >"$T/faketime"
refused_within_the_hour "${nums[3]}" "-2h"
echo "+2h" >"$T/faketime"
refused_within_the_hour "${nums[4]}" "+2h"
expect_eq "DELETEs in all" 3 "$(count_requests DELETE)"
expect_eq "budget used in .status" 3 "$(jq -r .releases.budget.used "$MNT/.status")"
finish

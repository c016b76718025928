#!/bin/bash
# A daemon in a pid namespace of its own (`unshare --pid --fork vobizfs ...`)
# sees its callers as pid 0 and cannot tell who they are: every release is
# refused (EPERM, nothing sent, a log line saying the pid is 0) — `mv` and
# `rm` alike, since an unknown caller is never taken for a removal.  Reading
# still works.  The mount says at start that /proc is not its namespace's.
. "$(dirname "$0")/lib.sh"

unshare --pid --fork true 2>/dev/null || { echo "SKIP: unshare --pid not permitted"; exit 77; }
printf '#!/bin/sh\nexec unshare --pid --fork "%s" "$@"\n' "$VOBIZFS" >"$T/in-own-pid-namespace"
chmod +x "$T/in-own-pid-namespace"
VOBIZFS="$T/in-own-pid-namespace"
start_sandbox --numbers 6 --sub-numbers 0
write_config "[release]" "audit_log = $T/audit.jsonl"
mount_vobizfs
mapfile -t nums < <(ls "$MNT/numbers")
jq -e . "$MNT/numbers/${nums[0]}" >/dev/null || fail "cat of a number"
grep -q "warning: /proc shows another pid namespace" "$T/vobizfs.log" || fail "no warning at start"
mkdir "$T/out"
clear_requests
expect_error "mv numbers/${nums[1]} out/" "Operation not permitted" mv "$MNT/numbers/${nums[1]}" "$T/out/"
expect_error "rm numbers/${nums[2]}" "Operation not permitted" rm "$MNT/numbers/${nums[2]}"
expect_eq "DELETEs" 0 "$(count_requests DELETE)"
for i in 1 2; do
	sandbox_listed | grep -qx "${nums[$i]}" || fail "${nums[$i]} is no longer held"
	ls "$MNT/numbers" | grep -qx "${nums[$i]}" || fail "${nums[$i]} left numbers/"
done
expect_eq "refusals logged with the reason" 2 \
	"$(grep -c "refused: the caller could not be identified (its pid is 0" "$T/vobizfs.log")"
expect_eq "audited as EPERM" "EPERM EPERM" "$(jq -r 'select(.event == "outcome") | .result' "$T/audit.jsonl" | paste -sd' ')"
finish

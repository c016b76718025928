#!/bin/bash
# Listings read while numbers are being released through the same mount
# still complete: the shift the releases cause is settled from the mount's
# own changes instead of failing ls with EIO.
. "$(dirname "$0")/lib.sh"

start_sandbox --numbers 600 --sub-numbers 0 --latency 20
write_config "[cache]" "ttl = 0"
mount_vobizfs

ls "$MNT/numbers" | head -40 >"$T/to-release"
(while read -r n; do rm "$MNT/numbers/$n" || echo "rm $n failed" >>"$T/errors"; done <"$T/to-release") &
releaser=$!
lists=0
while kill -0 "$releaser" 2>/dev/null; do
	ls "$MNT/numbers" >/dev/null 2>>"$T/errors" || echo "ls failed" >>"$T/errors"
	lists=$((lists + 1))
done
wait "$releaser"
echo "$lists listings during 40 releases"
[ "$lists" -ge 3 ] || fail "only $lists listings overlapped the releases"
expect_eq "errors" "" "$(cat "$T/errors" 2>/dev/null)"
expect_eq "the listing after" "$(sandbox_listed)" "$(ls "$MNT/numbers" | sort)"
expect_eq "released" 560 "$(ls "$MNT/numbers" | wc -l)"
finish

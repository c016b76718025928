#!/bin/bash
# A DELETE answered with a redirect, a 200 whose body is cut in half, or a 200
# whose body denies the release ({"status":"active"}) is an unknown outcome:
# rm looks at the listing, never sends a second DELETE, keeps the budget slot.
# The denied one is still listed: rm EIO, the number stays, and its next rm
# looks first.  A legacy 200 {"message":"number returned to inventory"} is a
# final release: rm 0, no look.
. "$(dirname "$0")/lib.sh"

start_sandbox --numbers 24 --sub-numbers 0
write_config "[release]" "max_per_hour = 20"
mount_vobizfs

pick() { ls "$MNT/numbers" | grep "^9180" | head -1; } # a held 9180 number remains: the witness
used() { jq -r '.releases.budget.used' "$MNT/.status"; }

# Applied, but the answer cannot be read: settled from the listing as released.
for fault in '"action":"status","status":302,"body":""' '"action":"truncated"'; do
	n=$(pick) before=$(used)
	clear_requests
	ctl POST /faults "{\"method\":\"DELETE\",\"number\":\"$n\",$fault,\"apply\":true}" >/dev/null
	timed rm "$MNT/numbers/$n"
	echo "rm with $fault: exit $LAST_STATUS, $LAST_MS ms"
	expect_eq "rm exit status ($fault)" 0 "$LAST_STATUS"
	expect_eq "DELETEs ($fault)" 1 "$(count_requests DELETE)"
	expect_eq "a look at the listing ($fault)" 1 "$(requests GET | grep -c "search=")"
	expect_eq "budget slot kept ($fault)" $((before + 1)) "$(used)"
	[ -e "$MNT/numbers/$n" ] && fail "$n still shown ($fault)"
done

# Not applied, answered 200 {"status":"active"}: kept, EIO, slot kept.
n=$(pick) before=$(used)
clear_requests
ctl POST /faults "{\"method\":\"DELETE\",\"number\":\"$n\",\"action\":\"status\",\"status\":200,\"body\":\"{\\\"status\\\":\\\"active\\\"}\"}" >/dev/null
expect_error "rm answered status active" "Input/output error" rm "$MNT/numbers/$n"
expect_eq "DELETEs (status active)" 1 "$(count_requests DELETE)"
expect_eq "a look at the listing (status active)" 1 "$(requests GET | grep -c "search=")"
expect_eq "budget slot kept (status active)" $((before + 1)) "$(used)"
[ -e "$MNT/numbers/$n" ] || fail "$n no longer shown after a denied release"
expect_eq "still held at the sandbox" "$n" "$(sandbox_listed | grep -x "$n")"
grep -q "status \\\\\?\"active\\\\\?\", not a release" "$T/vobizfs.log" || grep -q 'status "active", not a release' "$T/vobizfs.log" ||
	fail "the log does not say the 2xx denied the release"
# Its next rm looks first, then sends its one DELETE.
clear_requests
timed rm "$MNT/numbers/$n"
expect_eq "second rm exit status" 0 "$LAST_STATUS"
expect_eq "second rm: DELETEs" 1 "$(count_requests DELETE)"
first_get=$(ctl GET /requests | jq '[.[] | select(.method == "GET")][0].seq')
first_delete=$(ctl GET /requests | jq '[.[] | select(.method == "DELETE")][0].seq')
[ "$first_get" != null ] && [ "$first_get" -lt "$first_delete" ] || fail "the second rm did not look first"

# Legacy: 200 {"message":"number returned to inventory"} is final.
n=$(pick)
clear_requests
ctl POST /faults "{\"method\":\"DELETE\",\"number\":\"$n\",\"action\":\"status\",\"status\":200,\"body\":\"{\\\"message\\\":\\\"number returned to inventory\\\"}\",\"apply\":true}" >/dev/null
timed rm "$MNT/numbers/$n"
expect_eq "rm answered 'returned to inventory'" 0 "$LAST_STATUS"
expect_eq "DELETEs (returned to inventory)" 1 "$(count_requests DELETE)"
expect_eq "no look needed (returned to inventory)" 0 "$(count_requests GET)"
[ -e "$MNT/numbers/$n" ] && fail "$n still shown after 'returned to inventory'"
finish

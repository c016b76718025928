#!/bin/bash
# [api] dialect = legacy against an API that knows numbers only as %2B<digits>
# (--shape legacy-delete=not-found: the digits path answers 404): rm of a
# listed number stays "No such file or directory" with one DELETE, and the
# log suggests [api] dialect = current, once per mount.
. "$(dirname "$0")/lib.sh"

start_sandbox --numbers 8 --sub-numbers 0 --shape legacy-delete=not-found
mount_vobizfs
read -r a b < <(ls "$MNT/numbers" | head -2 | paste -sd' ')
clear_requests

expect_error "rm $a" "No such file or directory" rm "$MNT/numbers/$a"
expect_error "rm $b" "No such file or directory" rm "$MNT/numbers/$b"
expect_eq "DELETEs" "/api/v1/Account/$AUTH_ID/numbers/$a 404,/api/v1/Account/$AUTH_ID/numbers/$b 404" \
	"$(requests DELETE | jq -r '"\(.path) \(.status)"' | paste -sd,)"
expect_eq "requests in all" 2 "$(ctl GET /requests | jq length)"
expect_eq "the suggestion, once" 1 "$(grep -c "set \[api\] dialect = current" "$T/vobizfs.log")"
grep -q "the number written %2B<digits> in the path" "$T/vobizfs.log" || fail "the suggestion does not say why"
expect_eq "still held" "active active" "$(ctl GET "/numbers/$a" | jq -r .status) $(ctl GET "/numbers/$b" | jq -r .status)"
finish

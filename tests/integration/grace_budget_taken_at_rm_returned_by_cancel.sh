#!/bin/bash
# max_per_hour = 2 with a grace: the budget is taken when a release is
# queued (the third rm meets EDQUOT at once, nothing sent), and given back
# by a cancel (then the third rm is queued).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_grace.sh"

start_sandbox --numbers 5 --sub-numbers 0
write_config "[release]" "grace = 1h" "max_per_hour = 2"
mount_vobizfs
set -- $(ls "$MNT/numbers" | head -3)
clear_requests
rm "$MNT/numbers/$1" "$MNT/numbers/$2" || fail "rm of two exited $?"
expect_eq "budget used" 2 "$(jq -r .releases.budget.used "$MNT/.status")"
expect_error "third rm" "Disk quota exceeded" rm "$MNT/numbers/$3"
[ -e "$MNT/numbers/$3" ] || fail "$3 left numbers/"
mv "$MNT/releasing/$1" "$MNT/numbers/" || fail "mv back exited $?"
expect_eq "budget after the cancel" 1 "$(jq -r .releases.budget.used "$MNT/.status")"
rm "$MNT/numbers/$3" || fail "third rm after the cancel exited $?"
expect_eq "queued" 2 "$(queued_count)"
expect_eq "requests" 0 "$(all_requests)"
finish

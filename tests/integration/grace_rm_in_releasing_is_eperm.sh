#!/bin/bash
# The grace is a minimum: rm releasing/N is EPERM, sends nothing, and the
# release stays queued.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_grace.sh"

start_sandbox --numbers 3 --sub-numbers 0
write_config "[release]" "grace = 1h"
mount_vobizfs
n=$(ls "$MNT/numbers" | head -1)
clear_requests
rm "$MNT/numbers/$n" || fail "rm exited $?"
expect_error "rm releasing/$n" "Operation not permitted" rm "$MNT/releasing/$n"
expect_error "rm -f releasing/$n" "Operation not permitted" rm -f "$MNT/releasing/$n"
in_releasing "$n" || fail "$n left releasing/"
expect_eq "queued" 1 "$(queued_count)"
expect_eq "requests" 0 "$(all_requests)"
finish

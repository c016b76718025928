#!/bin/bash
# inventory/CC/ takes only assigned ISO 3166 codes: anything else is ENOENT
# at once, with no request.  Looking at every code (stat inventory/{AA..ZZ}/N)
# costs one listing per assigned code, never fills the table, and a real
# country still lists afterwards, for every user.
. "$(dirname "$0")/lib.sh"

start_sandbox --numbers 4 --sub-numbers 0 --inventory 10
mount_vobizfs
clear_requests
for cc in ZZ AA QQ XK; do
	expect_error "ls inventory/$cc" "No such file" ls "$MNT/inventory/$cc"
	expect_error "stat inventory/$cc/N" "No such file" stat "$MNT/inventory/$cc/12345678"
done
expect_eq "requests for unassigned codes" 0 "$(ctl GET /requests | jq length)"

for a in {A..Z}; do for b in {A..Z}; do stat "$MNT/inventory/$a$b/12345678" 2>/dev/null; done; done
expect_eq "inventory listings for all 676 codes (249 assigned)" 249 "$(count_requests GET 'inventory/numbers')"
ls "$MNT/inventory/US" | grep -q '^1415' || fail "ls inventory/US after every code: $(ls "$MNT/inventory/US" 2>&1 | head -2)"
echo "daemon VmHWM after every code: $(grep VmHWM "/proc/$VOBIZFS_PID/status")"
finish

#!/bin/bash
# Names that are not 8-15 digits are "No such file" at once, never sent.
. "$(dirname "$0")/lib.sh"

start_sandbox --numbers 10
mount_vobizfs
clear_requests

for name in 1234567 1234567890123456 abc 91987654321x '+' '++919876543210' '%2B919876543210' \
	'9198 7654321' '٩١٩٨٧٦٥٤٣٢١٠' '-91987654321'; do
	expect_error "stat '$name'" "No such file" stat "$MNT/numbers/$name"
	expect_error "rm '$name'" "No such file" rm "$MNT/numbers/$name"
	expect_error "cat '$name'" "No such file" cat "$MNT/numbers/$name"
done
expect_error "a path outside the tree" "No such file" stat "$MNT/other"
expect_eq "requests" 0 "$(ctl GET /requests | jq length)"
finish

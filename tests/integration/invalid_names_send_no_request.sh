#!/bin/bash
# Names that are not 8-15 digits are "No such file" at once, never sent; a
# name past NAME_MAX (255, as statfs says) is "File name too long".
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
# A name past the 255 bytes statfs reports is too long, not absent.
long=$(printf '%0300d' 9)
expect_eq "statfs's name limit" 255 "$(stat -f -c %l "$MNT")"
for path in "numbers/$long" "$long" "by-country/$long/x"; do
	expect_error "stat of a 300-byte name ($path)" "File name too long" stat "$MNT/$path"
	expect_error "rm of a 300-byte name ($path)" "File name too long" rm "$MNT/$path"
done
python3 -c 'import errno, os, sys
try:
    os.stat(sys.argv[1])
except OSError as e:
    sys.exit(0 if e.errno == errno.ENAMETOOLONG else 1)
sys.exit(1)' "$MNT/numbers/$long" || fail "os.stat of a 300-digit name is not ENAMETOOLONG"
expect_error "a path outside the tree" "No such file" stat "$MNT/other"
expect_eq "requests" 0 "$(ctl GET /requests | jq length)"
finish

#!/bin/bash
# rm of a number another process holds open releases it like any other (one
# DELETE), and the open descriptor still reads the record it opened.
. "$(dirname "$0")/lib.sh"

start_sandbox --numbers 5 --sub-numbers 0
mount_vobizfs
n=$(ls "$MNT/numbers" | head -1)
exec 7<"$MNT/numbers/$n"
clear_requests

rm "$MNT/numbers/$n" || fail "rm of an open number exited $?"
expect_eq "DELETEs" 1 "$(count_requests DELETE)"
expect_eq "no hidden file left" "" "$(ls -a "$MNT/numbers" | grep fuse_hidden)"
expect_eq "the open descriptor reads the record" "+$n" "$(jq -r '.["e164"]' <&7)"
exec 7<&-
expect_eq "released" "" "$(sandbox_listed | grep -x "$n")"
finish

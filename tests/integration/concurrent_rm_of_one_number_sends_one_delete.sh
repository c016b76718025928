#!/bin/bash
# Two processes remove the same number at once: one DELETE; one rm succeeds,
# the other says "No such file or directory".
. "$(dirname "$0")/lib.sh"

start_sandbox --numbers 10 --sub-numbers 0
mount_vobizfs
n=$(ls "$MNT/numbers" | head -1)
ctl POST '/latency?ms=300' >/dev/null
clear_requests

rm "$MNT/numbers/$n" 2>"$T/rm1.err" & p1=$!
rm "$MNT/numbers/+$n" 2>"$T/rm2.err" & p2=$!
wait $p1; s1=$?
wait $p2; s2=$?
expect_eq "DELETEs" 1 "$(count_requests DELETE)"
expect_eq "exactly one rm succeeded" 1 "$(( (s1 == 0) + (s2 == 0) ))"
cat "$T/rm1.err" "$T/rm2.err" | grep -q "No such file" || fail "the other rm did not say ENOENT: $(cat "$T"/rm*.err)"
finish

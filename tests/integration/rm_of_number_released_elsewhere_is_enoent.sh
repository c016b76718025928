#!/bin/bash
# A number released behind the mount's back: the API answers 404, rm says
# "No such file or directory", and the file leaves the listing at once.
. "$(dirname "$0")/lib.sh"

start_sandbox --numbers 10 --sub-numbers 0
mount_vobizfs
n=$(ls "$MNT/numbers" | head -1)
ctl DELETE "/numbers/$n" >/dev/null
clear_requests

expect_error "rm of $n" "No such file" rm "$MNT/numbers/$n"
expect_eq "DELETE requests" 1 "$(count_requests DELETE)"
[ -e "$MNT/numbers/$n" ] && fail "$n is still shown"
expect_eq "no listing was needed" 0 "$(count_requests GET)"
finish

#!/bin/bash
# A 401 on a release: "Permission denied", and the log says the credentials
# were refused (without the token).
. "$(dirname "$0")/lib.sh"

start_sandbox --numbers 10 --sub-numbers 0
mount_vobizfs
n=$(ls "$MNT/numbers" | head -1)
ctl POST /faults '{"method":"DELETE","action":"status","status":401,"body":"{\"error\":{\"code\":401,\"message\":\"Invalid token\"}}"}' >/dev/null

expect_error "rm of $n" "Permission denied" rm "$MNT/numbers/$n"
expect_eq "DELETE requests" 1 "$(count_requests DELETE)"
[ -f "$MNT/numbers/$n" ] || fail "the file disappeared"
grep -q "refused the credentials.*Invalid token" "$T/vobizfs.log" || fail "no log line about refused credentials"
grep -q -- "$TOKEN" "$T/vobizfs.log" && fail "the token is in the log"
finish

#!/bin/bash
# A state database that is not one (damaged, overwritten) refuses the mount,
# naming the file and SQLite's message, before any request: it is never read
# as "no releases pending, budget unused".
. "$(dirname "$0")/lib.sh"

start_sandbox --numbers 3 --sub-numbers 0
write_config
mkdir -p "$T/state" "$MNT"
head -c 65536 /dev/urandom >"$T/state/vobizfs.db"
clear_requests
out=$("$VOBIZFS" "$MNT" -f -o "config=$T/vobizfs.ini" 2>&1)
status=$?
expect_eq "exit status" 1 "$status"
grep -q "$T/state/vobizfs.db" <<<"$out" || fail "the refusal does not name the database: $out"
grep -qi "not a database" <<<"$out" || fail "the refusal does not give SQLite's message: $out"
grep -q " $MNT fuse" /proc/mounts && fail "mounted anyway"
expect_eq "requests sent" 0 "$(ctl GET /requests | jq length)"
finish

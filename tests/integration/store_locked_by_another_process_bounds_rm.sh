#!/bin/bash
# Another process (another mount, a user's sqlite3 session) holds the state
# database locked: an rm waits no longer than its deadline, fails EAGAIN and
# sends nothing; once the lock goes, the same rm releases.  .status answers
# at once meanwhile (it is answered from memory).
. "$(dirname "$0")/lib.sh"

TIMEOUT=3
start_sandbox --numbers 4 --sub-numbers 0
write_config "[release]" "max_per_hour = 10"
mount_vobizfs
n=$(ls "$MNT/numbers" | head -1)
clear_requests

# hold an exclusive lock until told to stop
python3 - "$T/state/vobizfs.db" "$T/locked" "$T/unlock" <<'PY' &
import os, sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN EXCLUSIVE")
open(sys.argv[2], "w").close()
deadline = time.time() + 30
while not os.path.exists(sys.argv[3]) and time.time() < deadline:
    time.sleep(0.05)
db.execute("ROLLBACK")
PY
locker=$!
wait_for "the lock" 10 test -e "$T/locked" || fail "the lock was never taken"

timed rm "$MNT/numbers/$n"
[ "$LAST_STATUS" -ne 0 ] || fail "rm succeeded while the store was locked"
grep -q "Resource temporarily unavailable" <<<"$LAST_OUT" || fail "rm said: $LAST_OUT (expected EAGAIN)"
[ "$LAST_MS" -le $((TIMEOUT * 1000 + 1500)) ] || fail "rm took $LAST_MS ms, past its ${TIMEOUT} s deadline"
expect_eq "DELETEs while locked" 0 "$(count_requests DELETE)"
grep -q "locked by another process" "$T/vobizfs.log" || fail "the log does not say the store was locked"
timed cat "$MNT/.status"
[ "$LAST_MS" -le 1000 ] || fail ".status took $LAST_MS ms while the store was locked"

touch "$T/unlock"
wait "$locker"
rm "$MNT/numbers/$n" || fail "rm after the lock went exited $?"
expect_eq "DELETEs in all" 1 "$(count_requests DELETE)"
finish

#!/bin/bash
# When a number leaves a directory — rm through numbers/ or through a view,
# or a refresh that finds it gone — the kernel is told (fuse_invalidate_path)
# so stat through any other path fails at once, not after the 1 s attribute
# cache.  inotify reports exactly what SEMANTICS.md says: IN_DELETE in the
# directory rm went through, and nothing elsewhere (an invalidation is no
# inotify event).
. "$(dirname "$0")/lib.sh"

command -v inotifywait >/dev/null || fail "inotifywait missing (Debian package inotify-tools)"
start_sandbox --numbers 12 --sub-numbers 0
write_config "[cache]" "ttl = 3600"
mount_vobizfs
ls -R "$MNT/numbers" "$MNT/by-country" >/dev/null

country_of() { jq -r .country "$MNT/numbers/$1"; }
mapfile -t nums < <(ls "$MNT/numbers")
n1=${nums[0]} n2=${nums[1]} n3=${nums[2]}
c1=$(country_of "$n1") c2=$(country_of "$n2")
[ -d "$MNT/by-country/$c1" ] && [ -d "$MNT/by-country/$c2" ] || fail "no country directories for $n1, $n2"

# Every event with a file name, bounded (the watcher ends itself in 60 s).
timeout 60 inotifywait -m -r --format '%w%f %e' "$MNT/numbers" "$MNT/by-country" >"$T/events" 2>"$T/watch.err" &
watcher=$!
wait_for "inotify watches" 10 grep -q "Watches established" "$T/watch.err" || fail "inotifywait did not start"

# The attributes of the other names are in the kernel's cache (1 s) now.
stat "$MNT/by-country/$c1/$n1" "$MNT/numbers/+$n1" "$MNT/numbers/$n2" "$MNT/numbers/$n3" >/dev/null || fail "stat"

rm "$MNT/numbers/$n1" || fail "rm numbers/$n1"
stat "$MNT/by-country/$c1/$n1" >/dev/null 2>&1 && fail "by-country/$c1/$n1 still stats after rm numbers/$n1"
stat "$MNT/numbers/+$n1" >/dev/null 2>&1 && fail "numbers/+$n1 still stats after rm numbers/$n1"

rm "$MNT/by-country/$c2/$n2" || fail "rm by-country/$c2/$n2"
stat "$MNT/numbers/$n2" >/dev/null 2>&1 && fail "numbers/$n2 still stats after rm by-country/$c2/$n2"

# Gone and new behind the mount's back, seen at a refresh (SIGHUP, then ls).
ctl DELETE "/numbers/$n3" >/dev/null
ctl POST /numbers '{"e164":"+919000000001"}' >/dev/null
kill -HUP "$VOBIZFS_PID"
wait_for "SIGHUP to refresh" 5 sh -c "ls '$MNT/numbers' | grep -qx 919000000001" || fail "the refresh did not show the new number"
stat "$MNT/numbers/$n3" >/dev/null 2>&1 && fail "numbers/$n3 still stats after the refresh found it gone"
stat "$MNT/numbers/919000000001" >/dev/null || fail "the new number does not stat"

# inotify: let late events arrive (an event comes within milliseconds; no
# event is the expected answer for the other cases, so this is a fixed wait).
sleep 1
kill "$watcher" 2>/dev/null
wait "$watcher" 2>/dev/null
grep -v ',ISDIR$' "$T/events" | sed "s|^$MNT/||" >"$T/file_events"
printf '%s\n' "numbers/$n1 DELETE" "by-country/$c2/$n2 DELETE" >"$T/expected"
diff -u "$T/expected" "$T/file_events" >&2 || fail "inotify events on files differ from SEMANTICS.md"
finish

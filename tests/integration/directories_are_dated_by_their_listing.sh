#!/bin/bash
# A directory's times are those of the listing it shows (the root and
# inventory/: the mount's), never 1 Jan 1970; a refresh moves them on.
. "$(dirname "$0")/lib.sh"

start_sandbox --numbers 12 --sub-numbers 0
write_config "[cache]" "ttl = 3600"
before=$(date +%s)
mount_vobizfs
after=$(date +%s)
mtime() { stat -c %Y "$1"; }
within() { # DESCRIPTION LOW HIGH VALUE
	[ "$4" -ge "$2" ] && [ "$4" -le "$3" ] || fail "$1: $4 is not within [$2, $3]"
}

within "root mtime (the mount)" "$before" "$after" "$(mtime "$MNT")"
within "numbers/ mtime (the first listing)" "$before" "$after" "$(mtime "$MNT/numbers")"
cc=$(ls "$MNT/by-country" | head -1)
for d in unassigned by-country "by-country/$cc" by-trunk health inventory; do
	within "$d mtime" "$before" "$after" "$(mtime "$MNT/$d")"
done
expect_eq "numbers/ ctime" "$(mtime "$MNT/numbers")" "$(stat -c %Z "$MNT/numbers")"

# A second later, a refresh: the views move on, the root keeps the mount time.
wait_for "the clock to move on" 3 sh -c "[ \$(date +%s) -gt $after ]" || fail "clock"
touch "$MNT/numbers" || fail "touch numbers"
ls "$MNT/numbers" >/dev/null || fail "ls numbers"
refreshed=$(date +%s)
wait_for "numbers/ to carry the new listing's time" 3 \
	sh -c "[ \$(stat -c %Y '$MNT/numbers') -gt $after ]" || fail "numbers/ mtime did not follow the refresh"
within "numbers/ mtime after the refresh" $((after + 1)) "$refreshed" "$(mtime "$MNT/numbers")"
# The kernel may show by-country/$cc's attributes cached (1 s) from above.
wait_for "by-country/$cc to carry the new listing's time" 3 \
	sh -c "[ \$(stat -c %Y '$MNT/by-country/$cc') -gt $after ]" || fail "by-country/$cc mtime did not follow"
within "by-country/$cc after the refresh" $((after + 1)) "$refreshed" "$(mtime "$MNT/by-country/$cc")"
within "root mtime after the refresh" "$before" "$after" "$(mtime "$MNT")"
# ls -la shows the same times for "." as stat does.
expect_eq "readdir's '.'" "$(mtime "$MNT/numbers")" "$(stat -c %Y "$MNT/numbers/.")"
finish

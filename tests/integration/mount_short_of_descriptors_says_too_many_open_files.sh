#!/bin/bash
# A mount started with too few descriptors fails (exit 1) with a message that
# names the cause, "too many open files", whichever step met EMFILE first
# (the config, the first listing's connection, the state files) — never only
# "Couldn't connect to server" or "cannot settle the releases recorded".
# Nothing is released on the way.
. "$(dirname "$0")/lib.sh"

start_sandbox --numbers 10 --sub-numbers 0
write_config
mkdir -p "$MNT"
clear_requests
failed=0
for n in 8 9 10 11 12 13 14; do
	out=$(timeout 30 prlimit --nofile="$n:$n" "$VOBIZFS" "$MNT" -f -o "config=$T/vobizfs.ini" 2>&1 &
		pid=$!
		# A limit high enough mounts: then unmount it at once.
		for i in $(seq 100); do
			kill -0 "$pid" 2>/dev/null || break
			grep -q " $MNT fuse" /proc/mounts && { fusermount3 -u "$MNT"; break; }
			sleep 0.05
		done
		wait "$pid")
	status=$?
	[ "$status" -eq 0 ] && continue
	failed=$((failed + 1))
	expect_eq "exit status with --nofile=$n" 1 "$status"
	grep -qi "too many open files" <<<"$out" || fail "--nofile=$n: the message does not name the cause: $out"
done
echo "$failed of 7 limits too low to mount, each saying so"
[ "$failed" -ge 2 ] || fail "only $failed limits failed the mount"
expect_eq "DELETEs" 0 "$(count_requests DELETE)"
finish

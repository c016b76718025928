#!/bin/bash
# Rotation by renaming (logrotate's default): after mv audit.jsonl
# audit.jsonl.1 and SIGHUP, the next release's lines go to a new audit.jsonl
# (mode 0600), none to the renamed file.  The shipped logrotate snippet,
# pointed at this test's file and daemon, does the same.
. "$(dirname "$0")/lib.sh"

start_sandbox --numbers 6 --sub-numbers 0
write_config "[release]" "audit_log = $T/audit.jsonl"
mount_vobizfs
mapfile -t n < <(ls "$MNT/numbers" | head -3)
numbers_in() { jq -r .number "$1" | paste -sd' '; }

# hup_and_wait: SIGHUP, then requests until the daemon says it reopened the
# log (the signal only sets a flag; the next request acts on it).
hup_and_wait() {
	local before
	before=$(grep -c "reopened the audit log $T/audit.jsonl" "$T/vobizfs.log")
	kill -HUP "$VOBIZFS_PID"
	wait_for "the audit log to be reopened" 5 sh -c "ls '$MNT/numbers' >/dev/null;
		[ \$(grep -c 'reopened the audit log $T/audit.jsonl' '$T/vobizfs.log') -gt $before ]" ||
		fail "no reopen after SIGHUP"
}

rm "$MNT/numbers/${n[0]}" || fail "rm ${n[0]}"
mv "$T/audit.jsonl" "$T/audit.jsonl.1"
hup_and_wait
rm "$MNT/numbers/${n[1]}" || fail "rm ${n[1]}"
expect_eq "renamed file: the release before" "${n[0]} ${n[0]}" "$(numbers_in "$T/audit.jsonl.1")"
expect_eq "new file: the release after" "${n[1]} ${n[1]}" "$(numbers_in "$T/audit.jsonl")"
expect_eq "new file's mode" 600 "$(stat -c %a "$T/audit.jsonl")"
daemon_alive || fail "SIGHUP ended the daemon"

# dist/vobizfs.logrotate itself, with this test's path and daemon.
src=$(cd "$(dirname "$0")/../.." && pwd)
if command -v logrotate >/dev/null; then
	rm -f "$T/audit.jsonl.1"
	sed -e "s|^/var/log/.* {|$T/audit.jsonl {|" -e "s|pkill -HUP -x vobizfs|kill -HUP $VOBIZFS_PID|" \
		"$src/dist/vobizfs.logrotate" >"$T/logrotate.conf"
	grep -q "^$T/audit.jsonl {" "$T/logrotate.conf" || fail "the snippet's path line was not found"
	before=$(grep -c "reopened the audit log $T/audit.jsonl" "$T/vobizfs.log")
	logrotate -f -s "$T/logrotate.state" "$T/logrotate.conf" || fail "logrotate exited $?"
	[ -f "$T/audit.jsonl.1" ] || fail "logrotate did not rename the file"
	wait_for "the audit log to be reopened" 5 sh -c "ls '$MNT/numbers' >/dev/null;
		[ \$(grep -c 'reopened the audit log $T/audit.jsonl' '$T/vobizfs.log') -gt $before ]" ||
		fail "no reopen after logrotate's postrotate"
	rm "$MNT/numbers/${n[2]}" || fail "rm ${n[2]}"
	expect_eq "logrotate: renamed file" "${n[1]} ${n[1]}" "$(numbers_in "$T/audit.jsonl.1")"
	expect_eq "logrotate: new file" "${n[2]} ${n[2]}" "$(numbers_in "$T/audit.jsonl")"
else
	echo "logrotate is not installed: the shipped snippet was not run"
fi
finish

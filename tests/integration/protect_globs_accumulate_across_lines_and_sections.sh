#!/bin/bash
# [release] protect accumulates: a list continued on an indented line, a
# second [release] section and a repeated protect key all add to it, and
# every entry protects (EPERM, nothing sent).  A number none of them matches
# is released.  A scalar setting given twice is refused instead: the mount
# fails with status 1 and a message naming both lines.
. "$(dirname "$0")/lib.sh"

start_sandbox --numbers 40 --sub-numbers 0
owned=$(sandbox_listed)
pick() { grep "^$1" <<<"$owned" | sed -n "${2:-1}p"; }
kept_9198=$(pick 9198 1)
free_9198=$(pick 9198 2)
write_config "[release]" "protect = 9180*," "    1415*" "[cache]" "ttl = 30" \
	"[release]" "protect = 4420*" "protect = +$kept_9198" "audit_log = $T/audit.jsonl"
mount_vobizfs
clear_requests

for n in "$(pick 9180 3)" "$(pick 1415 3)" "$(pick 4420 3)" "$kept_9198"; do
	[ -f "$MNT/numbers/$n" ] || fail "$n is not in numbers/"
	expect_error "rm of protected $n" "Operation not permitted" rm "$MNT/numbers/$n"
	[ -f "$MNT/numbers/$n" ] || fail "$n disappeared"
	grep -q "release of $n refused: the number is protected by \[release\] protect" "$T/vobizfs.log" ||
		fail "no log line for $n"
	expect_eq "audited outcome for $n" EPERM \
		"$(jq -r --arg n "$n" 'select(.number == $n and .event == "outcome") | .result' "$T/audit.jsonl")"
done
expect_eq "DELETEs for protected numbers" 0 "$(count_requests DELETE)"
rm "$MNT/numbers/$free_9198" || fail "rm of unprotected $free_9198 exited $?"
expect_eq "DELETEs in all" 1 "$(count_requests DELETE)"
expect_eq "DELETE path" "/api/v1/Account/$AUTH_ID/numbers/$free_9198" "$(requests DELETE | jq -r .path)"
expect_eq "sandbox no longer lists $free_9198" "" "$(sandbox_listed | grep -x "$free_9198")"
unmount_vobizfs

# A scalar setting given twice is refused, whether in one section or two, and
# so is a scalar continued on an indented line.  Nothing is mounted and no
# request is sent.
refused_config() { # DESCRIPTION MESSAGE-REGEX
	local out code
	clear_requests
	out=$(timeout 30 "$VOBIZFS" "$MNT" -o "config=$T/vobizfs.ini" 2>&1)
	code=$?
	expect_eq "$1: exit status" 1 "$code"
	grep -q -- "$2" <<<"$out" || fail "$1: expected '$2', got: $out"
	grep -q -- "$TOKEN" <<<"$out" && fail "$1: the token is in the message"
	if grep -q " $MNT " /proc/mounts; then
		fail "$1: it mounted"
		fusermount3 -u "$MNT" # it went to the background: its PID is not ours
	fi
	expect_eq "$1: API requests" 0 "$(ctl GET /requests | jq length)"
}
write_config "timeout = 7"
first=$(grep -n '^timeout = ' "$T/vobizfs.ini" | head -1 | cut -d: -f1)
second=$(grep -n '^timeout = 7$' "$T/vobizfs.ini" | cut -d: -f1)
[ "$first" -lt "$second" ] || fail "write_config did not write timeout first"
refused_config "timeout twice" "^vobizfs: .*$T/vobizfs.ini:$second: \[api\] timeout is set twice (first on line $first)"

write_config "[release]" "dry_run = true" "[cache]" "ttl = 30" "[release]" "dry_run = false"
first=$(grep -n '^dry_run = true$' "$T/vobizfs.ini" | cut -d: -f1)
second=$(grep -n '^dry_run = false$' "$T/vobizfs.ini" | cut -d: -f1)
refused_config "dry_run in two sections" "$T/vobizfs.ini:$second: \[release\] dry_run is set twice (first on line $first)"

write_config "[release]" "max_per_hour = 5" "    0"
line=$(grep -n '^    0$' "$T/vobizfs.ini" | cut -d: -f1)
refused_config "max_per_hour continued" "$T/vobizfs.ini:$line: \[release\] max_per_hour continues on an indented line"
finish

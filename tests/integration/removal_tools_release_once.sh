#!/bin/bash
# Deliberate removal still releases, whatever tool does it: rm, rm -f, unlink,
# find -delete, xargs rm, Python os.remove and pathlib, Perl unlink.  Each
# exits 0, sends exactly one DELETE to the documented path, and the number
# leaves the sandbox's listing and the mount.  Every case uses its own number.
. "$(dirname "$0")/lib.sh"

start_sandbox --numbers 40
mount_vobizfs

mapfile -t owned < <(ctl GET /numbers |
	jq -r --arg id "$AUTH_ID" '.[] | select(.account_id == $id) | .["e164"] | ltrimstr("+")')
[ "${#owned[@]}" -ge 8 ] || { fail "need 8 owned numbers, the sandbox lists ${#owned[@]}"; finish; }

# in_dir DIR COMMAND...: run COMMAND with DIR as its working directory.
in_dir() {
	local dir=$1
	shift
	cd "$dir" && "$@"
}

# xargs_rm N: echo N | xargs -I{} rm numbers/{} (from the mount's root).
xargs_rm() {
	echo "$1" | xargs -I{} rm "numbers/{}"
}

# removal_case LABEL N COMMAND...: COMMAND exits 0 having sent exactly one
# DELETE for N, and N is gone from the sandbox and the mount.
removal_case() {
	local label=$1 n=$2 out status deletes paths bad=0
	shift 2
	clear_requests
	out=$("$@" 2>&1 </dev/null)
	status=$?
	deletes=$(count_requests DELETE)
	paths=$(requests DELETE | jq -r .path)
	if [ "$status" -ne 0 ]; then
		fail "$label: exited $status, expected 0"
		bad=1
	fi
	if [ "$deletes" != 1 ]; then
		fail "$label: $deletes DELETE request(s), expected 1"
		bad=1
	fi
	if [ "$paths" != "/api/v1/Account/$AUTH_ID/numbers/$n" ]; then
		fail "$label: DELETE path(s) '$paths', expected /api/v1/Account/$AUTH_ID/numbers/$n"
		bad=1
	fi
	if sandbox_listed | grep -qx "$n"; then
		fail "$label: the sandbox still lists $n as active"
		bad=1
	fi
	if ls "$MNT/numbers" | grep -qx "$n"; then
		fail "$label: ls numbers/ still shows $n"
		bad=1
	fi
	if [ "$bad" -ne 0 ]; then
		echo "  $label on $n: exit status $status, DELETEs $deletes, output:" >&2
		sed 's/^/    | /' <<<"$out" >&2
	else
		echo "ok: $label (one DELETE)"
	fi
}

n=("${owned[@]}")
removal_case "rm" "${n[0]}" rm "$MNT/numbers/${n[0]}"
removal_case "rm -f" "${n[1]}" rm -f "$MNT/numbers/${n[1]}"
removal_case "unlink" "${n[2]}" unlink "$MNT/numbers/${n[2]}"
removal_case "find -name N -delete" "${n[3]}" in_dir "$MNT" find numbers -name "${n[3]}" -delete
removal_case "xargs -I{} rm" "${n[4]}" in_dir "$MNT" xargs_rm "${n[4]}"
removal_case "python3 os.remove" "${n[5]}" \
	python3 -c 'import os, sys; os.remove(sys.argv[1])' "$MNT/numbers/${n[5]}"
removal_case "python3 pathlib.Path.unlink" "${n[6]}" \
	python3 -c 'import pathlib, sys; pathlib.Path(sys.argv[1]).unlink()' "$MNT/numbers/${n[6]}"
removal_case "perl unlink" "${n[7]}" \
	perl -e 'unlink($ARGV[0]) or die "unlink $ARGV[0]: $!\n"' "$MNT/numbers/${n[7]}"

daemon_alive || fail "vobizfs died"
finish

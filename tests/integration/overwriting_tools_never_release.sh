#!/bin/bash
# Only a deliberate removal releases a number.  Tools that overwrite or move a
# file unlink it on the way (cp -f, cp --remove-destination, cp -rf, install,
# mv in and out, tar -x, cpio -idu, unzip -o, ln -sf): the daemon refuses
# those unlinks with EPERM, so each tool reports the refusal ("Operation not
# permitted", or its own wording of it), no DELETE is sent, and the number
# stays held and listed.  Every case uses its own owned number.
. "$(dirname "$0")/lib.sh"

start_sandbox --numbers 40
mount_vobizfs

mapfile -t owned < <(ctl GET /numbers |
	jq -r --arg id "$AUTH_ID" '.[] | select(.account_id == $id) | .["e164"] | ltrimstr("+")')
[ "${#owned[@]}" -ge 10 ] || { fail "need 10 owned numbers, the sandbox lists ${#owned[@]}"; finish; }
n_cp_f=${owned[0]} n_cp_rd=${owned[1]} n_cp_rf=${owned[2]} n_install=${owned[3]}
n_mv_in=${owned[4]} n_mv_out=${owned[5]} n_tar=${owned[6]} n_cpio=${owned[7]}
n_unzip=${owned[8]} n_ln=${owned[9]}

# in_dir DIR COMMAND...: run COMMAND with DIR as its working directory.
in_dir() {
	local dir=$1
	shift
	cd "$dir" && "$@"
}

# with_stdin FILE COMMAND...: run COMMAND reading FILE.
with_stdin() {
	local file=$1
	shift
	"$@" <"$file"
}

# Backups made from the mount before anything is tried, as a user would have.
cp /etc/hosts "$T/hosts"
tar -cf "$T/b.tar" -C "$MNT" "numbers/$n_tar" || fail "tar -c of numbers/$n_tar"
(cd "$MNT" && echo "numbers/$n_cpio" | cpio -o -H newc --quiet >"$T/b.cpio") || fail "cpio -o of numbers/$n_cpio"
(cd "$MNT" && zip -q "$T/b.zip" "numbers/$n_unzip") || fail "zip of numbers/$n_unzip"
mkdir "$T/backup" && cp "$MNT/numbers/$n_cp_rf" "$T/backup/" || fail "backup of numbers/$n_cp_rf"
cp /etc/hosts "$T/incoming" # moved onto numbers/$n_mv_in from another filesystem

# overwrite_case [--any-status] [--says REGEX] LABEL N COMMAND...: COMMAND
# fails and says REGEX (default: "not permitted"), no DELETE reaches the
# sandbox, and N stays listed there and in the mount.  --any-status is for a
# tool that reports the refusal but still exits 0 (cpio).
overwrite_case() {
	local any_status=0 says='not permitted' label n out status deletes others bad=0
	while :; do
		case $1 in
		--any-status) any_status=1; shift ;;
		--says) says=$2; shift 2 ;;
		*) break ;;
		esac
	done
	label=$1 n=$2
	shift 2
	clear_requests
	out=$("$@" 2>&1 </dev/null)
	status=$?
	deletes=$(count_requests DELETE)
	others=$(ctl GET /requests | jq '[.[] | select(.method != "GET" and .method != "DELETE")] | length')
	if [ "$status" -eq 0 ] && [ "$any_status" -eq 0 ]; then
		fail "$label: exited 0, expected a failure"
		bad=1
	fi
	if ! grep -Eqi -- "$says" <<<"$out"; then
		fail "$label: its output does not say '$says'"
		bad=1
	fi
	if [ "$deletes" != 0 ]; then
		fail "$label: $deletes DELETE request(s) reached the sandbox, expected 0"
		bad=1
	fi
	if [ "$others" != 0 ]; then
		fail "$label: $others other non-GET request(s) reached the sandbox"
		bad=1
	fi
	if ! sandbox_listed | grep -qx "$n"; then
		fail "$label: the sandbox no longer lists $n as active"
		bad=1
	fi
	if ! ls "$MNT/numbers" | grep -qx "$n"; then
		fail "$label: ls numbers/ no longer shows $n"
		bad=1
	fi
	if [ "$bad" -ne 0 ]; then
		echo "  $label on $n: exit status $status, DELETEs $deletes, output:" >&2
		sed 's/^/    | /' <<<"$out" >&2
	else
		echo "ok: $label (exit $status, no DELETE)"
		sed 's/^/    | /' <<<"$out"
	fi
}

overwrite_case "cp -f" "$n_cp_f" cp -f /etc/hosts "$MNT/numbers/$n_cp_f"
overwrite_case "cp --remove-destination" "$n_cp_rd" cp --remove-destination /etc/hosts "$MNT/numbers/$n_cp_rd"
overwrite_case "cp -rf backup/. numbers/" "$n_cp_rf" cp -rf "$T/backup/." "$MNT/numbers/"
overwrite_case "install -m 644" "$n_install" install -m 644 "$T/hosts" "$MNT/numbers/$n_install"
overwrite_case "mv from another filesystem" "$n_mv_in" mv "$T/incoming" "$MNT/numbers/$n_mv_in"
overwrite_case "mv to another filesystem" "$n_mv_out" mv "$MNT/numbers/$n_mv_out" "$T/moved-out"
# GNU tar tries O_CREAT|O_EXCL, unlinks on EEXIST, and when the unlink is
# refused reports the first error: "Cannot open: File exists".
overwrite_case --says 'File exists|not permitted' \
	"tar -xf in the mount" "$n_tar" in_dir "$MNT" tar -xf "$T/b.tar"
# GNU cpio -u unlinks first; refused, it says "cannot remove current ...:
# Operation not permitted", skips the member, and exits 0.
overwrite_case --any-status \
	"cpio -idu in the mount" "$n_cpio" in_dir "$MNT" with_stdin "$T/b.cpio" cpio -idu
overwrite_case "unzip -o in the mount" "$n_unzip" in_dir "$MNT" unzip -o "$T/b.zip"
overwrite_case "ln -sf" "$n_ln" ln -sf /etc/hosts "$MNT/numbers/$n_ln"

daemon_alive || fail "vobizfs died"
finish

#!/bin/bash
# Without a grace, the programs that move, unpack or check out files never
# release: busybox's mv, tar -x and cpio -idu (judged by the applet in their
# argv), gio move (so GIO's file managers), git checkout over the mount as
# work tree.  Each is refused (EPERM) with no DELETE, and its number stays
# listed; busybox rm still releases, with exactly one DELETE.
. "$(dirname "$0")/lib.sh"

command -v busybox >/dev/null || { echo "SKIP: busybox not installed"; exit 77; }
start_sandbox --numbers 12 --sub-numbers 0
write_config "[release]" "audit_log = $T/audit.jsonl"
mount_vobizfs
mapfile -t n < <(ls "$MNT/numbers")
mkdir "$T/out"
in_dir() { local dir=$1; shift; cd "$dir" && "$@"; }
with_stdin() { local file=$1; shift; "$@" <"$file"; }

# Archives of the mount, made before, as a user would have.
tar -cf "$T/b.tar" -C "$MNT" "numbers/${n[1]}" || fail "tar -c"
(cd "$MNT" && echo "numbers/${n[2]}" | cpio -o -H newc --quiet >"$T/b.cpio") || fail "cpio -o"

# mover_case LABEL N COMMAND...: no DELETE, N still held and listed, and the
# daemon logged the refusal of N.
mover_case() {
	local label=$1 num=$2 out status
	shift 2
	clear_requests
	out=$("$@" 2>&1 </dev/null)
	status=$?
	expect_eq "$label: DELETEs" 0 "$(count_requests DELETE)"
	sandbox_listed | grep -qx "$num" || fail "$label: the sandbox no longer holds $num"
	ls "$MNT/numbers" | grep -qx "$num" || fail "$label: ls numbers/ no longer shows $num"
	grep -q "release of $num refused: " "$T/vobizfs.log" || fail "$label: no refusal of $num in the log"
	echo "$label: exit $status, $(grep "release of $num refused: " "$T/vobizfs.log" | tail -1 | sed 's/.*refused: //')"
	sed 's/^/    | /' <<<"$out"
}

mover_case "busybox mv numbers/N out/" "${n[0]}" busybox mv "$MNT/numbers/${n[0]}" "$T/out/"
grep -q "busybox mv is not a removal" "$T/vobizfs.log" || fail "busybox mv: the reason does not name the applet"
mover_case "busybox tar -xf in the mount" "${n[1]}" in_dir "$MNT" busybox tar -xf "$T/b.tar"
mover_case "busybox cpio -idu in the mount" "${n[2]}" in_dir "$MNT" with_stdin "$T/b.cpio" busybox cpio -idu
if command -v gio >/dev/null; then
	mover_case "gio move numbers/N out/" "${n[3]}" gio move "$MNT/numbers/${n[3]}" "$T/out/"
	grep -q "gio replaces or moves files" "$T/vobizfs.log" || fail "gio: the reason does not name gio"
else
	fail "gio is not installed (libglib2.0-bin)"
fi
if command -v git >/dev/null; then
	# A repository whose numbers/N differs from the mount's: checking it out
	# over the mount unlinks numbers/N, then creates it.
	git init -q "$T/repo" && mkdir "$T/repo/numbers" && echo '{"changed":true}' >"$T/repo/numbers/${n[4]}" &&
		git -C "$T/repo" add . && git -C "$T/repo" -c user.name=t -c user.email=t@t commit -qm r ||
		fail "git setup"
	mover_case "git checkout -- . over the mount" "${n[4]}" \
		git --git-dir="$T/repo/.git" --work-tree="$MNT" checkout -f -- .
else
	fail "git is not installed"
fi

clear_requests
busybox rm "$MNT/numbers/${n[5]}" || fail "busybox rm exited $?"
expect_eq "busybox rm: DELETEs" 1 "$(count_requests DELETE)"
sandbox_listed | grep -qx "${n[5]}" && fail "busybox rm: ${n[5]} is still held"
daemon_alive || fail "the daemon died"
finish

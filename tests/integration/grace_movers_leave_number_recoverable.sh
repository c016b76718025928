#!/bin/bash
# With a grace, a mover that unlinks (busybox mv, gio move, Python's
# shutil.move, git checkout with the mount as a work tree) leaves the number
# recoverable: in releasing/ (or, refused by name, still in numbers/), and no
# DELETE is sent while the grace runs.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_grace.sh"

start_sandbox --numbers 8 --sub-numbers 0
write_config "[release]" "grace = 1h"
mount_vobizfs
mkdir -p "$T/out"
set -- $(ls "$MNT/numbers" | head -4)
clear_requests

where() {
	if [ -e "$MNT/releasing/$1" ]; then echo releasing; elif [ -e "$MNT/numbers/$1" ]; then echo numbers; else echo gone; fi
}
mover() { # NAME DIGITS COMMAND...
	local name=$1 n=$2
	shift 2
	"$@" >/dev/null 2>&1
	local at
	at=$(where "$n")
	echo "$name: $at"
	[ "$at" != gone ] || fail "$name: $n is gone"
}
mover "busybox mv" "$1" busybox mv "$MNT/numbers/$1" "$T/out/"
if command -v gio >/dev/null; then
	mover "gio move" "$2" gio move "$MNT/numbers/$2" "$T/out/"
else
	fail "gio is missing (package libglib2.0-bin)"
fi
mover "shutil.move" "$3" python3 -c 'import shutil, sys; shutil.move(sys.argv[1], sys.argv[2])' "$MNT/numbers/$3" "$T/out/"
# movers refused by name keep the number in numbers/; one no name can tell
# (python3) leaves it recoverable in releasing/
[ "$(where "$1")" = numbers ] || fail "busybox mv (refused by name): $1 not in numbers/"
[ "$(where "$3")" = releasing ] || fail "shutil.move: $3 not in releasing/"
# git checkout -- . in a work tree on the mount's numbers/: git unlinks a
# changed file and creates it again.
if command -v git >/dev/null; then
	export GIT_DIR="$T/git" GIT_WORK_TREE="$MNT/numbers"
	git init -q && git add "$4" && git -c user.email=t@t -c user.name=t commit -qm x >/dev/null 2>&1
	git update-index --no-assume-unchanged "$4" 2>/dev/null
	printf '{}\n' >"$T/git.blob"
	blob=$(git hash-object -w "$T/git.blob")
	git update-index --cacheinfo "100644,$blob,$4" && git -c user.email=t@t -c user.name=t commit -qm y >/dev/null
	mover "git checkout" "$4" git checkout -- .
	unset GIT_DIR GIT_WORK_TREE
fi
expect_eq "DELETEs" 0 "$(count_requests DELETE)"
finish

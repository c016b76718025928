#!/bin/bash
# A number is one file under several names: numbers/N, numbers/+N,
# unassigned/N, by-trunk/T/N and by-country/CC/N have one inode (its digits),
# with a link count of the directories that list it, so find -samefile, du,
# tar and rsync -H count it once.  by-account/ID/N, health/N and
# inventory/CC/N are other files; directories have stable inodes of their own.
. "$(dirname "$0")/lib.sh"

start_sandbox --numbers 20 --sub-numbers 0
write_config
mount_vobizfs
ino() { stat -c %i "$1"; }
links() { stat -c %h "$1"; }

free=$(ls "$MNT/unassigned" | head -1)
[ -n "$free" ] || fail "no unassigned number"
trunk=$(ls "$MNT/by-trunk" | head -1)
routed=$(ls "$MNT/by-trunk/$trunk" | head -1)
[ -n "$routed" ] || fail "no number on a trunk"
cc_of() { jq -r .country "$MNT/numbers/$1"; }

for n in "$free" "$routed"; do
	cc=$(cc_of "$n")
	paths=("$MNT/numbers/$n" "$MNT/numbers/+$n" "$MNT/by-country/$cc/$n")
	if [ "$n" = "$free" ]; then paths+=("$MNT/unassigned/$n"); else paths+=("$MNT/by-trunk/$trunk/$n"); fi
	for p in "${paths[@]}"; do
		expect_eq "st_ino of $p" "$n" "$(ino "$p")"
		expect_eq "st_nlink of $p (numbers/, by-country/$cc, one more view)" 3 "$(links "$p")"
	done
	expect_eq "find -samefile $n" 3 "$(find "$MNT/numbers" "$MNT/unassigned" "$MNT/by-trunk" "$MNT/by-country" \
		-samefile "$MNT/numbers/$n" | wc -l)"
	[ "$(ino "$MNT/health/$n")" != "$n" ] || fail "health/$n shares the number's inode"
	[ "$(ino "$MNT/by-account/$AUTH_ID/$n")" != "$n" ] || fail "by-account/$AUTH_ID/$n shares the number's inode"
done
# The same inode in ls -i, through readdir.
expect_eq "ls -i numbers/" "$free" "$(ls -i "$MNT/numbers" | awk -v n="$free" '$2 == n { print $1 }')"
expect_eq "ls -i by-country/" "$free" "$(ls -i "$MNT/by-country/$(cc_of "$free")" | awk -v n="$free" '$2 == n { print $1 }')"

# du counts every number once, however many directories list it.
alone=$(du -sk "$MNT/numbers" | cut -f1)
expect_eq "du numbers/ by-country/ unassigned/ by-trunk/" "$alone" \
	"$(du -ck "$MNT/numbers" "$MNT/by-country" "$MNT/unassigned" "$MNT/by-trunk" | tail -1 | cut -f1)"
# tar stores the other names as hard links.
count=$(ls "$MNT/numbers" | wc -l)
expect_eq "tar: a hard link per name in by-country/" "$count" \
	"$(tar -cf - -C "$MNT" numbers by-country 2>/dev/null | tar -tvf - | grep -c ' link to numbers/')"
if command -v rsync >/dev/null; then
	rsync -aH "$MNT/numbers" "$MNT/by-country" "$T/copy/" || fail "rsync -aH"
	n=$free
	expect_eq "rsync -H keeps one file" "$(stat -c %i "$T/copy/numbers/$n")" \
		"$(stat -c %i "$T/copy/by-country/$(cc_of "$n")/$n")"
fi

# Directories: distinct inodes, the same from stat and from readdir ("." too).
d1=$(ino "$MNT/numbers") d2=$(ino "$MNT/unassigned") d3=$(ino "$MNT/by-country")
[ "$d1" != "$d2" ] && [ "$d2" != "$d3" ] && [ "$d1" != "$d3" ] || fail "directories share inodes: $d1 $d2 $d3"
expect_eq "root inode" 1 "$(ino "$MNT")"
expect_eq "numbers/ in ls -i of the root" "$d1" "$(ls -i "$MNT" | awk '$2 == "numbers" { print $1 }')"
expect_eq "'.' of numbers/" "$d1" "$(ls -ai "$MNT/numbers" | awk '$2 == "." { print $1 }')"
expect_eq "'..' of numbers/" 1 "$(ls -ai "$MNT/numbers" | awk '$2 == ".." { print $1 }')"
# Stable across mounts.
unmount_vobizfs
mount_vobizfs
expect_eq "numbers/ inode after a remount" "$d1" "$(ino "$MNT/numbers")"
expect_eq "number inode after a remount" "$free" "$(ino "$MNT/unassigned/$free")"
finish

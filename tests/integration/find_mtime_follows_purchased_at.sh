#!/bin/bash
# st_mtime is purchased_at: find -mtime, -newer and ls -t select and sort by
# when a number was bought.
. "$(dirname "$0")/lib.sh"

start_sandbox --numbers 6 --sub-numbers 0
numbers=$(sandbox_listed)
old=$(sed -n 1p <<<"$numbers")
older=$(sed -n 2p <<<"$numbers")
i=0
for n in $numbers; do
	i=$((i + 1))
	case $n in
	"$old") when=$(date -u -d '400 days ago' +%Y-%m-%dT%H:%M:%S.000000Z) ;;
	"$older") when=$(date -u -d '800 days ago' +%Y-%m-%dT%H:%M:%S.000000Z) ;;
	*) when=$(date -u -d "$i days ago" +%Y-%m-%dT%H:%M:%SZ) ;;
	esac
	ctl PATCH "/numbers/$n" "{\"purchased_at\":\"$when\"}" >/dev/null
done
mount_vobizfs

expect_eq "find -mtime +365" "$(printf '%s\n' "$old" "$older" | sort)" \
	"$(find "$MNT/numbers" -type f -mtime +365 -printf '%f\n' | sort)"
expect_eq "find -mtime -365" 4 "$(find "$MNT/numbers" -type f -mtime -365 | wc -l)"
expect_eq "ls -t: the oldest last" "$older" "$(ls -t "$MNT/numbers" | tail -1)"
expect_eq "find -newer" "$(grep -vx -e "$old" -e "$older" <<<"$numbers")" \
	"$(find "$MNT/numbers" -type f -newer "$MNT/numbers/$old" -printf '%f\n' | sort)"
finish

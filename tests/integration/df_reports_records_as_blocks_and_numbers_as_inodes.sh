#!/bin/bash
# df lists the mount: its size is the records held, in 4 KiB blocks, all
# used; df -i counts the numbers held as inodes, all used.  Neither sends a
# request (statfs is answered from memory).
. "$(dirname "$0")/lib.sh"

start_sandbox --numbers 30 --sub-numbers 2
write_config
mount_vobizfs

held=$(ls "$MNT/numbers" | wc -l)
expect_eq "numbers listed" 32 "$held"
bytes=$(cat "$MNT"/numbers/* | wc -c)
clear_requests

df -P "$MNT" | grep -q " $MNT\$" || fail "df does not list the mount: $(df -P "$MNT")"
expect_eq "statfs block size" 4096 "$(stat -f -c %S "$MNT")"
expect_eq "total blocks: the records' bytes in 4 KiB blocks" $(((bytes + 4095) / 4096)) "$(stat -f -c %b "$MNT")"
expect_eq "free blocks" 0 "$(stat -f -c %f "$MNT")"
expect_eq "available blocks" 0 "$(stat -f -c %a "$MNT")"
expect_eq "inodes: the numbers held" "$held" "$(stat -f -c %c "$MNT")"
expect_eq "free inodes" 0 "$(stat -f -c %d "$MNT")"
read -r _ inodes used free _ <<<"$(df -P -i "$MNT" | tail -1)"
expect_eq "df -i Inodes" "$held" "$inodes"
expect_eq "df -i IUsed" "$held" "$used"
expect_eq "df -i IFree" 0 "$free"

# A release shows at once.
victim=$(ls "$MNT/numbers" | head -1)
rm "$MNT/numbers/$victim" || fail "rm $victim"
expect_eq "inodes after a release" $((held - 1)) "$(stat -f -c %c "$MNT")"
expect_eq "requests besides the DELETE" 0 "$(ctl GET /requests | jq '[.[] | select(.method != "DELETE")] | length')"
finish

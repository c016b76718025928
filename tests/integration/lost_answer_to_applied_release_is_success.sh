#!/bin/bash
# The API releases the number but its answer is lost (a 500, or the connection
# reset): rm reads the listing, sees the number gone, exits 0 — one DELETE.
. "$(dirname "$0")/lib.sh"

start_sandbox --numbers 10 --sub-numbers 0
mount_vobizfs

for fault in '"action":"status","status":500' '"action":"drop"'; do
	n=$(ls "$MNT/numbers" | grep "^9180" | head -1) # a held 9180 number remains: the witness
	clear_requests
	ctl POST /faults "{\"method\":\"DELETE\",\"number\":\"$n\",$fault,\"apply\":true}" >/dev/null
	timed rm "$MNT/numbers/$n"
	expect_eq "rm exit status ($fault)" 0 "$LAST_STATUS"
	echo "rm with the answer lost ($fault): $LAST_MS ms"
	expect_eq "DELETEs ($fault)" 1 "$(count_requests DELETE)"
	expect_eq "verified by one search of the listing ($fault)" 1 "$(requests GET | grep -c "search=")"
	expect_eq "no whole listing read ($fault)" 0 "$(requests GET | grep -vc "search=")"
	[ -e "$MNT/numbers/$n" ] && fail "$n still shown ($fault)"
done
finish

#!/bin/bash
# A 500 (or a reset) on a release the API did not apply: rm fails with
# "Input/output error" after one DELETE, and the number is still listed.
. "$(dirname "$0")/lib.sh"

start_sandbox --numbers 10 --sub-numbers 0
mount_vobizfs

for fault in '"action":"status","status":500' '"action":"drop"'; do
	n=$(ls "$MNT/numbers" | head -1)
	clear_requests
	ctl POST /faults "{\"method\":\"DELETE\",\"number\":\"$n\",$fault,\"apply\":false}" >/dev/null
	expect_error "rm of $n ($fault)" "Input/output error" rm "$MNT/numbers/$n"
	expect_eq "DELETEs ($fault)" 1 "$(count_requests DELETE)"
	expect_eq "still held by the sandbox ($fault)" "$n" "$(sandbox_listed | grep -x "$n")"
	expect_eq "still shown ($fault)" "$n" "$(ls "$MNT/numbers" | grep -x "$n")"
	ctl DELETE /faults >/dev/null
	rm "$MNT/numbers/$n" || fail "a second, deliberate rm failed ($fault)"
done
finish

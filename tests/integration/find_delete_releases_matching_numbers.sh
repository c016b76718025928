#!/bin/bash
# find numbers -name '9180*' -delete releases exactly the matching numbers.
. "$(dirname "$0")/lib.sh"

start_sandbox --numbers 60 --sub-numbers 0
mount_vobizfs

before=$(sandbox_listed)
matching=$(grep '^9180' <<<"$before")
[ -n "$matching" ] || fail "the sandbox generated no 9180 numbers"
clear_requests
find "$MNT/numbers" -name '9180*' -delete || fail "find -delete exited $?"
released=$(requests DELETE | jq -r '.path | split("/") | last' | sort)
expect_eq "released numbers" "$matching" "$released"
expect_eq "still listed" "$(grep -v '^9180' <<<"$before")" "$(sandbox_listed)"
expect_eq "ls agrees" "$(sandbox_listed)" "$(ls "$MNT/numbers" | sort)"
finish

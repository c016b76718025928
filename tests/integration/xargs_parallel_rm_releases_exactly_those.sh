#!/bin/bash
# ls | head -20 | xargs -P 8 rm releases exactly those 20, each once.
. "$(dirname "$0")/lib.sh"

start_sandbox --numbers 120 --sub-numbers 0
mount_vobizfs

chosen=$(ls "$MNT/numbers" | head -20 | sort)
clear_requests
(cd "$MNT/numbers" && ls | head -20 | xargs -P 8 -I{} rm {}) || fail "xargs exited $?"
expect_eq "released numbers" "$chosen" "$(requests DELETE | jq -r '.path | split("/") | last' | sort)"
expect_eq "left" 100 "$(ls "$MNT/numbers" | wc -l)"
expect_eq "sandbox agrees" "$(ls "$MNT/numbers" | sort)" "$(sandbox_listed)"
finish

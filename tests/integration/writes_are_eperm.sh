#!/bin/bash
# What the API cannot express fails with "Operation not permitted", unsent.
. "$(dirname "$0")/lib.sh"

start_sandbox --numbers 10
mount_vobizfs
n=$(ls "$MNT/numbers" | head -1)
clear_requests

expect_error "touch a new file" "Operation not permitted" touch "$MNT/numbers/919000000001"
expect_error "mkdir" "Operation not permitted" mkdir "$MNT/numbers/dir"
expect_error "echo > existing" "Operation not permitted" sh -c "echo x > '$MNT/numbers/$n'"
expect_error "echo > new" "Operation not permitted" sh -c "echo x > '$MNT/numbers/919000000002'"
expect_error "truncate" "Operation not permitted" truncate -s 0 "$MNT/numbers/$n"
expect_error "chmod" "Operation not permitted" chmod 600 "$MNT/numbers/$n"
expect_error "ln -s" "Operation not permitted" ln -s x "$MNT/numbers/919000000003"
expect_error "rename" "Operation not permitted" mv "$MNT/numbers/$n" "$MNT/numbers/919000000004"
expect_error "setfattr" "Operation not permitted" setfattr -n user.vobiz.region -v X "$MNT/numbers/$n"
expect_eq "requests" 0 "$(ctl GET /requests | jq length)"
expect_eq "file still there" "$n" "$(ls "$MNT/numbers" | grep -x "$n")"
finish

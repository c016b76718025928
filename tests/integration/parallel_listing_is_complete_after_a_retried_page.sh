#!/bin/bash
# A multi-page listing fetched in parallel is complete — no duplicate, no
# gap — also when one page fails once (a 500) and is fetched again.
. "$(dirname "$0")/lib.sh"

start_sandbox --numbers 950 --sub-numbers 7
write_config "[cache]" "ttl = 0"
mount_vobizfs
clear_requests
ctl POST /faults '{"method":"GET","page":4,"action":"status","status":500}' >/dev/null

listed=$(ls "$MNT/numbers" | sort)
expect_eq "numbers" 957 "$(wc -l <<<"$listed")"
expect_eq "no duplicates" "" "$(uniq -d <<<"$listed")"
expect_eq "exactly the sandbox's numbers" "$(sandbox_listed)" "$listed"
expect_eq "page 4 asked twice" 2 "$(requests GET 'numbers$' | jq -r .query | grep -c '^page=4&')"
expect_eq "every other page once" 9 "$(requests GET 'numbers$' | jq -r .query | grep -vc '^page=4&')"
finish

#!/bin/bash
# ls numbers/ shows exactly the account's numbers and its sub-accounts' ones,
# read across three pages, each once.
. "$(dirname "$0")/lib.sh"

start_sandbox --numbers 250 --sub-numbers 5
mount_vobizfs

expected=$(ctl GET /numbers | jq -r '.[] | select(.status == "active") | .["e164"] | ltrimstr("+")' | sort)
actual=$(ls "$MNT/numbers" | sort)
expect_eq "number of files" 255 "$(wc -l <<<"$actual")"
expect_eq "names" "$expected" "$actual"
expect_eq "no duplicate names" "" "$(uniq -d <<<"$actual")"
expect_eq "ls -a shows . and .." ". .." "$(ls -fa "$MNT/numbers" | grep '^\.' | paste -sd' ')"
expect_eq "pages requested at mount" 3 "$(count_requests GET '/numbers$')"
expect_eq "pages asked with per_page=100" 3 "$(requests GET '/numbers$' | jq -r .query | grep -c 'per_page=100')"
finish

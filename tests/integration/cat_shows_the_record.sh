#!/bin/bash
# cat numbers/N prints the number's record as JSON (jq reads it), names the
# number, ends in a newline, and stat's size is exactly what cat prints.
. "$(dirname "$0")/lib.sh"

start_sandbox --numbers 30
mount_vobizfs

n=$(ls "$MNT/numbers" | head -1)
expect_eq "e164 in the record" "+$n" "$(jq -r '.["e164"]' "$MNT/numbers/$n")"
expect_eq "the sandbox's record, field by field" \
	"$(ctl GET "/numbers/$n" | jq -S '{e164, account_id, country, region, status, capabilities, monthly_fee, trunk_group_id, purchased_at}')" \
	"$(jq -S '{e164, account_id, country, region, status, capabilities, monthly_fee, trunk_group_id, purchased_at}' "$MNT/numbers/$n")"
expect_eq "st_size equals the bytes cat prints" "$(cat "$MNT/numbers/$n" | wc -c)" "$(stat -c %s "$MNT/numbers/$n")"
expect_eq "ends in a newline" "0a" "$(tail -c 1 "$MNT/numbers/$n" | od -An -tx1 | tr -d ' ')"
purchased=$(jq -r .purchased_at "$MNT/numbers/$n")
expect_eq "st_mtime is purchased_at" "$(date -d "$purchased" +%s)" "$(stat -c %Y "$MNT/numbers/$n")"
updated=$(jq -r .updated_at "$MNT/numbers/$n")
expect_eq "st_ctime is updated_at" "$(date -d "$updated" +%s)" "$(stat -c %Z "$MNT/numbers/$n")"
expect_eq "a leading + names the same number" "$(cat "$MNT/numbers/$n")" "$(cat "$MNT/numbers/+$n")"
finish

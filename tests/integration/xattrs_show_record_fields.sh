#!/bin/bash
# getfattr shows user.vobiz.<field> for each scalar field of the record and
# user.vobiz.capabilities as a list; setting them is refused.
. "$(dirname "$0")/lib.sh"

start_sandbox --numbers 10 --sub-numbers 0
mount_vobizfs
n=$(ls "$MNT/numbers" | head -1)
f=$MNT/numbers/$n
record=$(ctl GET "/numbers/$n")

expect_eq "region" "$(jq -r .region <<<"$record")" "$(getfattr -n user.vobiz.region --only-values "$f")"
expect_eq "country" "$(jq -r .country <<<"$record")" "$(getfattr -n user.vobiz.country --only-values "$f")"
expect_eq "e164" "+$n" "$(getfattr -n user.vobiz.e164 --only-values "$f")"
expect_eq "account_id" "$AUTH_ID" "$(getfattr -n user.vobiz.account_id --only-values "$f")"
expect_eq "monthly_fee" "$(jq -r .monthly_fee <<<"$record")" "$(getfattr -n user.vobiz.monthly_fee --only-values "$f")"
expect_eq "capabilities" "$(jq -r '.capabilities | to_entries | map(select(.value == true) | .key) | join(",")' <<<"$record")" \
	"$(getfattr -n user.vobiz.capabilities --only-values "$f")"
dump=$(getfattr -d "$f")
for field in status currency purchased_at updated_at; do
	grep -q "^user.vobiz.$field=" <<<"$dump" || fail "getfattr -d lacks $field"
done
expect_error "an unknown attribute" "No such attribute" getfattr -n user.vobiz.nope "$f"
expect_error "setfattr" "Operation not permitted" setfattr -n user.vobiz.region -v X "$f"
expect_error "setfattr -x" "Operation not permitted" setfattr -x user.vobiz.region "$f"
finish

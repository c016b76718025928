#!/bin/bash
# mv numbers/N by-account/SA_x/ (or from any view) gives N to the sub-account
# with one POST .../assign-subaccount; mv by-account/SA_x/N numbers/ (or to
# by-account/<main account>/) takes it back with one DELETE.  Each shows at
# once in by-account/, the record and its attributes, with no listing read;
# each is audited; moving a number where it already is sends nothing.
. "$(dirname "$0")/lib.sh"

start_sandbox --numbers 10 --sub-numbers 2 --cool-off 0
write_config "[release]" "audit_log = $T/audit.jsonl"
mount_vobizfs
mine=($(ctl GET /numbers | jq -r --arg a "$AUTH_ID" '.[] | select(.account_id == $a) | .["e164"] | ltrimstr("+")'))
n=${mine[0]}
path="/api/v1/account/$AUTH_ID/numbers/%2B$n/assign-subaccount"
clear_requests

mv "$MNT/numbers/$n" "$MNT/by-account/SA_SALES01/" || fail "mv to SA_SALES01 exited $?"
expect_eq "one POST, nothing else" "POST $path {\"sub_account_id\":\"SA_SALES01\"}" \
	"$(ctl GET /requests | jq -r '.[] | "\(.method) \(.path) \(.body)"')"
expect_eq "the sandbox's record" SA_SALES01 "$(ctl GET "/numbers/$n" | jq -r .account_id)"
expect_eq "shows at once in by-account/SA_SALES01/" "$n" "$(ls "$MNT/by-account/SA_SALES01")"
ls "$MNT/by-account/$AUTH_ID" | grep -qx "$n" && fail "$n still under $AUTH_ID"
ls "$MNT/numbers" | grep -qx "$n" || fail "$n left numbers/"
expect_eq "the record" SA_SALES01 "$(jq -r .account_id "$MNT/numbers/$n")"
expect_eq "the attribute" SA_SALES01 "$(getfattr --only-values -n user.vobiz.account_id "$MNT/numbers/$n")"
expect_eq "no listing read" 1 "$(ctl GET /requests | jq length)"

clear_requests
mv "$MNT/by-account/SA_SALES01/$n" "$MNT/numbers/" || fail "mv back exited $?"
expect_eq "one DELETE, nothing else" "DELETE $path null" "$(ctl GET /requests | jq -r '.[] | "\(.method) \(.path) \(.body)"')"
expect_eq "the sandbox's record, back" "$AUTH_ID" "$(ctl GET "/numbers/$n" | jq -r .account_id)"
ls "$MNT/by-account" | grep -qx SA_SALES01 && fail "by-account/SA_SALES01 still listed"
ls "$MNT/by-account/$AUTH_ID" | grep -qx "$n" || fail "$n not back under $AUTH_ID"

# From another view, and back into by-account/<main account>/.
m=${mine[1]}
cc=$(jq -r .country "$MNT/numbers/$m")
clear_requests
mv "$MNT/by-country/$cc/$m" "$MNT/by-account/SA_SALES02/" || fail "mv from by-country exited $?"
mv "$MNT/by-account/SA_SALES02/$m" "$MNT/by-account/$AUTH_ID/" || fail "mv to by-account/$AUTH_ID exited $?"
expect_eq "a POST then a DELETE" "POST DELETE" "$(ctl GET /requests | jq -r '.[].method' | paste -sd' ')"
expect_eq "held by the main account" "$AUTH_ID" "$(ctl GET "/numbers/$m" | jq -r .account_id)"

# Where it already is: nothing sent.
clear_requests
mv "$MNT/numbers/$m" "$MNT/by-account/$AUTH_ID/" || fail "mv to where it is exited $?"
expect_eq "nothing sent" 0 "$(ctl GET /requests | jq length)"

# A sub-account's own number comes back, and then the main account can release it.
s=$(ls "$MNT/by-account/SA_SANDBOX2" | head -1)
expect_error "rm while the sub-account holds it" "Permission denied" rm "$MNT/numbers/$s"
clear_requests
mv "$MNT/by-account/SA_SANDBOX2/$s" "$MNT/numbers/" || fail "mv of the sub-account's number exited $?"
expect_eq "one DELETE" 1 "$(count_requests DELETE '/assign-subaccount$')"
rm "$MNT/numbers/$s" || fail "rm after taking it back exited $?"
expect_eq "released" released "$(ctl GET "/numbers/$s" | jq -r .status)"

expect_eq "audited" "assign-subaccount:$AUTH_ID>SA_SALES01:ok unassign-subaccount:SA_SALES01>$AUTH_ID:ok" \
	"$(jq -r 'select(.event == "outcome" and .number == "'"$n"'") | "\(.action):\(.from_account)>\(.to_account):\(.result)"' "$T/audit.jsonl" | paste -sd' ')"
expect_eq "intents before outcomes" 5 "$(jq -r 'select(.event == "intent" and (.action | endswith("subaccount"))) | .number' "$T/audit.jsonl" | wc -l)"
expect_eq ".status" 5 "$(jq .moves.moved "$MNT/.status")"
finish

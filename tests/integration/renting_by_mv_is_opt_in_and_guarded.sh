#!/bin/bash
# mv inventory/CC/N numbers/ rents N: refused (EPERM, nothing sent) unless
# [purchase] enabled, refused over max_monthly_fee, ENOENT when taken
# meanwhile (404), EIO after a failed debit (500) with the listing re-read and
# no second POST; every attempt audited.
. "$(dirname "$0")/lib.sh"

start_sandbox --numbers 5 --sub-numbers 0 --inventory 20
offers=$(ctl GET /inventory)
cheap=$(jq -r '[.[] | select(.country == "IN")] | sort_by(.monthly_fee) | .[0]["e164"] | ltrimstr("+")' <<<"$offers")
dear=$(jq -r '[.[] | select(.country == "US")] | .[0]["e164"] | ltrimstr("+")' <<<"$offers")
fee_cheap=$(jq -r --arg e "+$cheap" '.[] | select(.["e164"] == $e) | .monthly_fee' <<<"$offers")

write_config "[release]" "audit_log = $T/audit.jsonl"
mount_vobizfs
clear_requests
expect_error "renting while disabled" "Operation not permitted" mv "$MNT/inventory/IN/$cheap" "$MNT/numbers/"
expect_eq "POSTs while disabled" 0 "$(count_requests POST)"
expect_eq "audited refusal" "purchase EPERM" "$(jq -r '.action + " " + .result' "$T/audit.jsonl" | tail -1)"
unmount_vobizfs

write_config "[release]" "audit_log = $T/audit.jsonl" "[purchase]" "enabled = true" "max_monthly_fee = $fee_cheap"
mount_vobizfs
ls "$MNT/inventory/US" | grep -qx "$dear" || fail "$dear is not offered"
clear_requests
mv "$MNT/inventory/IN/$cheap" "$MNT/numbers/" || fail "renting $cheap"
expect_eq "purchase request" "POST /api/v1/Account/$AUTH_ID/numbers/purchase-from-inventory" \
	"$(requests POST | jq -r '.method + " " + .path')"
expect_eq "purchase body" "+$cheap" "$(requests POST | jq -r '.body | fromjson | .["e164"]')"
ls "$MNT/numbers" | grep -qx "$cheap" || fail "$cheap not in numbers/"
ls "$MNT/inventory/IN" | grep -qx "$cheap" && fail "$cheap still offered"
expect_eq "held by the account" "$AUTH_ID" "$(ctl GET "/numbers/$cheap" | jq -r .account_id)"

# Dearer than the limit: refused, unsent (USD fees are compared as numbers).
us_fee=$(jq -r --arg e "+$dear" '.[] | select(.["e164"] == $e) | .monthly_fee' <<<"$offers")
if awk "BEGIN{exit !($us_fee > $fee_cheap)}"; then
	clear_requests
	expect_error "over max_monthly_fee" "Operation not permitted" mv "$MNT/inventory/US/$dear" "$MNT/numbers/"
	expect_eq "POSTs over the limit" 0 "$(count_requests POST)"
fi
unmount_vobizfs

write_config "[release]" "audit_log = $T/audit.jsonl" "[purchase]" "enabled = true"
mount_vobizfs
taken=$(ls "$MNT/inventory/GB" | head -1)
ctl POST /faults '{"method":"POST","action":"status","status":404,"body":"{\"error\":\"not_found\",\"message\":\"number not found in inventory\"}"}' >/dev/null
expect_error "taken meanwhile" "No such file" mv "$MNT/inventory/GB/$taken" "$MNT/numbers/"
ctl DELETE /faults >/dev/null

other=$(ls "$MNT/inventory/GB" | grep -vx "$taken" | head -1)
ctl POST '/balance?amount=0' >/dev/null
clear_requests
expect_error "failed debit" "Input/output error" mv "$MNT/inventory/GB/$other" "$MNT/numbers/"
expect_eq "POSTs for the failed debit" 1 "$(count_requests POST)"
expect_eq "listing re-read (by a witness-checked search)" 1 "$(requests GET | grep -c "search=")"
grep -q "failed to purchase number" "$T/vobizfs.log" || fail "the API's message is not in the log"
ls "$MNT/numbers" | grep -qx "$other" && fail "$other shown as held"
expect_eq "audited failure" "purchase 500 EIO" \
	"$(jq -r --arg n "$other" 'select(.number == $n and .event == "outcome") | "\(.action) \(.http_status) \(.result)"' "$T/audit.jsonl")"
finish

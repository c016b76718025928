#!/bin/bash
# A cancel-release answered 200 with refund_status "failed" (--shape
# refund=failed): mv still succeeds and the number is back, but the log warns
# with the API's refund_error, the audit outcome carries refund_status,
# refund_amount, currency and refund_error, and .status counts it in
# releases.refunds_failed.  A refunded cancel (refund=ok, switched through the
# control API) audits its refund_amount and currency and is not counted.
. "$(dirname "$0")/lib.sh"

start_sandbox --numbers 8 --sub-numbers 0 --shape refund=failed
write_config "dialect = current" "[release]" "audit_log = $T/audit.jsonl"
mount_vobizfs
read -r a b < <(ls "$MNT/numbers" | head -2 | paste -sd' ')
fee_a=$(ctl GET "/numbers/$a" | jq .monthly_fee)
currency_a=$(ctl GET "/numbers/$a" | jq -r .currency)
rm "$MNT/numbers/$a" "$MNT/numbers/$b" || fail "rm exited $?"
clear_requests

mv "$MNT/pending-release/$a" "$MNT/numbers/" || fail "mv with a failed refund exited $?"
expect_eq "cancel requests" 1 "$(count_requests POST "/cancel-release$")"
expect_eq "requests in all" 1 "$(ctl GET /requests | jq length)"
expect_eq "back in numbers/" "$a" "$(ls "$MNT/numbers" | grep -x "$a")"
expect_eq "status" "active" "$(jq -r .status "$MNT/numbers/$a")"
expect_eq "warnings naming the refund_error" 1 \
	"$(grep -c "cancel-release of $a: .*not refunded: could not process refund, please contact support" "$T/vobizfs.log")"
line=$(jq -c --arg n "$a" 'select(.event == "outcome" and .action == "cancel-release" and .number == $n)' "$T/audit.jsonl")
expect_eq "audit outcome" "ok 200 failed $fee_a $currency_a could not process refund, please contact support" \
	"$(jq -r '"\(.result) \(.http_status) \(.refund_status) \(.refund_amount) \(.currency) \(.refund_error)"' <<<"$line")"
expect_eq ".status refunds_failed" "1 1" "$(jq -r '"\(.releases.cancelled) \(.releases.refunds_failed)"' "$MNT/.status")"

# The same cancel with the refund made.
ctl POST /shapes '{"refund":"ok"}' >/dev/null
clear_requests
mv "$MNT/pending-release/$b" "$MNT/numbers/" || fail "mv with a refund exited $?"
expect_eq "requests in all, second cancel" 1 "$(count_requests POST "/cancel-release$")"
line=$(jq -c --arg n "$b" 'select(.event == "outcome" and .action == "cancel-release" and .number == $n)' "$T/audit.jsonl")
expect_eq "refunded audit outcome" "ok null true true null" \
	"$(jq -r '"\(.result) \(.refund_status) \(.refund_amount > 0) \(.currency | length == 3) \(.refund_error)"' <<<"$line")"
expect_eq ".status after a refunded cancel" "2 1" "$(jq -r '"\(.releases.cancelled) \(.releases.refunds_failed)"' "$MNT/.status")"
expect_eq "still one refund warning" 1 "$(grep -c "not refunded" "$T/vobizfs.log")"
finish

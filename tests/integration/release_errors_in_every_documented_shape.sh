#!/bin/bash
# Error bodies in every documented form answer rm with the errno of their
# status, one DELETE each (two for the 429, the one answer that is retried),
# and the API's message — and, in the platform format, its requestId — in the
# log and the audit line: "error" a string with or without "message", an
# object with a numeric or a string code, inside {"status":"error",...,
# "timestamp","requestId"}.
. "$(dirname "$0")/lib.sh"

start_sandbox --numbers 12 --sub-numbers 0
write_config "[release]" "audit_log = $T/audit.jsonl"
mount_vobizfs
mapfile -t n < <(ls "$MNT/numbers" | head -6)

fault() { # NUMBER STATUS BODY
	ctl POST /faults "$(jq -cn --arg n "$1" --argjson s "$2" --arg b "$3" \
		'{method:"DELETE",number:$n,action:"status",status:$s,body:$b}')" >/dev/null
}
fault "${n[0]}" 403 '{"error":"forbidden","message":"account does not own this number"}'
fault "${n[1]}" 404 '{"error":"number not found"}'
fault "${n[2]}" 401 '{"error":{"code":401,"message":"Invalid token"}}'
fault "${n[3]}" 403 '{"status":"error","error":{"code":"FORBIDDEN","message":"not your number"},"timestamp":"2026-07-20T09:18:26.785Z","requestId":"req_01J3Z8"}'
fault "${n[4]}" 429 '{"status":"error","error":{"code":"RATE_LIMIT_EXCEEDED","message":"Too many requests","details":{"retryAfter":1}},"timestamp":"2026-07-20 09:18:26.785758+00:00","requestId":"req_429"}'
fault "${n[5]}" 400 '{"error":"invalid request","message":"This number cannot be released."}'
clear_requests

expect_error "error string with message" "Permission denied" rm "$MNT/numbers/${n[0]}"
expect_error "error string alone" "No such file or directory" rm "$MNT/numbers/${n[1]}"
expect_error "error object, numeric code" "Permission denied" rm "$MNT/numbers/${n[2]}"
expect_error "platform format" "Permission denied" rm "$MNT/numbers/${n[3]}"
rm "$MNT/numbers/${n[4]}" || fail "rm after a platform-format 429 exited $?"
expect_error "invalid request" "Invalid argument" rm "$MNT/numbers/${n[5]}"

expect_eq "DELETEs per number" "1 1 1 1 2 1" \
	"$(for d in "${n[@]}"; do count_requests DELETE "/numbers/$d$"; done | paste -sd' ')"
log=$T/vobizfs.log
grep -q "HTTP 403: account does not own this number" "$log" || fail "log: string error with message"
grep -q "HTTP 404: number not found" "$log" || fail "log: string error alone"
grep -q "refused the credentials of auth_id $AUTH_ID (HTTP 401: Invalid token)" "$log" || fail "log: object error"
grep -q "HTTP 403: not your number (requestId req_01J3Z8)" "$log" || fail "log: platform format"
grep -q "HTTP 400: This number cannot be released." "$log" || fail "log: invalid request"
expect_eq "audited" "EACCES 403 account does not own this number|ENOENT 404 number not found|EACCES 401 Invalid token|EACCES 403 not your number (requestId req_01J3Z8)|ok 204 null|EINVAL 400 This number cannot be released." \
	"$(jq -r 'select(.event == "outcome") | "\(.result) \(.http_status) \(.message)"' "$T/audit.jsonl" | paste -sd'|')"
expect_eq "released" "released" "$(ctl GET "/numbers/${n[4]}" | jq -r .status)"
finish

#!/bin/bash
# An API error whose message echoes the token (X-Auth-Token) never shows it:
# not in the daemon's log (even with -d), not in the audit log, not in the
# one-line refusal of a mount; also when the API's message is cut short in
# the middle of the token, and when the token comes from auth_token_file.
. "$(dirname "$0")/lib.sh"

start_sandbox --numbers 6 --sub-numbers 0
write_config "[release]" "audit_log = $T/audit.jsonl"
mount_vobizfs -d
mapfile -t n < <(ls "$MNT/numbers" | head -2)
long=$(printf 'x%.0s' $(seq 240)) # the message is kept to 255 bytes: 14 of the token's remain

fault() { # METHOD NUMBER STATUS MESSAGE
	ctl POST /faults "$(jq -cn --arg m "$1" --arg n "$2" --argjson s "$3" --arg msg "$4" \
		'{method:$m,action:"status",status:$s,body:({error:"bad",message:$msg} | tojson)}
		 + (if $n == "" then {} else {number:$n} end)')" >/dev/null
}
fault DELETE "${n[0]}" 400 "token $TOKEN rejected"
fault DELETE "${n[1]}" 403 "$long $TOKEN"
expect_error "rm answered 400" "Invalid argument" rm "$MNT/numbers/${n[0]}"
expect_error "rm answered 403, long message" "Permission denied" rm "$MNT/numbers/${n[1]}"

grep -qF "HTTP 400: token <redacted> rejected" "$T/vobizfs.log" || fail "log: no redacted message"
grep -qF "HTTP 403: $long <redacted>" "$T/vobizfs.log" || fail "log: the cut token was not redacted"
expect_eq "audited messages" "token <redacted> rejected|$long <redacted>" \
	"$(jq -r 'select(.event == "outcome") | .message' "$T/audit.jsonl" | paste -sd'|')"
# Eight characters of it are already too many.
grep -qF -- "${TOKEN:0:8}" "$T/vobizfs.log" && fail "the token is in the log"
grep -qF -- "${TOKEN:0:8}" "$T/audit.jsonl" && fail "the token is in the audit log"
unmount_vobizfs

# The token read from auth_token_file, and a mount refused by an answer
# quoting it: the one-line reason shows it redacted.
printf '%s\n' "$TOKEN" >"$T/token-file"
chmod 600 "$T/token-file"
write_config
sed -i "s|^auth_token = .*|auth_token_file = $T/token-file|" "$T/vobizfs.ini"
fault GET "" 401 "X-Auth-Token $TOKEN is not valid"
out=$(timeout 30 "$VOBIZFS" "$MNT" -f -d -o "config=$T/vobizfs.ini" 2>&1)
expect_eq "refused mount's exit status" 1 "$?"
grep -qF "(HTTP 401: X-Auth-Token <redacted> is not valid); not mounting" <<<"$out" ||
	fail "refusal without the redacted reason: $out"
grep -qF -- "${TOKEN:0:8}" <<<"$out" && fail "the token is in the refusal: $out"
grep -q " $MNT " /proc/mounts && fail "a mount was left behind"
finish

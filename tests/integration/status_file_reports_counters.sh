#!/bin/bash
# .status at the root (hidden from plain ls) is JSON for monitors: version,
# account, dialect, listing age and size, and counters that move as requests
# and releases happen.
. "$(dirname "$0")/lib.sh"

start_sandbox --numbers 30 --sub-numbers 2
mount_vobizfs
s=$MNT/.status

ls "$MNT" | grep -q status && fail "plain ls shows .status"
ls -a "$MNT" | grep -qx .status || fail "ls -a does not show .status"
version=$(sed -n "s/^ *version *: *'\([^']*\)'.*/\1/p" "$(dirname "$0")/../../meson.build" | head -1)
expect_eq "version" "$version" "$(jq -r .version "$s")"
expect_eq "account" "$AUTH_ID" "$(jq -r .account_id "$s")"
expect_eq "dialect" "legacy" "$(jq -r .dialect "$s")"
expect_eq "listing size" 32 "$(jq -r .listing.numbers "$s")"
jq -e '.listing.age_seconds >= 0' "$s" >/dev/null || fail "no listing age"
requests_before=$(jq .api.requests "$s")
expect_eq "requests so far (one page)" 1 "$requests_before"

n=$(ctl GET /numbers | jq -r --arg id "$AUTH_ID" '[.[] | select(.account_id == $id)][0]["e164"] | ltrimstr("+")')
theirs=$(ctl GET /numbers | jq -r --arg id "$AUTH_ID" '[.[] | select(.account_id != $id)][0]["e164"] | ltrimstr("+")')
rm "$MNT/numbers/$n" || fail "rm"
rm "$MNT/numbers/$theirs" 2>/dev/null
expect_eq "requests after two rm" $((requests_before + 2)) "$(jq .api.requests "$s")"
expect_eq "errors" 1 "$(jq .api.errors "$s")"
expect_eq "releases" "1 1" "$(jq -r '"\(.releases.released) \(.releases.failed)"' "$s")"
expect_eq "listing size after the release" 31 "$(jq -r .listing.numbers "$s")"
expect_error "rm .status" "Operation not permitted" rm -f "$s"
finish

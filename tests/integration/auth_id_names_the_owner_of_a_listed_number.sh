#!/bin/bash
# Older revisions of the list answer name a number's owner "auth_id", not
# "account_id": it is the owner all the same.  by-account/ groups by it, the
# record shows it as account_id (auth_id kept), and the dry run says a
# sub-account's number would be refused, sending nothing.
. "$(dirname "$0")/lib.sh"

start_sandbox --numbers 4 --sub-numbers 2 --shape list-owner-key=auth_id
write_config "[cache]" "ttl = 0" "[release]" "dry_run = true"
page=$(curl -sS -f -H "X-Auth-ID: $AUTH_ID" -H "X-Auth-Token: $TOKEN" \
	"$API/api/v1/Account/$AUTH_ID/numbers?page=1&per_page=100")
expect_eq "items naming account_id" 0 "$(jq '[.items[] | select(has("account_id"))] | length' <<<"$page")"
mount_vobizfs

subs=$(jq -r --arg a "$AUTH_ID" '.items[] | select(.auth_id != $a) | .["e164"] | ltrimstr("+")' <<<"$page" | sort)
sub=$(jq -r --arg a "$AUTH_ID" '[.items[] | select(.auth_id != $a) | .auth_id][0]' <<<"$page")
mine=$(jq -r --arg a "$AUTH_ID" '.items[] | select(.auth_id == $a) | .["e164"] | ltrimstr("+")' <<<"$page" | sort)
expect_eq "by-account/" "$(printf '%s\n' "$AUTH_ID" "$sub" | sort)" "$(ls "$MNT/by-account" | sort)"
expect_eq "by-account/$sub/" "$subs" "$(ls "$MNT/by-account/$sub" | sort)"
expect_eq "by-account/$AUTH_ID/" "$mine" "$(ls "$MNT/by-account/$AUTH_ID" | sort)"
n=$(head -1 <<<"$subs")
expect_eq "the record's account_id" "$sub" "$(jq -r .account_id "$MNT/numbers/$n")"
expect_eq "the record's auth_id, kept" "$sub" "$(jq -r .auth_id "$MNT/numbers/$n")"

clear_requests
expect_error "dry-run rm of $sub's number" "Permission denied" rm "$MNT/numbers/$n"
grep -q "dry run: release of $n would be refused (owned by $sub)" "$T/vobizfs.log" || fail "the dry run did not name the owner"
expect_eq "DELETEs of the dry run" 0 "$(count_requests DELETE)"
finish

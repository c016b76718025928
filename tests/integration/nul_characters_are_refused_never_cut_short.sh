#!/bin/bash
# A NUL character never shortens a field (issue 11).  A listing item whose
# e164 holds the escape \u0000 ("+91800000\u00000003") is not listed as
# 91800000, and rm of that name sends nothing; an item with a NUL in another
# field is skipped too, with a log line, and the rest of the page kept; a NUL
# outside the items makes ls EIO.  A setfattr value with an embedded NUL is
# "Invalid argument" with nothing sent; one final NUL (a C caller's
# strlen() + 1 bytes) is dropped.
. "$(dirname "$0")/lib.sh"

start_sandbox --numbers 4 --sub-numbers 0
mapfile -t held < <(sandbox_listed)
kept=${held[0]} spoiled=${held[1]}
for n in "$kept" "$spoiled"; do
	ctl PATCH "/numbers/$n" '{"trunk_group_id":null,"application_id":null}' >/dev/null
done
kept_record=$(ctl GET "/numbers/$kept" | jq -c .)
spoiled_record=$(ctl GET "/numbers/$spoiled" | jq -c 'del(.region)')

# serve_page TEXT: the listing's page 1 is TEXT (a backslash stays a
# backslash: \u0000 reaches the daemon as the six-character escape).
serve_page() {
	ctl DELETE /faults >/dev/null
	ctl POST /faults "$(jq -nc --arg body "$1" '{method: "GET", page: 1, action: "status", status: 200,
		content_type: "application/json", body: $body, count: -1}')" >/dev/null
}

# Three items, all counted by "total": the number held, the reproduction's
# e164, and a real held number whose region holds a NUL.
serve_page '{"items":['"$kept_record"',{"e164":"+91800000\u00000003","status":"active","country":"IN"},'"${spoiled_record%\}}"',"region":"Goa\u0000x"}],"page":1,"per_page":100,"total":3}'
mount_vobizfs
expect_eq "ls" "$kept" "$(ls "$MNT/numbers")"
[ -e "$MNT/numbers/91800000" ] && fail "the cut e164 is listed as 91800000"
[ -e "$MNT/numbers/$spoiled" ] && fail "an item with a NUL in its region is listed"
expect_eq "the kept record" "+$kept" "$(jq -r '.["e164"]' "$MNT/numbers/$kept")"
# The first listing is logged as any other (its check before the mount is no quiet one).
grep -q "2 items skipped, never shown (2 with a NUL character)" "$T/vobizfs.log" ||
	fail "no log line for the 2 skipped items"

clear_requests
expect_error "rm of the cut name" "No such file or directory" rm "$MNT/numbers/91800000"
expect_error "rm of the skipped number" "No such file or directory" rm "$MNT/numbers/$spoiled"
expect_eq "requests after rm" 0 "$(ctl GET /requests | jq length)"

# setfattr's hex form passes the bytes as they are: app_1 NUL xxx.
for value in 0x6170705f3100787878 0x6170705f310000 0x00 0x0061; do
	expect_error "setfattr -v $value" "Invalid argument" \
		setfattr -n user.vobiz.application_id -v "$value" "$MNT/numbers/$kept"
done
expect_eq "requests after setfattr" 0 "$(ctl GET /requests | jq length)"
getfattr -n user.vobiz.application_id "$MNT/numbers/$kept" >/dev/null 2>&1 && fail "an application was attached"

# One final NUL ends the value: app_1 is sent, once.
setfattr -n user.vobiz.application_id -v 0x6170705f3100 "$MNT/numbers/$kept" || fail "setfattr app_1 NUL exited $?"
expect_eq "requests after app_1 NUL" 1 "$(ctl GET /requests | jq length)"
expect_eq "attach body" "app_1" "$(requests POST | jq -r '.body | fromjson | .application_id')"
expect_eq "getfattr" "app_1" "$(getfattr -n user.vobiz.application_id --only-values "$MNT/numbers/$kept")"

# A NUL outside the items (a key that reads "total"): the page is refused.
serve_page '{"items":['"$kept_record"'],"total\u0000x":1,"page":1,"per_page":100,"total":1}'
touch "$MNT/numbers"
expect_error "ls of a page with a NUL key" "Input/output error" ls "$MNT/numbers"
daemon_alive || fail "the daemon died"
ctl DELETE /faults >/dev/null
expect_eq "ls once the page is clean" 4 "$(ls "$MNT/numbers" | wc -l)"
finish

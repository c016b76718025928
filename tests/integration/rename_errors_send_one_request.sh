#!/bin/bash
# mv that cancels a pending release or rents a number sends one POST whatever
# the API answers.  rename never fails with EINVAL, ENOSYS, ENOTSUP or EXDEV
# for an API outcome: GNU mv takes renameat2's EINVAL (and ENOSYS, ENOTSUP)
# as "flag unsupported" and calls rename() again, and EXDEV as "copy instead",
# either of which would send a second request.  Checked by the request count
# and, under strace, by mv making exactly one rename call.
. "$(dirname "$0")/lib.sh"

STATUSES="400 401 403 404 409 422 500 503"
declare -A message=([400]="Operation not permitted" [401]="Permission denied" [403]="Permission denied"
	[404]="No such file or directory" [409]="Device or resource busy" [422]="Operation not permitted"
	[500]="Input/output error" [503]="Input/output error")

STRACE=
if command -v strace >/dev/null && strace -f -qq -e trace=none true 2>/dev/null; then
	STRACE=strace
else
	echo "strace cannot trace here: the rename calls are not counted"
fi

# try_mv WHAT FROM DIR/: run mv FROM DIR/ (under strace when it works); sets
# MV_STATUS, MV_OUT (mv's own output) and MV_RENAMES (rename calls naming the
# number as their target).  GNU mv 9 first tries renameat2(FROM, "DIR/",
# RENAME_NOREPLACE) to learn that DIR is a directory: the kernel answers
# EEXIST without asking the filesystem, so that probe is not counted.
try_mv() {
	local what=$1 base
	shift
	base=$(basename "$1")
	if [ -n "$STRACE" ]; then
		MV_OUT=$(strace -f -qq -o "$T/strace.out" -e trace=rename,renameat,renameat2 mv "$@" 2>&1)
		MV_STATUS=$?
		MV_RENAMES=$(grep -E 'rename(at2?)?\(' "$T/strace.out" | grep -cE "\"([^\"]*/)?$base\"(, [A-Z_|]+)?\) += ")
		expect_eq "$what: rename calls for $base made by mv" 1 "$MV_RENAMES"
		grep -qE "renameat2\(.*\"([^\"]*/)?$base\", RENAME_NOREPLACE\) += " "$T/strace.out" ||
			fail "$what: mv made no renameat2 call for $base: $(cat "$T/strace.out")"
	else
		MV_OUT=$(mv "$@" 2>&1)
		MV_STATUS=$?
		MV_RENAMES=-
	fi
}

# expect_failed_mv WHAT STATUS: mv failed with the errno mapped from STATUS.
expect_failed_mv() {
	local what=$1 status=$2
	[ "$MV_STATUS" -ne 0 ] || fail "$what: mv succeeded"
	grep -q "Invalid argument" <<<"$MV_OUT" && fail "$what: mv says Invalid argument"
	grep -q -- "${message[$status]}" <<<"$MV_OUT" || fail "$what: expected '${message[$status]}', got: $MV_OUT"
}

# (a) Cancelling a release (current dialect: rm leaves the number pending).
start_sandbox --numbers 10 --sub-numbers 0 --inventory 20
write_config "dialect = current" "[release]" "audit_log = $T/audit.jsonl"
mount_vobizfs
n=$(ls "$MNT/numbers" | head -1)
rm "$MNT/numbers/$n" || fail "rm of $n exited $?"
expect_eq "$n pending" "$n" "$(ls "$MNT/pending-release")"

for s in $STATUSES; do
	# Each status on its own: if an earlier case cancelled the release after
	# all (a failure already reported), make the number pending again.
	ctl DELETE /faults >/dev/null
	if [ "$(ctl GET "/numbers/$n" | jq -r .status)" != pending_release ]; then
		ctl PATCH "/numbers/$n" '{"status":"pending_release"}' >/dev/null
		touch "$MNT/numbers" "$MNT/pending-release"
		wait_for "$n to be pending again" 5 test -e "$MNT/pending-release/$n" || fail "$n not pending again"
	fi
	clear_requests
	ctl POST /faults "{\"method\":\"POST\",\"action\":\"status\",\"status\":$s}" >/dev/null
	try_mv "cancel, HTTP $s" "$MNT/pending-release/$n" "$MNT/numbers/"
	expect_failed_mv "cancel, HTTP $s" "$s"
	expect_eq "cancel, HTTP $s: cancel POSTs" 1 "$(count_requests POST '/cancel-release$')"
	expect_eq "cancel, HTTP $s: POSTs in all" 1 "$(count_requests POST)"
	echo "cancel, HTTP $s: mv exit $MV_STATUS, renames $MV_RENAMES: ${MV_OUT##*: }"
	expect_eq "cancel, HTTP $s: sandbox status" pending_release "$(ctl GET "/numbers/$n" | jq -r .status)"
	ls "$MNT/pending-release" | grep -qx "$n" || fail "cancel, HTTP $s: $n left pending-release/"
done
clear_requests
try_mv "cancel" "$MNT/pending-release/$n" "$MNT/numbers/"
expect_eq "cancel: mv exit status ($MV_OUT)" 0 "$MV_STATUS"
expect_eq "cancel: POSTs" 1 "$(count_requests POST '/cancel-release$')"
expect_eq "cancel: sandbox status" active "$(ctl GET "/numbers/$n" | jq -r .status)"
ls "$MNT/numbers" | grep -qx "$n" || fail "$n not back in numbers/"
unmount_vobizfs

# (b) Renting (purchase-from-inventory).
write_config "[release]" "audit_log = $T/audit.jsonl" "[purchase]" "enabled = true"
mount_vobizfs
offers=($(ls "$MNT/inventory/IN"))
[ "${#offers[@]}" -ge 9 ] || { fail "only ${#offers[@]} offers in IN"; finish; }
i=0
for s in $STATUSES; do
	o=${offers[i]}
	i=$((i + 1))
	ctl DELETE /faults >/dev/null
	clear_requests
	ctl POST /faults "{\"method\":\"POST\",\"action\":\"status\",\"status\":$s}" >/dev/null
	try_mv "purchase of $o, HTTP $s" "$MNT/inventory/IN/$o" "$MNT/numbers/"
	expect_failed_mv "purchase of $o, HTTP $s" "$s"
	expect_eq "purchase, HTTP $s: purchase POSTs" 1 "$(count_requests POST '/purchase-from-inventory$')"
	expect_eq "purchase, HTTP $s: POSTs in all" 1 "$(count_requests POST)"
	echo "purchase, HTTP $s: mv exit $MV_STATUS, renames $MV_RENAMES: ${MV_OUT##*: }"
	ctl GET /inventory | jq -e --arg e "+$o" 'any(.[]; .["e164"] == $e)' >/dev/null ||
		fail "purchase, HTTP $s: $o no longer in the sandbox's inventory"
	ctl GET "/numbers/$o" >/dev/null 2>&1 && fail "purchase, HTTP $s: the sandbox holds $o"
	ls "$MNT/numbers" | grep -qx "$o" && fail "purchase, HTTP $s: $o shown as held"
done
o=${offers[i]}
clear_requests
try_mv "purchase of $o" "$MNT/inventory/IN/$o" "$MNT/numbers/"
expect_eq "purchase of $o: mv exit status ($MV_OUT)" 0 "$MV_STATUS"
expect_eq "purchase of $o: POSTs" 1 "$(count_requests POST '/purchase-from-inventory$')"
expect_eq "purchase of $o: held by" "$AUTH_ID" "$(ctl GET "/numbers/$o" | jq -r .account_id)"
ls "$MNT/numbers" | grep -qx "$o" || fail "$o not in numbers/"
finish

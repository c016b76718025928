#!/bin/bash
# A listing whose page 1 lies about its size (a huge "total", a tiny
# "per_page") is refused with EIO and a log line, in a few requests, well
# within the deadline and without memory sized from the lie; a lie within the
# bounds (pages that stop long before "total") is read again, then EIO, also
# quickly.  The mount refuses to start on such a listing, and the next ls
# after the fault works.
. "$(dirname "$0")/lib.sh"

TIMEOUT=5
start_sandbox --numbers 150 --sub-numbers 0
write_config "[cache]" "ttl = 0"

# A page 1 answer built from the account's real items, with TOTAL and PER_PAGE:
# lying_page COUNT TOTAL PER_PAGE
lying_page() {
	curl -sS -f -H "X-Auth-ID: $AUTH_ID" -H "X-Auth-Token: $TOKEN" \
		"$API/api/v1/Account/$AUTH_ID/numbers?page=1&per_page=$1" |
		jq -c --argjson t "$2" --argjson k "$3" '.total = $t | .per_page = $k'
}

# fault_page1 BODY: every page 1 of the listing is answered with BODY.
fault_page1() {
	ctl DELETE /faults >/dev/null
	ctl POST /faults "$(jq -nc --arg b "$1" '{method:"GET",page:1,action:"status",status:200,body:$b,count:-1}')" >/dev/null
}

hwm_kb() {
	awk '/^VmHWM:/ { print $2 }' "/proc/$VOBIZFS_PID/status"
}

# The mount itself refuses such a listing, within the deadline.
fault_page1 "$(lying_page 3 100000000 1)"
mkdir -p "$MNT"
start=$(date +%s%N)
out=$(timeout 30 "$VOBIZFS" "$MNT" -o "config=$T/vobizfs.ini" 2>&1)
status=$?
ms=$((($(date +%s%N) - start) / 1000000))
echo "measure: mount with total=1e8 per_page=1: status $status in ${ms} ms"
expect_eq "mount exit status" 1 "$status"
grep -q "not mounting" <<<"$out" || fail "no readable reason: $out"
[ "$ms" -lt $((TIMEOUT * 1000)) ] || fail "the refused mount took ${ms} ms"
grep -q " $MNT " /proc/mounts && fail "a mount was left behind"

ctl DELETE /faults >/dev/null
mount_vobizfs
ls "$MNT/numbers" >/dev/null || fail "the first ls"
base_kb=$(hwm_kb)

# name|body|log line expected
cases=(
	"total=1e8 per_page=1|$(lying_page 3 100000000 1)|claims 100000000 numbers"
	"total=1e9 per_page=100|$(lying_page 3 1000000000 100)|claims 1000000000 numbers"
	"total=1000 per_page=5|$(lying_page 5 1000 5)|pages by 5"
	"total=9e6 per_page=100|$(lying_page 100 9000000 100)|kept changing"
)
for c in "${cases[@]}"; do
	name=${c%%|*}
	rest=${c#*|}
	body=${rest%|*}
	logged=${rest##*|}
	fault_page1 "$body"
	clear_requests
	timed ls "$MNT/numbers"
	gets=$(count_requests GET 'numbers$')
	kb=$(hwm_kb)
	echo "measure: ls with $name: status $LAST_STATUS in ${LAST_MS} ms, $gets GETs, peak RSS ${kb} kB (${base_kb} kB before the lies)"
	[ "$LAST_STATUS" -ne 0 ] || fail "ls with $name succeeded"
	grep -q "Input/output error" <<<"$LAST_OUT" || fail "ls with $name: not EIO: $LAST_OUT"
	[ "$LAST_MS" -lt 2000 ] || fail "ls with $name took ${LAST_MS} ms (deadline ${TIMEOUT} s)"
	[ "$gets" -le 30 ] || fail "ls with $name sent $gets GETs"
	[ "$kb" -lt $((base_kb + 65536)) ] || fail "ls with $name: peak RSS ${kb} kB, from ${base_kb} kB"
	grep -q -- "$logged" "$T/vobizfs.log" || fail "ls with $name: no log line with '$logged'"
	daemon_alive || fail "the daemon died on $name"
done

ctl DELETE /faults >/dev/null
expect_eq "ls after the faults" "$(sandbox_listed)" "$(ls "$MNT/numbers" | sort)"
finish

#!/bin/bash
# Numbers added or removed while the pages are read: the listing starts over,
# so ls shows each number exactly once and none is missing.  The account is
# larger than the pages asked for together with page 1 ([api] parallel = 8),
# so later pages surely come after the change and reveal it.
. "$(dirname "$0")/lib.sh"

start_sandbox --numbers 2000 --sub-numbers 0
write_config "[cache]" "ttl = 0"
mount_vobizfs

for fault in '"action":"grow","add":5' '"action":"shrink","remove":3'; do
	clear_requests
	ctl POST /faults "{\"method\":\"GET\",\"page\":1,$fault}" >/dev/null
	listed=$(ls "$MNT/numbers" | sort)
	expect_eq "no duplicates ($fault)" "" "$(uniq -d <<<"$listed")"
	expect_eq "exactly the sandbox's numbers ($fault)" "$(sandbox_listed)" "$listed"
	[ "$(count_requests GET 'numbers$')" -gt 20 ] || fail "the listing was not read again ($fault)"
done
finish

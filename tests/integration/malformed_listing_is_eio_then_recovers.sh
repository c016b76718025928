#!/bin/bash
# A malformed, truncated or huge list page: ls fails with "Input/output
# error", the daemon lives, and the next ls works once the fault is gone.
. "$(dirname "$0")/lib.sh"

start_sandbox --numbers 250 --sub-numbers 0
write_config "[cache]" "ttl = 0"
mount_vobizfs

for action in malformed truncated huge; do
	ctl POST /faults "{\"method\":\"GET\",\"page\":2,\"action\":\"$action\"}" >/dev/null
	expect_error "ls with a $action page" "Input/output error" ls "$MNT/numbers"
	daemon_alive || fail "the daemon died on a $action page"
	expect_eq "ls after the $action page" 250 "$(ls "$MNT/numbers" | wc -l)"
done
finish

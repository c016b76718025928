# lib_outage.sh — the shared body of the API-outage tests (sourced after
# lib.sh): with the API down in MODE, ls and rm fail within the deadline plus
# a second; once it is back, the same mount works again by itself.

# check_outage MODE: MODE is the sandbox's /down mode, refuse or stall.
check_outage() {
	local mode=$1 n
	TIMEOUT=3
	start_sandbox --numbers 20 --sub-numbers 0
	write_config "[cache]" "ttl = 0"
	mount_vobizfs
	n=$(ls "$MNT/numbers" | head -1)

	ctl POST "/down?mode=$mode" >/dev/null
	expect_bounded_failure "ls" ls "$MNT/numbers"
	expect_bounded_failure "rm" rm "$MNT/numbers/$n"
	daemon_alive || fail "the daemon died"

	ctl POST /up >/dev/null
	ls "$MNT/numbers" | grep -qx "$n" || fail "ls after recovery does not show $n"
	rm "$MNT/numbers/$n" || fail "rm after recovery failed"
	expect_eq "sandbox no longer lists $n" "" "$(sandbox_listed | grep -x "$n")"
	# One DELETE per rm that got through: a refused connection carries none,
	# a stalled one carries the first rm's, which was never answered.
	expect_eq "DELETEs that reached the API" "$([ "$mode" = refuse ] && echo 1 || echo 2)" \
		"$(count_requests DELETE)"
}

# expect_bounded_failure WHAT COMMAND...: COMMAND fails with EIO or
# ETIMEDOUT within TIMEOUT + 1 seconds.
expect_bounded_failure() {
	local what=$1
	shift
	timed "$@"
	[ "$LAST_STATUS" -ne 0 ] || fail "$what succeeded with the API down"
	grep -Eq "Input/output error|timed out" <<<"$LAST_OUT" || fail "$what: unexpected error: $LAST_OUT"
	[ "$LAST_MS" -le $((TIMEOUT * 1000 + 1000)) ] || fail "$what took $LAST_MS ms"
	echo "$what with the API down ($mode): $LAST_MS ms ($LAST_OUT)"
}

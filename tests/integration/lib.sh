# lib.sh — shared set-up for integration tests: each test sources this, starts
# its own sandbox and its own mount, and everything is torn down on exit, also
# when the test fails.  Waits poll with a bound; nothing sleeps a fixed time.
#
# Environment (set by meson): VOBIZFS, SANDBOX — the two binaries.

set -u
set -o pipefail

: "${VOBIZFS:?VOBIZFS must name the vobizfs binary}"
: "${SANDBOX:?SANDBOX must name the vobiz-sandbox binary}"

TEST_NAME=$(basename "$0" .sh)
T=$(mktemp -d "/tmp/vobizfs-test.$TEST_NAME.XXXXXX")
MNT="$T/mnt"
AUTH_ID=MA_TEST$$
TOKEN="tok-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
SANDBOX_PID=
VOBIZFS_PID=
FAILURES=0

# unmount: the daemon must then exit by itself, and cleanly (under the
# sanitizers a leak shows as a non-zero status here).
unmount_vobizfs() {
	local pid=$VOBIZFS_PID i code
	VOBIZFS_PID=
	fusermount3 -u "$MNT" 2>/dev/null || fusermount3 -u -z "$MNT" 2>/dev/null
	[ -n "$pid" ] || return 0
	for i in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
	if kill -0 "$pid" 2>/dev/null; then
		fail "vobizfs did not exit after the unmount"
		kill -KILL "$pid" 2>/dev/null
	fi
	wait "$pid"
	code=$?
	[ "$code" -eq 0 ] || fail "vobizfs exited with status $code"
}

cleanup() {
	local status=$?
	unmount_vobizfs
	[ "$FAILURES" -ne 0 ] && [ "$status" -eq 0 ] && status=1
	[ -n "$SANDBOX_PID" ] && kill "$SANDBOX_PID" 2>/dev/null && wait "$SANDBOX_PID" 2>/dev/null
	if [ "$status" -ne 0 ] || [ "$FAILURES" -ne 0 ]; then
		echo "--- vobizfs log ($T/vobizfs.log) ---"
		tail -n 40 "$T/vobizfs.log" 2>/dev/null
		echo "--- sandbox log ---"
		tail -n 20 "$T/sandbox.log" 2>/dev/null
	fi
	rm -rf "$T"
	exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fail() {
	echo "FAIL: $*" >&2
	FAILURES=$((FAILURES + 1))
}

# Finish the test: exit status says whether every check held.
finish() {
	if [ "$FAILURES" -ne 0 ]; then
		echo "$TEST_NAME: $FAILURES check(s) failed" >&2
		exit 1
	fi
	echo "$TEST_NAME: ok"
	exit 0
}

# wait_for DESCRIPTION SECONDS COMMAND...: poll COMMAND every 50 ms.
wait_for() {
	local what=$1 limit=$2 start
	shift 2
	start=$(date +%s%N)
	until "$@" 2>/dev/null; do
		if [ $(( ($(date +%s%N) - start) / 1000000 )) -ge $((limit * 1000)) ]; then
			echo "timed out after ${limit}s waiting for $what" >&2
			return 1
		fi
		sleep 0.05
	done
}

# start_sandbox [ARGS...]: a sandbox on free ports; sets API and CTL (URLs).
start_sandbox() {
	printf '%s' "$TOKEN" >"$T/token"
	chmod 600 "$T/token"
	"$SANDBOX" --port-file "$T/api.port" --control-port-file "$T/ctl.port" \
		--request-log "$T/requests.jsonl" --auth-id "$AUTH_ID" --auth-token-file "$T/token" \
		"$@" >"$T/sandbox.log" 2>&1 &
	SANDBOX_PID=$!
	wait_for "the sandbox" 10 test -s "$T/ctl.port" || { cat "$T/sandbox.log"; exit 1; }
	wait_for "the sandbox" 10 test -s "$T/api.port" || { cat "$T/sandbox.log"; exit 1; }
	API_PORT=$(cat "$T/api.port")
	CTL="http://127.0.0.1:$(cat "$T/ctl.port")"
	API="${API_SCHEME:-http}://127.0.0.1:$API_PORT"
}

# ctl METHOD PATH [JSON]: talk to the sandbox's control API.
ctl() {
	if [ $# -ge 3 ]; then
		curl -sS -f -X "$1" -H 'Content-Type: application/json' --data "$3" "$CTL$2"
	else
		curl -sS -f -X "$1" "$CTL$2"
	fi
}

# write_config [EXTRA-INI-LINES...]: the mount's config file, mode 0600.
write_config() {
	{
		echo "[release]" # first, so the lines given below keep their sections
		echo "state_dir = $T/state"
		echo "[account]"
		echo "auth_id = $AUTH_ID"
		echo "auth_token = $TOKEN"
		echo "[api]"
		echo "base_url = $API"
		echo "timeout = ${TIMEOUT:-5}"
		for line in "$@"; do echo "$line"; done
	} >"$T/vobizfs.ini"
	chmod 600 "$T/vobizfs.ini"
}

# mount_vobizfs [OPTIONS...]: mount at $MNT in the foreground (so the test owns
# the PID); returns once the mount answers, or fails the test.
mount_vobizfs() {
	[ -f "$T/vobizfs.ini" ] || write_config
	mkdir -p "$MNT"
	"$VOBIZFS" "$MNT" -f -o "config=$T/vobizfs.ini" "$@" >>"$T/vobizfs.log" 2>&1 &
	VOBIZFS_PID=$!
	if ! wait_for "the mount" 15 mounted; then
		cat "$T/vobizfs.log" >&2
		exit 1
	fi
}

mounted() {
	grep -q " $MNT fuse" /proc/mounts && kill -0 "$VOBIZFS_PID"
}

# The requests the sandbox saw since the last clear_requests, filtered:
# requests METHOD [PATH-REGEX]
requests() {
	ctl GET /requests | jq -c --arg m "$1" --arg p "${2:-.}" '.[] | select(.method == $m and (.path | test($p)))'
}

count_requests() {
	requests "$@" | wc -l
}

# request_arrived METHOD [PATH-REGEX]: true once the sandbox has seen such a
# request (a stalled one is logged when its stall begins).
request_arrived() {
	[ "$(count_requests "$@")" -ge 1 ]
}

# kill_vobizfs: a crash — SIGKILL the daemon and clear its dead mount.
kill_vobizfs() {
	kill -KILL "$VOBIZFS_PID"
	wait "$VOBIZFS_PID" 2>/dev/null
	VOBIZFS_PID=
	fusermount3 -u -z "$MNT"
}

# pause_vobizfs SECONDS: stop the daemon (a suspended VM, a swapped-out
# process) that long, then let it go on.  The pause is the scenario, so it is
# a fixed time.
pause_vobizfs() {
	kill -STOP "$VOBIZFS_PID"
	sleep "$1"
	kill -CONT "$VOBIZFS_PID"
}

clear_requests() {
	ctl POST /requests/clear >/dev/null
}

# The numbers the sandbox lists for the account, one per line, digits only.
sandbox_listed() {
	ctl GET /numbers | jq -r '.[] | select(.status == "active") | .["e164"] | ltrimstr("+")' | sort
}

expect_eq() { # DESCRIPTION EXPECTED ACTUAL
	[ "$2" = "$3" ] || fail "$1: expected '$2', got '$3'"
}

# expect_error DESCRIPTION MESSAGE COMMAND...: COMMAND fails and says MESSAGE.
expect_error() {
	local what=$1 msg=$2 out
	shift 2
	if out=$("$@" 2>&1); then
		fail "$what: succeeded, expected '$msg'"
	elif ! grep -q -- "$msg" <<<"$out"; then
		fail "$what: expected '$msg', got: $out"
	fi
}

# timed COMMAND...: run COMMAND; sets LAST_MS (wall time), LAST_STATUS, LAST_OUT.
timed() {
	local start
	start=$(date +%s%N)
	LAST_OUT=$("$@" 2>&1)
	LAST_STATUS=$?
	LAST_MS=$(( ($(date +%s%N) - start) / 1000000 ))
}

daemon_alive() {
	kill -0 "$VOBIZFS_PID" 2>/dev/null
}

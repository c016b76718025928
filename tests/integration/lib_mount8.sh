# lib_mount8.sh — for the tests that mount through mount(8); source it after
# lib.sh.  mount(8) runs mount.fuse3 with a cleared environment, and
# mount.fuse3 runs `vobizfs` by name through /bin/sh, so the binary under test
# must be on the shell's default PATH.  A private mount namespace shows it as
# /usr/local/bin/vobizfs (hiding the rest of /usr/local/bin, and
# /usr/local/sbin, which comes first) without touching the host: commands run
# in it with in_ns.  mount.fuse3 detaches the daemon, so it is found by the
# unique mountpoint in its command line, and only that PID is ever signalled.

NS_PID=

# Skip (exit 77) unless root: only root may mount(8) an arbitrary FUSE type.
require_mount8() {
	local tool
	if [ "$(id -u)" -ne 0 ]; then
		echo "SKIP: mounting through mount(8) needs root"
		exit 77
	fi
	for tool in unshare nsenter mount.fuse3 pgrep; do
		command -v "$tool" >/dev/null || { fail "$tool is missing"; finish; }
	done
}

# start_mount_ns: the private mount namespace, held open by a bounded sleep.
start_mount_ns() {
	mkdir -p "$T/bin" "$T/empty"
	ln -sf "$(readlink -f "$VOBIZFS")" "$T/bin/vobizfs"
	unshare --mount --propagation private -- sh -c '
		mount --bind "$1" /usr/local/bin || exit 1
		if [ -d /usr/local/sbin ]; then mount --bind "$2" /usr/local/sbin || exit 1; fi
		: >"$3"
		exec sleep 300' sh "$T/bin" "$T/empty" "$T/ns.ready" &
	NS_PID=$!
	wait_for "the mount namespace" 10 test -e "$T/ns.ready" || { fail "no private mount namespace"; finish; }
}

# in_ns COMMAND...: run COMMAND in the namespace (its working directory is /).
in_ns() {
	nsenter --target "$NS_PID" --mount -- "$@"
}

# True when $MNT is a vobizfs mount in the namespace.
mounted_in_ns() {
	grep -q "^[^ ]* $MNT fuse.vobizfs " "/proc/$NS_PID/mounts"
}

# The PID of the vobizfs process serving $MNT: its argv[0] is vobizfs and one
# of its arguments is exactly $MNT.  Prints nothing when there is none.
mount8_daemon_pid() {
	local pid a args
	for pid in $(pgrep -f -- "$MNT"); do
		mapfile -d '' -t args <"/proc/$pid/cmdline" 2>/dev/null || continue
		[ "${#args[@]}" -gt 1 ] && [ "$(basename -- "${args[0]}")" = vobizfs ] || continue
		for a in "${args[@]:1}"; do
			if [ "$a" = "$MNT" ]; then
				echo "$pid"
				return
			fi
		done
	done
}

# wait_daemon_gone PID SECONDS: true once PID has exited.
wait_daemon_gone() {
	wait_for "vobizfs (pid $1) to exit" "$2" sh -c "! kill -0 $1"
}

# Stop what the test left: the daemon serving $MNT (TERM, then KILL), then the
# namespace, which takes any mount left in it along.
mount8_cleanup() {
	local pid
	pid=$(mount8_daemon_pid)
	if [ -n "$pid" ]; then
		kill -TERM "$pid" 2>/dev/null
		wait_daemon_gone "$pid" 5 2>/dev/null || kill -KILL "$pid" 2>/dev/null
	fi
	if [ -n "$NS_PID" ]; then
		kill "$NS_PID" 2>/dev/null
		wait "$NS_PID" 2>/dev/null
	fi
}
trap 'status=$?; mount8_cleanup; (exit "$status"); cleanup' EXIT

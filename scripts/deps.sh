# deps.sh — sourced by scripts/test and scripts/demo: make sure the Debian
# packages vobizfs builds and tests with are installed (apt when root,
# otherwise print the one line to run).

VOBIZFS_PACKAGES="gcc meson ninja-build pkg-config libfuse3-dev fuse3 libcurl4-openssl-dev libcjson-dev
libinih-dev libmicrohttpd-dev libcmocka-dev jq attr curl openssl ca-certificates man-db groff-base
mount procps util-linux cpio zip unzip logrotate tar coreutils findutils python3 perl inotify-tools
libsqlite3-dev sqlite3 faketime busybox libglib2.0-bin git"

ensure_packages() {
	local missing=() p
	for p in $VOBIZFS_PACKAGES "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	if [ "$(id -u)" -ne 0 ]; then
		echo "Missing packages. Run:" >&2
		echo "  sudo apt-get install -y ${missing[*]}" >&2
		exit 1
	fi
	echo "Installing: ${missing[*]}" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >/dev/null && apt-get install -y -qq "${missing[@]}" >/dev/null || {
		echo "apt-get install failed" >&2
		exit 1
	}
}

#!/bin/bash
# meson install (into a DESTDIR) puts vobizfs in bindir, vobizfs(1) in
# mandir/man1, the example configuration, fstab.example and SEMANTICS.md in
# datadir/doc/vobizfs, and vobizfs@.service in lib/systemd/system.  man(1)
# finds the installed page and renders it without a warning, with its key
# sections, and the page's version is the project's.
. "$(dirname "$0")/lib.sh"

if ! command -v man >/dev/null || ! command -v groff >/dev/null; then
	fail "man(1) or groff(1) is missing: install the man-db and groff-base packages (scripts/deps.sh)"
	finish
fi
command -v meson >/dev/null || { fail "meson is missing"; finish; }

# The build directory is the one $VOBIZFS was built in.
build=$(dirname "$(readlink -f "$VOBIZFS")")
while [ "$build" != / ] && [ ! -f "$build/meson-private/coredata.dat" ]; do build=$(dirname "$build"); done
[ -f "$build/meson-private/coredata.dat" ] || { fail "no meson build directory above $VOBIZFS"; finish; }
src=$(cd "$(dirname "$0")/../.." && pwd)

root=$T/root
meson install -C "$build" --destdir "$root" --no-rebuild >"$T/install.log" 2>&1 ||
	{ cat "$T/install.log"; fail "meson install exited $?"; finish; }

# An install directory option: absolute, or relative to the prefix.
option() {
	local v
	v=$(meson introspect --buildoptions "$build" | jq -r --arg n "$1" '.[] | select(.name == $n) | .value')
	case $v in
	/*) echo "$v" ;;
	*) echo "$prefix/$v" ;;
	esac
}
prefix=$(meson introspect --buildoptions "$build" | jq -r '.[] | select(.name == "prefix") | .value')
version=$(meson introspect --projectinfo "$build" | jq -r .version)
bin=$root$(option bindir)/vobizfs
mandir=$root$(option mandir)
docdir=$root$(option datadir)/doc/vobizfs
page=$mandir/man1/vobizfs.1

[ -x "$bin" ] || fail "no executable $bin"
expect_eq "installed binary's version" "vobizfs $version" "$("$bin" --version 2>/dev/null | cut -d' ' -f1-2)"
[ -f "$page" ] || { fail "no manual page at $page"; finish; }
for f in vobizfs.ini.example fstab.example SEMANTICS.md; do
	[ -f "$docdir/$f" ] || fail "no $docdir/$f"
done
cmp -s "$docdir/vobizfs.ini.example" "$src/vobizfs.ini.example" || fail "the installed example differs from the source"
[ -f "$root$prefix/lib/systemd/system/vobizfs@.service" ] || fail "no vobizfs@.service under $prefix/lib/systemd/system"
[ -z "$(find "$root" -name 'vobiz-sandbox*')" ] || fail "the test sandbox was installed"

# man finds the page where it was installed, and renders it cleanly.
expect_eq "man -w" "$page" "$(man -M "$mandir" -w vobizfs 2>&1)"
MANWIDTH=80 MAN_KEEP_FORMATTING= man --warnings -l "$page" >"$T/page.txt" 2>"$T/man.err" || fail "man -l exited $?"
[ -s "$T/man.err" ] && fail "man warns: $(cat "$T/man.err")"
groff -man -Tutf8 -ww -z "$page" 2>"$T/groff.err" || fail "groff exited $?"
[ -s "$T/groff.err" ] && fail "groff warns: $(cat "$T/groff.err")"
for section in NAME SYNOPSIS DESCRIPTION "THE MOUNTED TREE" OPTIONS CONFIGURATION DIALECTS CACHING SAFETY \
	ERRORS EXAMPLES "EXIT STATUS" ENVIRONMENT FILES "SEE ALSO"; do
	grep -qx "$section" "$T/page.txt" || fail "the page has no $section section"
done
for text in "config=FILE" "user.vobiz.capabilities" "pending-release/" "fuse.vobizfs" "_netdev,nofail" \
	"auth_token_file" "VOBIZ_AUTH_TOKEN" "EACCES" "ETIMEDOUT" "fusermount3(1)" "mount.fuse3(8)"; do
	grep -qF -- "$text" "$T/page.txt" || fail "the page does not mention $text"
done
grep -q "^vobizfs $version " <<<"$(tail -n 1 "$T/page.txt" | tr -s ' \t' '  ')" ||
	fail "the page's footer does not carry version $version: $(tail -n 1 "$T/page.txt")"
finish

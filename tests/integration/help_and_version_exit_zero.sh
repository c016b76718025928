#!/bin/bash
# vobizfs --help (and -h) exits 0 and lists vobizfs's options and libfuse's;
# --version (and -V) exits 0 with the version in meson.build.  Neither needs a
# configuration, a mountpoint or the API.  Without a mountpoint vobizfs
# exits 1 and points to --help.
. "$(dirname "$0")/lib.sh"

version=$(sed -n "s/^ *version *: *'\([^']*\)'.*/\1/p" "$(dirname "$0")/../../meson.build" | head -1)
[ -n "$version" ] || fail "no version in meson.build"
export VOBIZFS_CONFIG=$T/missing.ini

for flag in --help -h; do
	out=$("$VOBIZFS" "$flag" 2>&1)
	expect_eq "$flag exit status" 0 "$?"
	for text in "usage:" "MOUNTPOINT" "-o config=FILE" "-o ro" "-f " "-d " "-s " "allow_other" "max_threads"; do
		grep -qF -- "$text" <<<"$out" || fail "$flag does not list '$text'"
	done
	# The thread default is vobizfs's own (64), not libfuse's (10).
	expect_eq "$flag: max_threads default" "allowed (default: 64)" \
		"$(grep -A1 -- '-o max_threads ' <<<"$out" | tail -1 | sed 's/^ *//')"
done
for flag in --version -V; do
	out=$("$VOBIZFS" "$flag" 2>&1)
	expect_eq "$flag exit status" 0 "$?"
	grep -q "^vobizfs $version\b" <<<"$out" || fail "$flag says '$out', not 'vobizfs $version'"
done

out=$("$VOBIZFS" 2>&1)
expect_eq "exit status without a mountpoint" 1 "$?"
grep -q -- "--help" <<<"$out" || fail "no pointer to --help: $out"
finish

#!/bin/bash
# The installed package's binary (VOBIZFS=/usr/bin/vobizfs) mounts the
# sandbox (SANDBOX: from a build directory) and ls shows every number.
# Run by scripts/test --ci after apt-get install ./vobizfs_*.deb.
. "$(dirname "$0")/../integration/lib.sh"

start_sandbox --numbers 12 --sub-numbers 0
write_config
mount_vobizfs
expect_eq "numbers listed" "$(sandbox_listed)" "$(ls "$MNT/numbers" | sort)"
finish

#!/bin/bash
# A caller whose program name holds control characters (ESC, BEL, CR: a
# terminal escape that would recolour or overwrite the line) is logged with
# them escaped as \xHH, and audited as a JSON string that reads back exactly;
# neither file holds the raw bytes.
. "$(dirname "$0")/lib.sh"

start_sandbox --numbers 4 --sub-numbers 0
write_config "[release]" "audit_log = $T/audit.jsonl"
mount_vobizfs
n=$(ls "$MNT/numbers" | head -1)
evil=$'\e[31mEVIL\a\rX'
cp "$(command -v rm)" "$T/$evil"
"$T/$evil" "$MNT/numbers/$n" || fail "rm by a program named \\e[31mEVIL\\a\\rX"
expect_eq "released" "released" "$(ctl GET "/numbers/$n" | jq -r .status)"

grep -qF "released $n (requested by \\x1b[31mEVIL\\x07\\x0dX, pid " "$T/vobizfs.log" ||
	fail "the log line does not name the caller, escaped"
LC_ALL=C grep -q $'[\e\a\r]' "$T/vobizfs.log" && fail "raw control characters in the log"
LC_ALL=C grep -q $'[\e\a\r]' "$T/audit.jsonl" && fail "raw control characters in the audit log"
expect_eq "audited comm" "$evil|$evil" "$(jq -r .comm "$T/audit.jsonl" | paste -sd'|')"
finish

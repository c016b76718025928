#!/bin/bash
# The sandbox is held to the vendor's own definition (tests/vendor/, copied from
# ../shared/vendor/): every answer it gives for the ten phone-number operations,
# successes and documented errors, in every answer shape, is validated against
# the definition's response schemas by vendor_definition_check.py, which names
# the vendor's own contradictions as documented exceptions. Three sandboxes:
# the default one (then each shape through POST /shapes), statuses=all, and the
# vendor's list example (list=example).
. "$(dirname "$0")/lib.sh"

CHECK="$(dirname "$0")/vendor_definition_check.py"
export VENDOR_DIR="$(cd "$(dirname "$0")/../vendor" && pwd)"
export AUTH_ID TOKEN
python3 -c 'import jsonschema, yaml' || { echo "needs python3-jsonschema and python3-yaml (scripts/deps.sh)" >&2; exit 1; }

# run PHASE SANDBOX-ARGS...: one sandbox, one phase of the check.
run() {
	local phase=$1
	shift
	rm -f "$T/api.port" "$T/ctl.port"
	start_sandbox "$@"
	export API CTL
	python3 "$CHECK" "$phase" "$T/results.jsonl" || fail "phase $phase did not run to its end"
	kill "$SANDBOX_PID" && wait "$SANDBOX_PID"
	SANDBOX_PID=
}

run main --numbers 40 --sub-numbers 3 --inventory 20
run statuses --numbers 8 --sub-numbers 1 --inventory 2 --shape statuses=all
run example --inventory 2 --shape list=example
python3 "$CHECK" report "$T/results.jsonl" || fail "answers that do not follow the vendor's definition (above)"
finish

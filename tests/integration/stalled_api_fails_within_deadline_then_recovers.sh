#!/bin/bash
# With the API accepting connections but never answering, ls and rm fail
# within the deadline plus a second, and the mount recovers by itself.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_outage.sh"

check_outage stall
finish

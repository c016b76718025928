#!/bin/bash
# With the API refusing connections, ls and rm fail within the deadline plus a
# second; once it is back, the same mount works again by itself.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_outage.sh"

check_outage refuse
finish

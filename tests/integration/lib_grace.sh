# lib_grace.sh — for the [release] grace tests; source it after lib.sh.

in_releasing() { [ -e "$MNT/releasing/$1" ]; }
not_in_releasing() { [ ! -e "$MNT/releasing/$1" ]; }
queued_count() { jq -r .releases.queued.count "$MNT/.status"; }
queue_empty() { [ "$(queued_count)" = 0 ]; }
all_requests() { ctl GET /requests | jq length; }
# delete_count N: DELETEs of N the sandbox saw (legacy and current paths).
delete_count() { count_requests DELETE "/(%2B)?$1\$"; }
deletes_at_least() { [ "$(count_requests DELETE)" -ge "$1" ]; }

#!/bin/bash
# .metrics at the root is the Prometheus text format (0.0.4), answered from
# memory: every line parses strictly, its counters follow what happened (one
# rm, a retried listing page), and reading it sends no request.
. "$(dirname "$0")/lib.sh"

start_sandbox --numbers 20 --sub-numbers 1
mount_vobizfs
m=$MNT/.metrics

# check_exposition FILE: fail unless FILE is valid exposition text — each
# sample `name{label="v",...} value`, # HELP and # TYPE (counter, gauge or
# histogram) before a metric's first sample, each metric's samples together,
# histogram buckets with ascending le ending in +Inf, cumulative, and _sum
# and _count present (_count equal to the +Inf bucket).
check_exposition() {
	python3 - "$1" <<'PY'
import math, re, sys
NAME = r'[a-zA-Z_:][a-zA-Z0-9_:]*'
LABEL = r'[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*"'
SAMPLE = re.compile(r'^(' + NAME + r')(?:\{((?:' + LABEL + r')(?:,' + LABEL + r')*)?,?\})? '
                    r'([-+]?(?:[0-9]+(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?|\.[0-9]+|NaN|[-+]?Inf))(?: -?[0-9]+)?$')
def die(n, line, why):
    sys.exit(f"line {n}: {why}: {line!r}")
text = open(sys.argv[1], encoding='utf-8').read()
if not text.endswith('\n'):
    sys.exit("no final newline")
types, helps, done, current = {}, set(), set(), None
hist = {}
for n, line in enumerate(text.split('\n')[:-1], 1):
    if line.startswith('#'):
        m = re.match(r'^# (HELP|TYPE) (' + NAME + r') (.*)$', line)
        if not m:
            if line.startswith('# HELP') or line.startswith('# TYPE'):
                die(n, line, "malformed HELP/TYPE")
            continue
        kind, name, rest = m.groups()
        if name in done or (name == current):
            die(n, line, "HELP/TYPE after the metric's samples")
        if kind == 'TYPE':
            if name in types: die(n, line, "second TYPE")
            if rest not in ('counter', 'gauge', 'histogram'): die(n, line, "unexpected type")
            types[name] = rest
        else:
            if name in helps: die(n, line, "second HELP")
            helps.add(name)
        continue
    m = SAMPLE.match(line)
    if not m:
        die(n, line, "not a valid sample")
    name, labels, value = m.group(1), m.group(2) or '', m.group(3)
    base = name
    for suffix in ('_bucket', '_sum', '_count'):
        if name.endswith(suffix) and types.get(name[:-len(suffix)]) == 'histogram':
            base = name[:-len(suffix)]
    if base not in types or base not in helps:
        die(n, line, "sample before its # HELP and # TYPE")
    if base != current:
        if base in done: die(n, line, "samples of a metric not together")
        if current: done.add(current)
        current = base
    v = float(value)
    if types[base] == 'counter' and not (v >= 0): die(n, line, "negative counter")
    pairs = re.findall(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"', labels)
    if len({k for k, _ in pairs}) != len(pairs): die(n, line, "repeated label")
    if types[base] == 'histogram':
        h = hist.setdefault(base, {'le': [], 'sum': None, 'count': None})
        if name.endswith('_bucket'):
            le = dict(pairs).get('le')
            if le is None: die(n, line, "bucket without le")
            bound = math.inf if le == '+Inf' else float(le)
            if h['le'] and (bound <= h['le'][-1][0] or v < h['le'][-1][1]):
                die(n, line, "le not ascending or buckets not cumulative")
            h['le'].append((bound, v))
        elif name.endswith('_sum'): h['sum'] = v
        elif name.endswith('_count'): h['count'] = v
        else: die(n, line, "plain sample of a histogram")
for base, h in hist.items():
    if not h['le'] or h['le'][-1][0] != math.inf: sys.exit(f"{base}: no +Inf bucket last")
    if h['sum'] is None or h['count'] is None: sys.exit(f"{base}: _sum or _count missing")
    if h['count'] != h['le'][-1][1]: sys.exit(f"{base}: _count is not the +Inf bucket")
for t in types:
    if t not in helps: sys.exit(f"{t}: TYPE without HELP")
PY
}

# value NAME [LABELS]: the sample's value, or "missing".
value() {
	local want=$1
	[ -z "${2:-}" ] || want="$1{$2}"
	WANT=$want awk '$1 == ENVIRON["WANT"] { print $2; found = 1 } END { if (!found) print "missing" }' "$T/metrics"
}

sum_requests() {
	awk '/^vobizfs_api_requests_total\{/ { s += $2 } END { print s + 0 }' "$T/metrics"
}

ls -a "$MNT" | grep -qx .metrics || fail "ls -a does not show .metrics"
ls "$MNT" | grep -q metrics && fail "plain ls shows .metrics"
stat -c '%a %F' "$m" | grep -qx '444 regular.*' || fail ".metrics mode: $(stat -c '%a %F' "$m")"

cp "$m" "$T/metrics" || fail "read .metrics"
check_exposition "$T/metrics" || fail "the first read is not valid exposition text"
expect_eq "listing size" 21 "$(value vobizfs_listing_numbers)"
expect_eq "refreshes after the mount" 1 "$(value vobizfs_listing_refreshes_total)"
expect_eq "nothing released yet" 0 "$(value vobizfs_releases_total 'outcome="released"')"

# One rm, one refused rm (a sub-account's number), one listing page retried.
n=$(ctl GET /numbers | jq -r --arg id "$AUTH_ID" '[.[] | select(.account_id == $id)][0]["e164"] | ltrimstr("+")')
theirs=$(ctl GET /numbers | jq -r --arg id "$AUTH_ID" '[.[] | select(.account_id != $id)][0]["e164"] | ltrimstr("+")')
rm "$MNT/numbers/$n" || fail "rm"
rm "$MNT/numbers/$theirs" 2>/dev/null && fail "rm of a sub-account's number succeeded"
ctl POST /faults '{"method":"GET","page":1,"action":"status","status":500}' >/dev/null
kill -HUP "$VOBIZFS_PID"
ls "$MNT/numbers" >/dev/null || fail "ls after SIGHUP"

cp "$m" "$T/metrics" || fail "read .metrics again"
check_exposition "$T/metrics" || fail "the second read is not valid exposition text"
expect_eq "released" 1 "$(value vobizfs_releases_total 'outcome="released"')"
expect_eq "failed" 1 "$(value vobizfs_releases_total 'outcome="failed"')"
expect_eq "refused, dry runs, cancelled" "0 0 0" "$(value vobizfs_releases_total 'outcome="refused"') $(value vobizfs_releases_total 'outcome="dry_run"') $(value vobizfs_releases_total 'outcome="cancelled"')"
sent=$(ctl GET /requests | jq length)
expect_eq "requests counted, every one" "$sent" "$(sum_requests)"
expect_eq "histogram count" "$sent" "$(value vobizfs_api_request_duration_seconds_count)"
expect_eq "DELETEs answered 2xx" 1 "$(value vobizfs_api_requests_total 'method="DELETE",class="2xx"')"
expect_eq "DELETEs answered 4xx" 1 "$(value vobizfs_api_requests_total 'method="DELETE",class="4xx"')"
expect_eq "the page answered 500" 1 "$(value vobizfs_api_requests_total 'method="GET",class="5xx"')"
expect_eq "its retry" 1 "$(value vobizfs_api_retries_total)"
expect_eq "refreshes" 2 "$(value vobizfs_listing_refreshes_total)"
expect_eq "refresh failures" 0 "$(value vobizfs_listing_refresh_failures_total)"
expect_eq "listing size after the release" 20 "$(value vobizfs_listing_numbers)"
[ "$(value vobizfs_listing_age_seconds)" -ge 0 ] || fail "no listing age"

clear_requests
for _ in 1 2 3; do cat "$m" >/dev/null; stat "$m" >/dev/null; done
expect_eq "requests sent by reading .metrics" 0 "$(ctl GET /requests | jq length)"
expect_error "rm .metrics" "Operation not permitted" rm -f "$m"
finish

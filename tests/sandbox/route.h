/* Matching raw request paths against patterns made of '/'-separated segments,
 * each a literal (compared case-sensitively) or "*" (any one non-empty
 * segment, captured), and decoding the captured segments. Thread-safe. */
#ifndef SANDBOX_ROUTE_H
#define SANDBOX_ROUTE_H

#include <stdbool.h>
#include <stddef.h>

#define ROUTE_MAX_PARAMS 4
#define ROUTE_SEGMENT_MAX 256

/* The raw text of each '*' segment, in order, percent-encoding kept. */
struct route_params {
	char raw[ROUTE_MAX_PARAMS][ROUTE_SEGMENT_MAX];
	size_t count;
};

/* True when `raw_path` ("/api/v1/...") has exactly the pattern's segments:
 * literal ones equal, '*' ones non-empty (captured into *params). */
bool route_match(const char *pattern, const char *raw_path, struct route_params *params);

/* Percent-decodes `raw` into `out` (size `cap`). Returns 0, or -EINVAL for a
 * bad escape, an encoded NUL, or a result that does not fit. */
int route_decode(const char *raw, char *out, size_t cap);

#endif

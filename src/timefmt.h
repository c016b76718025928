/* timefmt.h — RFC 3339 timestamps, as the API writes them and the audit log
 * records them. */
#ifndef VOBIZFS_TIMEFMT_H
#define VOBIZFS_TIMEFMT_H

#include <stddef.h>
#include <time.h>

/* Parse "2024-03-05T10:22:31.123456Z" or "...+05:30" (fraction optional,
 * 'T' or ' ' as separator).  Returns 0 with the UTC seconds in OUT, or
 * -EINVAL.  Pure. */
int timefmt_parse_rfc3339(const char *s, time_t *out);

/* Write WHEN as "2026-11-27T08:16:49Z" into BUF (at least 21 bytes). */
void timefmt_format_utc(time_t when, char *buf, size_t len);

#endif

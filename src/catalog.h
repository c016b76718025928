/* catalog.h — the numbers catalog: the account's listing held in memory
 * (DESIGN §4), so getattr, lookup, read and xattrs never wait on the API.
 * One lock, held only for memory work; never across a network call.  A
 * refresh is single-flight: concurrent callers wait for the one in progress. */
#ifndef VOBIZFS_CATALOG_H
#define VOBIZFS_CATALOG_H

#include "number.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct api;
struct catalog;

/* What the filesystem needs to present one number without its record. */
struct number_info {
	char digits[E164_BUFSIZE];
	enum number_status status;
	uint32_t size; /* bytes of the rendered record */
	time_t mtime;  /* purchased_at */
	time_t ctime;  /* updated_at */
};

/* A catalog over API, trusting a listing for TTL_S seconds, fetching at most
 * PARALLEL pages at once.  Returns NULL when out of memory. */
struct catalog *catalog_new(struct api *api, unsigned ttl_s, unsigned parallel);
void catalog_free(struct catalog *cat);

/* Make sure the listing is younger than the TTL and not invalidated,
 * fetching it if not (or joining the fetch in progress).  Returns 0 or the
 * listing's negative errno; on failure the previous listing stays in use.
 * Thread-safe; the only catalog call that does network I/O. */
int catalog_refresh_if_stale(struct catalog *cat, int64_t deadline);

/* Drop trust in the listing: the next catalog_ensure() fetches it again
 * (touch on the directory, SIGHUP).  Async-signal-unsafe; thread-safe. */
void catalog_invalidate(struct catalog *cat);

/* Copy the info of DIGITS into OUT.  Returns 0 or -ENOENT (also for a number
 * whose status is released).  Thread-safe; no I/O. */
int catalog_info(struct catalog *cat, const char *digits, struct number_info *out);

/* A malloc'd copy of the record of DIGITS (LEN bytes, NUL-terminated); the
 * caller frees it.  Returns 0, -ENOENT, -ENOMEM.  Thread-safe; no I/O. */
int catalog_record(struct catalog *cat, const char *digits, char **json, size_t *len);

/* A malloc'd array of the info of every number with STATUS, in listing
 * order; the caller frees it.  Returns 0 or -ENOMEM.  Thread-safe; no I/O. */
int catalog_list(struct catalog *cat, enum number_status status, struct number_info **out, size_t *count);

/* Record a change made through the mount, so it shows at once and survives a
 * listing that was already in flight: the number left the account (STATUS =
 * NUMBER_RELEASED) or changed status (its record gets "status" and the
 * fields of EXTRA, a cJSON object or NULL).  Returns 0, -ENOENT, -ENOMEM. */
int catalog_set_status(struct catalog *cat, const char *digits, enum number_status status,
		       const struct cJSON *extra);

/* Seconds since the listing was fetched (-1: never) and its size. */
void catalog_stats(struct catalog *cat, long *age_s, size_t *count);

#endif

/* release.h — releasing a number, and cancelling a pending release, with
 * every guard around the paid, permanent API call: read-only, protect,
 * dry-run, the audit trail, one request per number at a time, and the
 * re-read of the listing when the API's answer was lost. */
#ifndef VOBIZFS_RELEASE_H
#define VOBIZFS_RELEASE_H

#include "audit.h"

#include <stdint.h>

struct api;
struct catalog;
struct config;
struct releaser;

/* A releaser over CFG, API, CATALOG and AUDIT (may be NULL), all of which
 * must outlive it.  Returns NULL when out of memory. */
struct releaser *releaser_new(const struct config *cfg, struct api *api, struct catalog *catalog, struct audit *audit);
void releaser_free(struct releaser *r);

/* What the releaser has done since creation. */
struct release_counters {
	unsigned long released; /* released or pending release (dry runs excluded) */
	unsigned long refused;  /* stopped by read-only, protect, or a missing audit */
	unsigned long failed;   /* the API refused, or the outcome stayed unknown */
	unsigned long dry_runs;
	unsigned long cancelled; /* pending releases cancelled */
};

/* A snapshot of the counters.  Thread-safe. */
void release_counters(struct releaser *r, struct release_counters *out);

/* Release the held number DIGITS for CALLER before DEADLINE.
 * Returns 0 when the number is released (or, in the current dialect, pending
 * release), or: -EROFS read-only; -EPERM protected; -ENOENT not held (also
 * for the loser of two concurrent releases of one number); -EACCES refused;
 * -EAGAIN still rate limited; -EIO / -ETIMEDOUT when the number is still held
 * or its fate could not be learnt.  Never sends a second DELETE for one call.
 * Thread-safe. */
int release_number(struct releaser *r, const char *digits, const struct caller *caller, int64_t deadline);

/* Cancel the pending release of DIGITS (current dialect).  Returns 0 when it
 * is held again; errors as above (-ENOENT when it is not pending). */
int release_cancel(struct releaser *r, const char *digits, const struct caller *caller, int64_t deadline);

#endif

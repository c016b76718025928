/* listing.h — read the account's whole listing as one consistent snapshot:
 * page 1, then the other pages in parallel, checked against each other. */
#ifndef VOBIZFS_LISTING_H
#define VOBIZFS_LISTING_H

#include "numtab.h"

#include <stdint.h>

struct api;

#define LISTING_PER_PAGE 100
#define LISTING_ATTEMPTS 3 /* reads of a listing that keeps changing */

/* Which listing: the account's numbers (narrowed by SEARCH, digits, when not
 * NULL), or the inventory of COUNTRY (when not NULL), at most MAX numbers
 * (0: no limit). */
struct listing_query {
	const char *search;
	const char *country;
	size_t max;
	size_t expected; /* numbers the last listing held (0: unknown): a hint
			    for how many pages to ask for at once */
};

/* Called when a read of the listing changed under it, with what was SEEN
 * (every distinct number read; some that shifted between pages may lack).
 * Returns 0 to accept SEEN as it now stands, -ESTALE to read again, or
 * another negative errno to give up. */
typedef int listing_settle_fn(struct numtab *seen, void *arg);

/* Fetch every page of Q (at most PARALLEL requests at once) into OUT, a
 * table initialised here.  Pages must agree on "total" and be full; when the
 * account changes while it is read, SETTLE (if not NULL) may accept what was
 * seen, else the listing starts over, up to LISTING_ATTEMPTS reads, so no
 * number is duplicated or missed.  Returns 0, or a negative errno (OUT is
 * then empty): -EIO also when the listing kept changing.
 * Thread-safe; blocks for network I/O. */
int listing_fetch(struct api *api, const struct listing_query *q, unsigned parallel, int64_t deadline,
		  listing_settle_fn *settle, void *arg, struct numtab *out);

#endif

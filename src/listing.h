/* listing.h — read the account's whole listing as one consistent snapshot:
 * page 1, then the other pages in parallel, checked against each other. */
#ifndef VOBIZFS_LISTING_H
#define VOBIZFS_LISTING_H

#include "numtab.h"

#include <stdint.h>

struct api;

#define LISTING_PER_PAGE 100

/* Which listing: the account's numbers (narrowed by SEARCH, digits, when not
 * NULL), or the inventory of COUNTRY (when not NULL), at most MAX numbers
 * (0: no limit). */
struct listing_query {
	const char *search;
	const char *country;
	size_t max;
};

/* Fetch every page of Q (at most PARALLEL requests at once) into OUT, a
 * table initialised here.  Pages must
 * agree on "total" and be full; when the account changes while it is read,
 * the listing starts over (three attempts), so no number is duplicated or
 * missed.  Returns 0, or a negative errno (OUT is then empty).
 * Thread-safe; blocks for network I/O. */
int listing_fetch(struct api *api, const struct listing_query *q, unsigned parallel, int64_t deadline,
		  struct numtab *out);

#endif

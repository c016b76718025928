/* listing.h — read the account's whole listing as one consistent snapshot:
 * page 1, then the other pages in parallel, checked against each other. */
#ifndef VOBIZFS_LISTING_H
#define VOBIZFS_LISTING_H

#include "numtab.h"

#include <stdint.h>

struct api;

#define LISTING_PER_PAGE 100
#define LISTING_ATTEMPTS 3 /* reads of a listing that keeps changing */

/* What page 1 may claim before the listing is refused (-EIO, logged).  A
 * total past LISTING_MAX_TOTAL is no account vobizfs can hold (about 1 KiB
 * of memory a number); a server may page smaller than asked, but not below
 * LISTING_MIN_PER_PAGE unless the whole listing fits in one page, and never
 * into more than LISTING_MAX_PAGES pages (what a LISTING_MAX_TOTAL listing
 * takes at LISTING_PER_PAGE). */
#define LISTING_MAX_TOTAL 10000000L
#define LISTING_MIN_PER_PAGE 10L
#define LISTING_MAX_PAGES (LISTING_MAX_TOTAL / LISTING_PER_PAGE)

/* Pages read and held at once, per request in flight: a listing is read in
 * windows of this many pages, copied out and freed before the next. */
#define LISTING_WINDOW 16

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
 * table initialised here.  Page 1's claims are bounded first (see
 * LISTING_MAX_TOTAL).  Pages must agree on "total", be full and repeat no
 * number; a read that breaks this (or meets a page that brings no new
 * number, which also ends it) saw the account change: SETTLE (if not NULL)
 * may accept what was seen, else the listing starts over, up to
 * LISTING_ATTEMPTS reads, so no number is duplicated, and none missed unless
 * the account changed outside in a way no answer reveals (SEMANTICS.md).
 * Memory grows only with the numbers that arrive, and no request is sent
 * past DEADLINE.  Returns 0, or a negative errno (OUT is then empty): -EIO
 * also for a refused claim or a listing that kept changing, -ETIMEDOUT when
 * the deadline came first.
 * Thread-safe; blocks for network I/O. */
int listing_fetch(struct api *api, const struct listing_query *q, unsigned parallel, int64_t deadline,
		  listing_settle_fn *settle, void *arg, struct numtab *out);

#endif

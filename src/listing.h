/* listing.h — read the account's whole listing as one consistent snapshot:
 * page 1, then the other pages in parallel at an adaptive pace (pace.h),
 * collected in page order as they arrive and checked against each other. */
#ifndef VOBIZFS_LISTING_H
#define VOBIZFS_LISTING_H

#include "api.h"
#include "apijson.h"
#include "numtab.h"

#include <stdatomic.h>
#include <stdint.h>

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

/* Pages that may have arrived and wait to be collected, per request allowed
 * in flight: what bounds a listing's memory besides the table it builds. */
#define LISTING_LOOKAHEAD 2

/* Called when a read of the listing changed under it, with what was SEEN
 * (every distinct number read; some that shifted between pages may lack).
 * Returns 0 to accept SEEN as it now stands, -ESTALE to read again, or
 * another negative errno to give up. */
typedef int listing_settle_fn(struct numtab *seen, void *arg);

/* Called for each number read (DRAFT, valid during the call): a number equal
 * to it (same digits, same record) with a reference taken for the new table
 * (number_ref()), or NULL to make a copy.  Lets a refresh share the records
 * that did not change with the table it replaces. */
typedef struct number *listing_intern_fn(void *arg, const struct number *draft);

/* What a read of the listing found beside its numbers. */
struct listing_report {
	long total;                 /* what page 1 claimed (-1: no page 1) */
	size_t items;               /* items the pages held, skipped ones included */
	bool short_of_total;        /* the pages and "total" disagree (items != total,
				       and no max cut the read short) */
	size_t skipped[LIST_SKIPS]; /* items skipped, by reason (apijson.h) */
	char why[160];              /* on failure: what refused the listing, or "" */
};

struct listing_params {
	unsigned parallel;         /* requests in flight at first (0: 1) */
	unsigned parallel_max;     /* the most the pace may grow to (below parallel: parallel) */
	int64_t page_ms;           /* a page not answered this long after it was
				      asked for (retries included) fails the read */
	int64_t deadline;          /* no request is sent past this (clock_now_ms()) */
	const atomic_bool *stop;   /* may be NULL; once true, nothing more is
				      asked and the read fails with -ECANCELED */
	listing_settle_fn *settle; /* may be NULL */
	void *settle_arg;
	listing_intern_fn *intern; /* may be NULL */
	void *intern_arg;
	unsigned *paced;               /* may be NULL: set to the pages asked for at once when
					  the read ended, a start for the next one */
	struct listing_report *report; /* may be NULL: filled in by every read */
};

/* Fetch every page of Q into OUT, a table initialised here.  Page 1's claims
 * are bounded first (see LISTING_MAX_TOTAL).  Pages decide, "total" advises:
 * the listing ends at its first short page (fewer items than a page holds),
 * or at the last page "total" (or Q->max) allows; a full page there that
 * takes the items past "total" is followed by the next, up to
 * LISTING_MAX_PAGES.  When the items read then
 * disagree with "total", the read still succeeds, with
 * P->report->short_of_total set.  Pages must agree on "total" and repeat no
 * number, and a page holds no more than a page; a read that breaks this (or
 * meets a page that brings no new number, which also ends it) saw the
 * account change: P->settle may accept what was seen, else the listing
 * starts over, up to LISTING_ATTEMPTS reads, so no number is duplicated, and
 * none missed unless the account changed outside in a way no answer reveals
 * (SEMANTICS.md).  Memory grows only with the numbers that arrive: at most
 * LISTING_LOOKAHEAD × parallel_max pages are held besides OUT.  Returns 0,
 * or a negative errno (OUT is then empty, P->report->why says why when the
 * listing itself was refused): -EIO also for a refused claim or a listing
 * that kept changing, -ETIMEDOUT when a page took longer than P->page_ms or
 * the deadline came first, -ECANCELED when stopped.  Logs nothing of the
 * items skipped or of the total: the caller knows whether it is news.
 * Thread-safe; blocks for network I/O. */
int listing_fetch(struct api *api, const struct listing_query *q, const struct listing_params *p, struct numtab *out);

#endif

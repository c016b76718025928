/* settle.h — finding out what became of a number after a change whose answer
 * was lost (a reset, a timeout, a pause, a crash).  Absence from a listing
 * proves a release only when that listing would have shown the number: a
 * narrow search must also show a number known to be held, or the whole
 * listing is read; and no listing whose pages disagree with its total
 * proves one. */
#ifndef VOBIZFS_SETTLE_H
#define VOBIZFS_SETTLE_H

#include <stdint.h>

struct api;
struct catalog;
struct number;

/* Time kept back from a change's request for this look, for an operation of
 * TIMEOUT_S seconds: a third of it, 1 s to 5 s. */
int64_t settle_reserve_ms(unsigned timeout_s);

/* The deadline for the look itself: DEADLINE, but at least the reserve from
 * now, so a look is never skipped because the deadline was spent (a paused
 * daemon, a late answer). */
int64_t settle_deadline(unsigned timeout_s, int64_t deadline);

/* As settle_observe(), but hands over DIGITS's record: 0 with *FOUND a
 * malloc'd copy (free with free()), or NULL when a listing that would have
 * shown it does not; or a negative errno. */
int settle_find(struct api *api, struct catalog *catalog, unsigned parallel, const char *digits, int64_t deadline,
		struct number **found);

/* DIGITS's state as the API lists it now: NUMBER_ACTIVE, NUMBER_PENDING_RELEASE
 * or NUMBER_RELEASED (not listed), read with a search by the prefix DIGITS
 * shares with a held number of CATALOG (the witness), and from the whole
 * listing (PARALLEL pages at once) when the search does not show the witness
 * or its pages disagree with its total.  A whole listing whose pages and
 * total disagree (listing.h) proves no release: it is read once more, and
 * when that one disagrees too, -EIO.
 * Returns the state or a negative errno when no trustworthy listing could be
 * read before DEADLINE.  Thread-safe; blocks for network I/O. */
int settle_observe(struct api *api, struct catalog *catalog, unsigned parallel, const char *digits, int64_t deadline);

#endif

/* claims.h — one change per number at a time: a change claims the number's
 * digits, and a second change of the same number waits for the first to end
 * (then looks at the number anew), so two `rm` of one number never send
 * two requests. */
#ifndef VOBIZFS_CLAIMS_H
#define VOBIZFS_CLAIMS_H

#include "e164.h"

#include <pthread.h>
#include <stdint.h>

#define CLAIMS_MAX 64 /* changes in flight at once, whatever the numbers */

struct claims {
	pthread_mutex_t lock;                /* guards held */
	pthread_cond_t done;                 /* on CLOCK_MONOTONIC, as clock.h's deadlines */
	char held[CLAIMS_MAX][E164_BUFSIZE]; /* "" = free slot */
};

/* Set up / tear down C (embedded in its owner). */
void claims_init(struct claims *c);
void claims_destroy(struct claims *c);

/* Claim DIGITS, waiting while it is claimed (or every slot is taken) until
 * DEADLINE (clock_now_ms() milliseconds).  Returns 0 with *SLOT set for
 * claims_release(), or -ETIMEDOUT.  Thread-safe. */
int claims_take(struct claims *c, const char *digits, int64_t deadline, int *slot);

/* End the claim in SLOT and wake the waiters.  Thread-safe. */
void claims_release(struct claims *c, int slot);

#endif

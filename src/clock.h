/* clock.h — monotonic milliseconds and deadlines.  Every operation that may
 * reach the API carries an absolute deadline on this clock. */
#ifndef VOBIZFS_CLOCK_H
#define VOBIZFS_CLOCK_H

#include <stdint.h>

/* Milliseconds on CLOCK_MONOTONIC.  Thread-safe. */
int64_t clock_now_ms(void);

/* The deadline SECONDS from now. */
int64_t clock_deadline_in(unsigned seconds);

/* Milliseconds left until DEADLINE (never negative). */
int64_t clock_left_ms(int64_t deadline);

/* Sleep MS milliseconds, or until DEADLINE if that comes first.
 * Returns 0, or -ETIMEDOUT when the deadline cut the sleep short. */
int clock_sleep_until(int64_t ms, int64_t deadline);

#endif

/* clock.c — monotonic time for deadlines and backoff. */
#include "clock.h"

#include <errno.h>
#include <time.h>

int64_t clock_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t clock_deadline_in(unsigned seconds)
{
	return clock_now_ms() + (int64_t)seconds * 1000;
}

int64_t clock_left_ms(int64_t deadline)
{
	int64_t left = deadline - clock_now_ms();

	return left > 0 ? left : 0;
}

int clock_sleep_until(int64_t ms, int64_t deadline)
{
	int64_t left = clock_left_ms(deadline);
	int cut = ms > left;
	struct timespec ts;

	if (cut)
		ms = left;
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000;
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
	return cut ? -ETIMEDOUT : 0;
}

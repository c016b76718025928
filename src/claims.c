/* claims.c — a small table of the numbers being changed, under one lock. */
#include "claims.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

void claims_init(struct claims *c)
{
	pthread_condattr_t attr;

	memset(c->held, 0, sizeof(c->held));
	pthread_mutex_init(&c->lock, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&c->done, &attr);
	pthread_condattr_destroy(&attr);
}

void claims_destroy(struct claims *c)
{
	pthread_cond_destroy(&c->done);
	pthread_mutex_destroy(&c->lock);
}

static int find_slot(const struct claims *c, const char *digits)
{
	for (int i = 0; i < CLAIMS_MAX; i++)
		if (!strcmp(c->held[i], digits))
			return i;
	return -1;
}

int claims_take(struct claims *c, const char *digits, int64_t deadline, int *slot)
{
	struct timespec ts = { .tv_sec = deadline / 1000, .tv_nsec = (deadline % 1000) * 1000000 };
	int ret = 0;

	pthread_mutex_lock(&c->lock);
	while (find_slot(c, digits) >= 0 || (*slot = find_slot(c, "")) < 0) {
		if (pthread_cond_timedwait(&c->done, &c->lock, &ts) == ETIMEDOUT) {
			ret = -ETIMEDOUT;
			break;
		}
	}
	if (ret == 0)
		snprintf(c->held[*slot], E164_BUFSIZE, "%s", digits);
	pthread_mutex_unlock(&c->lock);
	return ret;
}

void claims_release(struct claims *c, int slot)
{
	pthread_mutex_lock(&c->lock);
	c->held[slot][0] = '\0';
	pthread_cond_broadcast(&c->done);
	pthread_mutex_unlock(&c->lock);
}

/* Interruptible waits on one condition variable (monotonic clock), with a
 * generation counter so a release ends only the waits whose ticket predates it. */
#include "stall.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

struct stall_board {
	pthread_mutex_t lock;
	pthread_cond_t changed;
	unsigned long generation; /* bumped by every release */
	bool closing;
};

int stall_board_create(struct stall_board **out)
{
	struct stall_board *b = calloc(1, sizeof(*b));
	pthread_condattr_t attr;

	if (!b)
		return -ENOMEM;
	pthread_mutex_init(&b->lock, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&b->changed, &attr);
	pthread_condattr_destroy(&attr);
	*out = b;
	return 0;
}

void stall_board_destroy(struct stall_board *b)
{
	if (!b)
		return;
	pthread_cond_destroy(&b->changed);
	pthread_mutex_destroy(&b->lock);
	free(b);
}

unsigned long stall_ticket(struct stall_board *b)
{
	pthread_mutex_lock(&b->lock);
	unsigned long ticket = b->generation;
	pthread_mutex_unlock(&b->lock);
	return ticket;
}

enum stall_end stall_wait(struct stall_board *b, unsigned long ticket, long ms, bool end_on_release)
{
	struct timespec deadline;
	enum stall_end end = STALL_TIMEOUT;

	clock_gettime(CLOCK_MONOTONIC, &deadline);
	if (ms >= 0) {
		deadline.tv_sec += ms / 1000;
		deadline.tv_nsec += (ms % 1000) * 1000000L;
		if (deadline.tv_nsec >= 1000000000L) {
			deadline.tv_sec++;
			deadline.tv_nsec -= 1000000000L;
		}
	}
	pthread_mutex_lock(&b->lock);
	for (;;) {
		if (b->closing) {
			end = STALL_CLOSING;
			break;
		}
		if (end_on_release && b->generation != ticket) {
			end = STALL_RELEASED;
			break;
		}
		int rc = ms < 0 ? pthread_cond_wait(&b->changed, &b->lock)
				: pthread_cond_timedwait(&b->changed, &b->lock, &deadline);
		if (rc == ETIMEDOUT)
			break;
	}
	pthread_mutex_unlock(&b->lock);
	return end;
}

void stall_release_all(struct stall_board *b)
{
	pthread_mutex_lock(&b->lock);
	b->generation++;
	pthread_cond_broadcast(&b->changed);
	pthread_mutex_unlock(&b->lock);
}

void stall_set_closing(struct stall_board *b, bool closing)
{
	pthread_mutex_lock(&b->lock);
	b->closing = closing;
	pthread_cond_broadcast(&b->changed);
	pthread_mutex_unlock(&b->lock);
}

/* budget.c — the rolling hour of releases: the "release" lines of the state
 * journal within the last hour, less those given back. */
#include "budget.h"

#include "state.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct budget {
	struct state *state;
	unsigned max;
};

struct budget *budget_new(struct state *state, unsigned max_per_hour)
{
	struct budget *b = calloc(1, sizeof(*b));

	if (!b)
		return NULL;
	b->state = state;
	b->max = max_per_hour;
	return b;
}

void budget_free(struct budget *b)
{
	free(b);
}

/* A slot counts from its release to an hour later; one from more than an
 * hour ahead (a clock set back) counts not at all. */
static bool in_window(int64_t when, int64_t now)
{
	return when > now - BUDGET_WINDOW_MS && when <= now + BUDGET_WINDOW_MS;
}

static unsigned count_recent(const struct state_records *slots, int64_t now)
{
	unsigned used = 0;

	for (size_t i = 0; i < slots->count; i++)
		used += in_window(slots->v[i].when_ms, now);
	return used;
}

static int by_time(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* The slot whose expiry brings the count below MAX (more slots than MAX are
 * counted when the limit was lowered, or another mount has a higher one).
 * -1 when out of memory (then: an hour from NOW). */
static int64_t frees_with(const struct state_records *slots, unsigned used, unsigned max, int64_t now)
{
	int64_t *when = malloc(used * sizeof(*when)), at;
	size_t n = 0;

	if (!when)
		return now;
	for (size_t i = 0; i < slots->count; i++)
		if (in_window(slots->v[i].when_ms, now))
			when[n++] = slots->v[i].when_ms;
	qsort(when, n, sizeof(*when), by_time);
	at = when[n - max];
	free(when);
	return at;
}

struct take {
	unsigned max;
	int64_t now;
	int64_t oldest; /* out: the slot whose expiry frees a release */
};

static int check_room(const struct state_view *view, void *arg)
{
	struct take *t = arg;
	unsigned used;

	if (t->max == 0)
		return 0;
	used = count_recent(&view->slots, t->now);
	if (used < t->max)
		return 0;
	t->oldest = frees_with(&view->slots, used, t->max, t->now);
	return -EDQUOT;
}

int budget_take(struct budget *b, const char *digits, int64_t *ticket, time_t *frees_at)
{
	struct take t = { .max = b->max, .now = state_now_ms(), .oldest = -1 };
	int ret;

	*ticket = 0;
	ret = state_begin_release(b->state, digits, t.now, b->max != 0, check_room, &t);
	if (ret == -EDQUOT)
		*frees_at = (time_t)((t.oldest + BUDGET_WINDOW_MS + 999) / 1000);
	else if (ret == 0 && b->max != 0)
		*ticket = t.now;
	else if (ret && ret != -ENOMEM)
		ret = -EIO;
	return ret;
}

void budget_give_back(struct budget *b, const char *digits, int64_t ticket)
{
	if (b->max != 0 && ticket != 0)
		state_give_back(b->state, digits, ticket);
}

static int read_usage(const struct state_view *view, void *arg)
{
	unsigned *used = arg;

	*used = count_recent(&view->slots, state_now_ms());
	return 0;
}

int budget_usage(struct budget *b, unsigned *used, unsigned *limit)
{
	*limit = b->max;
	*used = 0;
	if (b->max == 0)
		return 0;
	return state_read(b->state, read_usage, used) ? -EIO : 0;
}

/* budget.c — the rolling hour of releases, one record per release taken. */
#include "budget.h"

#include "state.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BUDGET_FILE "budget"

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

/* Drop the records older than the window; returns 1 when any was dropped. */
static int forget_old(struct state_records *recs, int64_t now)
{
	size_t before = recs->count;

	for (size_t i = recs->count; i-- > 0;)
		if (recs->v[i].when_ms <= now - BUDGET_WINDOW_MS || recs->v[i].when_ms > now + BUDGET_WINDOW_MS)
			state_records_remove(recs, i); /* a record from the future: a clock set back */
	return recs->count != before;
}

static int by_time(const void *a, const void *b)
{
	int64_t x = ((const struct state_record *)a)->when_ms, y = ((const struct state_record *)b)->when_ms;

	return (x > y) - (x < y);
}

/* The record whose expiry brings the count below MAX (more records than MAX
 * are kept when the limit was lowered, or another mount has a higher one). */
static int64_t frees_with(struct state_records *recs, unsigned max)
{
	qsort(recs->v, recs->count, sizeof(*recs->v), by_time);
	return recs->v[recs->count - max].when_ms;
}

struct take {
	unsigned max;
	const char *digits;
	int64_t now;
	int64_t oldest; /* out: the record whose expiry frees a release */
};

static int take_one(struct state_records *recs, void *arg)
{
	struct take *t = arg;
	struct state_record r = { .when_ms = t->now, .action = "release" };
	int changed = forget_old(recs, t->now), ret;

	if (recs->count >= t->max) {
		t->oldest = frees_with(recs, t->max);
		return changed ? 1 : -EDQUOT; /* the refusal is reported after the write */
	}
	snprintf(r.number, sizeof(r.number), "%s", t->digits);
	if ((ret = state_records_append(recs, &r)))
		return ret;
	t->oldest = -1;
	return 1;
}

int budget_take(struct budget *b, const char *digits, int64_t *ticket, time_t *frees_at)
{
	struct take t = { .max = b->max, .digits = digits, .now = state_now_ms(), .oldest = -1 };
	int ret;

	*ticket = 0;
	if (b->max == 0)
		return 0;
	ret = state_edit(b->state, BUDGET_FILE, take_one, &t);
	if (ret == 0 && t.oldest >= 0)
		ret = -EDQUOT;
	if (ret == -EDQUOT)
		*frees_at = (time_t)((t.oldest + BUDGET_WINDOW_MS + 999) / 1000);
	else if (ret == 0)
		*ticket = t.now;
	else if (ret != -ENOMEM)
		ret = -EIO;
	return ret;
}

struct give_back {
	const char *digits;
	int64_t ticket;
};

static int give_one(struct state_records *recs, void *arg)
{
	const struct give_back *g = arg;

	for (size_t i = 0; i < recs->count; i++)
		if (recs->v[i].when_ms == g->ticket && !strcmp(recs->v[i].number, g->digits)) {
			state_records_remove(recs, i);
			return 1;
		}
	return 0;
}

void budget_give_back(struct budget *b, const char *digits, int64_t ticket)
{
	struct give_back g = { .digits = digits, .ticket = ticket };

	if (b->max != 0 && ticket != 0)
		state_edit(b->state, BUDGET_FILE, give_one, &g);
}

/* Count the records of the last hour; the file is left as it is (a read
 * for .status must not write). */
static int count_recent(struct state_records *recs, void *arg)
{
	unsigned *used = arg;
	int64_t now = state_now_ms();

	*used = 0;
	for (size_t i = 0; i < recs->count; i++)
		if (recs->v[i].when_ms > now - BUDGET_WINDOW_MS && recs->v[i].when_ms <= now + BUDGET_WINDOW_MS)
			(*used)++;
	return 0;
}

int budget_usage(struct budget *b, unsigned *used, unsigned *limit)
{
	*limit = b->max;
	*used = 0;
	if (b->max == 0)
		return 0;
	return state_edit(b->state, BUDGET_FILE, count_recent, used) ? -EIO : 0;
}

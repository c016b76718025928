/* gate.c — counting admission, per uid and in all, under one short lock. */
#include "gate.h"

#include "clock.h"
#include "log.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

/* The places one uid holds. */
struct share {
	uid_t uid;
	unsigned held; /* 0 = free slot */
};

struct gate {
	unsigned total, per_user;
	pthread_mutex_t lock; /* guards everything below */
	unsigned in_use;
	int64_t warned_at;     /* clock_now_ms() of the last refusal logged */
	struct share shares[]; /* TOTAL slots: each place is held by one uid */
};

struct gate *gate_new(unsigned total, unsigned per_user)
{
	struct gate *g;

	if (total == 0 || per_user == 0)
		return NULL;
	g = calloc(1, sizeof(*g) + total * sizeof(g->shares[0]));
	if (!g)
		return NULL;
	g->total = total;
	g->per_user = per_user;
	g->warned_at = -60000;
	pthread_mutex_init(&g->lock, NULL);
	return g;
}

void gate_free(struct gate *g)
{
	if (!g)
		return;
	pthread_mutex_destroy(&g->lock);
	free(g);
}

static struct share *share_of(struct gate *g, uid_t uid, bool create)
{
	struct share *free_slot = NULL;

	for (unsigned i = 0; i < g->total; i++) {
		if (g->shares[i].held && g->shares[i].uid == uid)
			return &g->shares[i];
		if (!g->shares[i].held && !free_slot)
			free_slot = &g->shares[i];
	}
	if (create && free_slot)
		free_slot->uid = uid;
	return create ? free_slot : NULL;
}

int gate_enter(struct gate *g, uid_t uid)
{
	struct share *s;
	int ret = 0;
	bool warn = false;

	pthread_mutex_lock(&g->lock);
	s = g->in_use < g->total ? share_of(g, uid, true) : NULL;
	if (!s || s->held >= g->per_user) {
		ret = -EAGAIN;
		if (clock_now_ms() - g->warned_at >= 60000) {
			g->warned_at = clock_now_ms();
			warn = true;
		}
	} else {
		s->held++;
		g->in_use++;
	}
	pthread_mutex_unlock(&g->lock);
	if (warn)
		log_warn("%u operations are waiting on the API (at most %u, %u per user); refusing more with EAGAIN "
			 "so that answers from memory stay immediate",
			 g->in_use, g->total, g->per_user);
	return ret;
}

void gate_leave(struct gate *g, uid_t uid)
{
	struct share *s;

	pthread_mutex_lock(&g->lock);
	s = share_of(g, uid, false);
	if (s && s->held) {
		s->held--;
		g->in_use--;
	}
	pthread_mutex_unlock(&g->lock);
}

unsigned gate_in_use(struct gate *g)
{
	unsigned n;

	pthread_mutex_lock(&g->lock);
	n = g->in_use;
	pthread_mutex_unlock(&g->lock);
	return n;
}

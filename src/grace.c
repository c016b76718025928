/* grace.c — the grace queue.  The store holds the queue (shared by every
 * mount of the account, and across crashes); this module keeps a copy of it
 * in memory for the tree and .status, reads it again every GRACE_POLL_MS,
 * and runs the senders: each claims a due release in the store (one mount
 * wins) and hands it to the releaser, which keeps every exactly-once rule. */
#include "grace.h"

#include "catalog.h"
#include "clock.h"
#include "config.h"
#include "log.h"
#include "release.h"
#include "timefmt.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_SENDERS 64
/* A release whose claim or look failed on the store's side is tried again
 * this much later, not in a loop. */
#define RETRY_MS 5000

struct entry {
	struct store_queued q;
	bool sending;       /* claimed (or being claimed) by one of our senders */
	int64_t not_before; /* wall ms: a failed attempt's retry time */
};

struct grace {
	const struct config *cfg;
	struct catalog *catalog;
	struct releaser *releaser;
	struct store *store;
	struct audit *audit;

	pthread_mutex_t lock; /* guards everything below */
	pthread_cond_t wake;
	struct entry *v; /* the queue as this mount knows it */
	size_t n, cap;
	/* Bumped by every change this mount makes to the queue: a read of the
	 * store begun before one is not merged (it would undo it). */
	uint64_t gen;
	bool polling;
	int64_t next_poll; /* clock_now_ms() */
	bool stop;
	int64_t started_wall; /* releases due before this waited while no mount ran */

	pthread_t threads[MAX_SENDERS];
	unsigned nthreads;

	atomic_ulong sent, refused, cancelled, dropped;
};

static int64_t wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void format_wall(int64_t ms, char buf[32])
{
	timefmt_format_utc((time_t)(ms / 1000), buf, 32);
}

static const struct caller *caller_of(const struct store_queued *q, struct caller *c)
{
	*c = (struct caller){ .uid = q->uid, .pid = q->pid };
	snprintf(c->comm, sizeof(c->comm), "%s", q->comm);
	return c;
}

struct grace *grace_new(const struct config *cfg, struct catalog *catalog, struct releaser *releaser,
			struct store *store, struct audit *audit)
{
	struct grace *g = calloc(1, sizeof(*g));
	pthread_condattr_t attr;

	if (!g)
		return NULL;
	g->cfg = cfg;
	g->catalog = catalog;
	g->releaser = releaser;
	g->store = store;
	g->audit = audit;
	pthread_mutex_init(&g->lock, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&g->wake, &attr);
	pthread_condattr_destroy(&attr);
	return g;
}

void grace_free(struct grace *g)
{
	if (!g)
		return;
	free(g->v);
	pthread_cond_destroy(&g->wake);
	pthread_mutex_destroy(&g->lock);
	free(g);
}

/* Under the lock. */
static struct entry *find(struct grace *g, const char *digits)
{
	for (size_t i = 0; i < g->n; i++)
		if (!strcmp(g->v[i].q.number, digits))
			return &g->v[i];
	return NULL;
}

static void forget(struct grace *g, const char *digits)
{
	struct entry *e = find(g, digits);

	if (e)
		*e = g->v[--g->n];
}

static int add(struct grace *g, const struct store_queued *q)
{
	if (g->n == g->cap) {
		size_t cap = g->cap ? g->cap * 2 : 32;
		struct entry *grown = realloc(g->v, cap * sizeof(*grown));

		if (!grown)
			return -ENOMEM;
		g->v = grown;
		g->cap = cap;
	}
	g->v[g->n++] = (struct entry){ .q = *q };
	return 0;
}

/* Show DIGITS in releasing/ (or by its status again). */
static void show_releasing(struct grace *g, const char *digits, bool releasing)
{
	if (catalog_set_releasing(g->catalog, digits, releasing))
		log_error("release of %s: out of memory: the number may not show in releasing/", digits);
}

/* Read the store's queue and take in what other mounts changed: their new
 * entries show in releasing/; entries gone (sent or cancelled elsewhere)
 * show by their record again, and the listing is read again to learn which. */
static void poll_store(struct grace *g)
{
	struct store_queued *list = NULL;
	size_t count = 0;
	char(*shown)[E164_BUFSIZE] = NULL, (*gone)[E164_BUFSIZE] = NULL;
	size_t nshown = 0, ngone = 0;
	uint64_t gen;
	int ret;

	pthread_mutex_lock(&g->lock);
	gen = g->gen;
	pthread_mutex_unlock(&g->lock);
	ret = store_queue_list(g->store, &list, &count, clock_deadline_in(g->cfg->timeout_s));
	if (ret) {
		log_warn("grace queue: the store could not be read (%s); trying again", strerror(-ret));
		return;
	}
	pthread_mutex_lock(&g->lock);
	if (gen != g->gen) /* changed meanwhile: the next read merges */
		goto out;
	shown = calloc(count + 1, E164_BUFSIZE);
	gone = calloc(g->n + 1, E164_BUFSIZE);
	if (!shown || !gone)
		goto out;
	for (size_t i = 0; i < count; i++)
		if (!find(g, list[i].number) && add(g, &list[i]) == 0)
			memcpy(shown[nshown++], list[i].number, E164_BUFSIZE);
	for (size_t i = 0; i < g->n;) {
		bool listed = false;

		for (size_t j = 0; j < count && !listed; j++)
			listed = !strcmp(list[j].number, g->v[i].q.number);
		if (listed || g->v[i].sending) {
			i++;
			continue;
		}
		memcpy(gone[ngone++], g->v[i].q.number, E164_BUFSIZE);
		g->v[i] = g->v[--g->n];
	}
	pthread_cond_broadcast(&g->wake);
out:
	pthread_mutex_unlock(&g->lock);
	for (size_t i = 0; i < nshown; i++)
		show_releasing(g, shown[i], true);
	for (size_t i = 0; i < ngone; i++) {
		log_info("release of %s: no longer queued (sent or cancelled by another mount of the account)",
			 gone[i]);
		show_releasing(g, gone[i], false);
	}
	if (ngone)
		catalog_invalidate(g->catalog);
	free(shown);
	free(gone);
	free(list);
}

/* The store's side of a queued release's outcome: the releaser recorded
 * what it learnt (settled or doubtful); a release that provably released
 * nothing gives its slot back, and its claim's unsettled mark goes. */
static void record_result(struct grace *g, const char *digits, int64_t ticket, const struct release_result *res)
{
	int64_t deadline = clock_deadline_in(g->cfg->timeout_s);
	int ret;

	if (!res->nothing_released)
		return;
	if ((ret = store_give_back(g->store, ticket, deadline)))
		log_warn("release of %s: its budget slot could not be given back (%s)", digits, strerror(-ret));
	if ((ret = store_settle(g->store, digits, deadline)))
		log_warn("release of %s: its outcome could not be recorded in the store (%s); the next mount looks it "
			 "up in the listing",
			 digits, strerror(-ret));
}

/* Is DIGITS held, as the listing shows it (releasing/ or numbers/)? */
static bool held(struct grace *g, const char *digits)
{
	struct catalog_filter releasing = { .status = NUMBER_RELEASING }, active = { .status = NUMBER_ACTIVE };
	struct number_info info;

	return catalog_find(g->catalog, digits, &releasing, &info) == 0 ||
	       catalog_find(g->catalog, digits, &active, &info) == 0;
}

/* The grace of Q ended: claim it and send it.  Returns 0 when it left the
 * queue, or a negative errno when it stays (tried again later). */
static int send_one(struct grace *g, const struct store_queued *q)
{
	int64_t deadline = clock_deadline_in(g->cfg->timeout_s), ticket = 0;
	const char *digits = q->number;
	struct release_result res;
	struct caller caller;
	char queued[32], due[32];
	int ret, look;

	caller_of(q, &caller);
	format_wall(q->queued_wall_ms, queued);
	format_wall(q->due_wall_ms, due);
	if (!held(g, digits)) {
		if ((ret = store_queue_drop(g->store, digits, deadline)) && ret != -ENOENT)
			return ret;
		log_warn("release of %s (queued at %s by %s, pid %d) dropped: the listing no longer shows it held; "
			 "nothing sent",
			 digits, queued, q->comm, (int)q->pid);
		audit_outcome(g->audit, "release", digits, &caller, false, 0, -ENOENT,
			      "grace ended: the number is no longer held; dropped, nothing sent");
		atomic_fetch_add(&g->dropped, 1);
		show_releasing(g, digits, false);
		return 0;
	}
	if ((look = store_needs_look(g->store, digits, deadline)) < 0)
		return look;
	ret = store_queue_claim(g->store, digits, deadline, &ticket);
	if (ret == -ENOENT) { /* another mount sends it, or it was cancelled */
		show_releasing(g, digits, false);
		catalog_invalidate(g->catalog);
		return 0;
	}
	if (ret)
		return ret;
	if (q->due_wall_ms < g->started_wall)
		log_info("release of %s (queued at %s by %s, pid %d) fell due at %s while no mount ran; the listing "
			 "shows it still held: sending it now",
			 digits, queued, q->comm, (int)q->pid, due);
	ret = release_send_queued(g->releaser, digits, &caller, look == 1, deadline, &res);
	record_result(g, digits, ticket, &res);
	if (ret == 0) {
		atomic_fetch_add(&g->sent, 1);
	} else if (res.nothing_released && ret != -ENOENT) {
		char answer[64];

		if (res.http_status)
			snprintf(answer, sizeof(answer), "HTTP %ld", res.http_status);
		else
			snprintf(answer, sizeof(answer), "%s", strerror(-ret));
		atomic_fetch_add(&g->refused, 1);
		log_warn("release of %s at the end of its grace was refused (%s: %s); it is back in numbers/ and is "
			 "not sent again",
			 digits, answer, res.message[0] ? res.message : "no message");
	} else if (ret == -ENOENT) {
		atomic_fetch_add(&g->dropped, 1);
		log_warn("release of %s: the API does not know the number (%s); the listing is read again: if it "
			 "still shows the number, it is back in numbers/",
			 digits, res.message[0] ? res.message : "not found");
		catalog_invalidate(g->catalog);
	} else {
		log_warn("release of %s at the end of its grace: %s (%s); not sent again", digits, strerror(-ret),
			 res.message[0] ? res.message : "outcome unknown");
	}
	show_releasing(g, digits, false);
	return 0;
}

/* The soonest entry none of our senders has, or NULL.  Under the lock. */
static struct entry *soonest(struct grace *g)
{
	struct entry *best = NULL;

	for (size_t i = 0; i < g->n; i++) {
		struct entry *e = &g->v[i];
		int64_t at = e->q.due_wall_ms > e->not_before ? e->q.due_wall_ms : e->not_before;

		if (e->sending)
			continue;
		if (!best || at < (best->q.due_wall_ms > best->not_before ? best->q.due_wall_ms : best->not_before))
			best = e;
	}
	return best;
}

static void wait_ms(struct grace *g, int64_t ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (ms % 1000) * 1000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	pthread_cond_timedwait(&g->wake, &g->lock, &ts);
}

/* A sender: sends what fell due, one at a time; whichever sender finds the
 * poll due reads the store. */
static void *sender_main(void *arg)
{
	struct grace *g = arg;

	pthread_mutex_lock(&g->lock);
	while (!g->stop) {
		int64_t now = wall_ms(), mono = clock_now_ms(), wait, at;
		struct entry *e;

		if (!g->polling && mono >= g->next_poll) {
			g->polling = true;
			pthread_mutex_unlock(&g->lock);
			poll_store(g);
			pthread_mutex_lock(&g->lock);
			g->polling = false;
			g->next_poll = clock_now_ms() + GRACE_POLL_MS;
			continue;
		}
		wait = g->polling ? GRACE_POLL_MS : g->next_poll - mono;
		e = soonest(g);
		if (e) {
			at = e->q.due_wall_ms > e->not_before ? e->q.due_wall_ms : e->not_before;
			if (at <= now) {
				struct store_queued q = e->q;
				int ret;

				e->sending = true;
				pthread_mutex_unlock(&g->lock);
				ret = send_one(g, &q);
				pthread_mutex_lock(&g->lock);
				if ((e = find(g, q.number))) {
					e->sending = false;
					if (ret == 0) {
						forget(g, q.number);
						g->gen++;
					} else {
						e->not_before = wall_ms() + RETRY_MS;
						log_warn("release of %s: the store did not answer (%s); tried again "
							 "in %d s",
							 q.number, strerror(-ret), RETRY_MS / 1000);
					}
				}
				continue;
			}
			if (at - now < wait)
				wait = at - now;
		}
		wait_ms(g, wait > 0 ? wait : 1);
	}
	pthread_mutex_unlock(&g->lock);
	return NULL;
}

/* Settle the releases a crash cut off after they were claimed (the store
 * marks them unsettled), from the listing just read: never sent again. */
static int settle_claimed(struct grace *g)
{
	const struct caller self = { .uid = getuid(), .pid = getpid(), .comm = "vobizfs" };
	struct catalog_filter pending = { .status = NUMBER_PENDING_RELEASE };
	int64_t deadline = clock_deadline_in(g->cfg->timeout_s);
	struct store_unsettled *list = NULL;
	struct number_info info;
	size_t count = 0;
	int ret;

	if ((ret = store_list_unsettled(g->store, &list, &count, deadline)))
		return ret;
	for (size_t i = 0; i < count; i++) {
		const char *digits = list[i].number;
		const char *outcome = "settled at mount: released";
		int err = 0;

		if (held(g, digits)) {
			outcome = "settled at mount: still held";
			err = -EIO;
			ret = store_mark_doubtful(g->store, digits, deadline);
		} else {
			if (catalog_find(g->catalog, digits, &pending, &info) == 0)
				outcome = "settled at mount: pending_release";
			ret = store_settle(g->store, digits, deadline);
		}
		log_warn("an earlier release of %s was cut off (intent at %lld ms); %s%s", digits,
			 (long long)list[i].began_wall_ms, outcome,
			 err ? "; it is not sent again, and its next release looks first" : "");
		audit_outcome(g->audit, "release", digits, &self, false, 0, err, outcome);
		if (ret)
			break;
	}
	free(list);
	return ret;
}

int grace_start(struct grace *g)
{
	struct store_queued *list = NULL;
	size_t count = 0, due = 0;
	int ret;

	g->started_wall = wall_ms();
	if (!g->cfg->read_only && (ret = settle_claimed(g)))
		return ret;
	if ((ret = store_queue_list(g->store, &list, &count, clock_deadline_in(g->cfg->timeout_s))))
		return ret;
	pthread_mutex_lock(&g->lock);
	for (size_t i = 0; i < count && ret == 0; i++) {
		ret = add(g, &list[i]);
		due += list[i].due_wall_ms <= g->started_wall;
	}
	g->next_poll = clock_now_ms() + GRACE_POLL_MS;
	pthread_mutex_unlock(&g->lock);
	for (size_t i = 0; i < count && ret == 0; i++)
		show_releasing(g, list[i].number, true);
	free(list);
	if (ret)
		return ret;
	if (count && g->cfg->read_only)
		log_warn("%zu release%s wait%s in the grace queue (%zu due); this mount is read-only and sends none",
			 count, count == 1 ? "" : "s", count == 1 ? "s" : "", due);
	else if (count)
		log_info("%zu release%s wait%s in the grace queue (%zu due now: sent once the listing shows the number "
			 "still held)",
			 count, count == 1 ? "" : "s", count == 1 ? "s" : "", due);
	if (g->cfg->read_only)
		return 0;
	for (unsigned i = 0; i < g->cfg->parallel && i < MAX_SENDERS; i++) {
		if (pthread_create(&g->threads[i], NULL, sender_main, g))
			break;
		g->nthreads++;
	}
	if (!g->nthreads) {
		log_error("grace queue: no sender thread could be started");
		return -EAGAIN;
	}
	return 0;
}

void grace_stop(struct grace *g)
{
	size_t waiting;

	if (!g)
		return;
	pthread_mutex_lock(&g->lock);
	g->stop = true;
	pthread_cond_broadcast(&g->wake);
	pthread_mutex_unlock(&g->lock);
	for (unsigned i = 0; i < g->nthreads; i++)
		pthread_join(g->threads[i], NULL);
	g->nthreads = 0;
	pthread_mutex_lock(&g->lock);
	waiting = g->n;
	pthread_mutex_unlock(&g->lock);
	if (waiting)
		log_info("%zu release%s wait%s in the grace queue; the next mount of the account sends %s when due",
			 waiting, waiting == 1 ? "" : "s", waiting == 1 ? "s" : "", waiting == 1 ? "it" : "them");
}

int grace_queue(struct grace *g, const char *digits, const struct caller *caller, int64_t deadline)
{
	struct store_queued q = { .uid = caller->uid, .pid = caller->pid };
	char due[32], why[160];
	time_t frees_at = 0;
	int64_t ticket;
	int ret;

	if ((ret = release_check(g->releaser, digits, caller)))
		return ret > 0 ? 0 : ret;
	snprintf(q.number, sizeof(q.number), "%s", digits);
	snprintf(q.comm, sizeof(q.comm), "%s", caller->comm);
	q.queued_wall_ms = wall_ms();
	q.due_wall_ms = q.queued_wall_ms + (int64_t)g->cfg->grace_s * 1000;
	ret = store_queue_add(g->store, &q, deadline, &ticket, &frees_at);
	if (ret == -EEXIST)
		return -ENOENT; /* queued a moment ago: in releasing/ already */
	if (ret) {
		snprintf(why, sizeof(why), "the grace queue in state_dir could not record it (%s); nothing queued",
			 strerror(-ret));
		return release_refuse(g->releaser, digits, caller, ret, why, frees_at);
	}
	q.ticket = ticket;
	format_wall(q.due_wall_ms, due);
	if (audit_outcome(g->audit, "release-queued", digits, caller, false, 0, 0, due)) {
		store_queue_cancel(g->store, digits, deadline);
		return release_refuse(g->releaser, digits, caller, -EIO, "the audit log could not record it", 0);
	}
	pthread_mutex_lock(&g->lock);
	ret = add(g, &q);
	g->gen++;
	pthread_cond_broadcast(&g->wake);
	pthread_mutex_unlock(&g->lock);
	if (ret)
		log_error("release of %s: out of memory: queued, but this mount may not show it", digits);
	show_releasing(g, digits, true);
	log_info("release of %s queued: the DELETE is sent at %s unless cancelled with mv releasing/%s numbers/ "
		 "(requested by %s, pid %d); until then the number is held, takes calls and is billed",
		 digits, due, digits, caller->comm, (int)caller->pid);
	return 0;
}

int grace_cancel(struct grace *g, const char *digits, const struct caller *caller, int64_t deadline)
{
	bool known;
	int ret;

	if (g->cfg->read_only)
		return -EROFS;
	pthread_mutex_lock(&g->lock);
	known = find(g, digits) != NULL;
	pthread_mutex_unlock(&g->lock);
	if (!known)
		return -ENOENT;
	ret = store_queue_cancel(g->store, digits, deadline);
	if (ret == -ENOENT)
		return -EBUSY; /* claimed: its DELETE is being sent */
	if (ret) {
		log_warn("cancel of the queued release of %s: the store could not record it (%s); it stays queued",
			 digits, strerror(-ret));
		return ret;
	}
	pthread_mutex_lock(&g->lock);
	forget(g, digits);
	g->gen++;
	pthread_mutex_unlock(&g->lock);
	show_releasing(g, digits, false);
	atomic_fetch_add(&g->cancelled, 1);
	audit_outcome(g->audit, "release-cancelled", digits, caller, false, 0, 0,
		      "queued release cancelled; nothing was sent");
	log_info("queued release of %s cancelled by %s (pid %d); nothing was sent, the number is back in numbers/",
		 digits, caller->comm, (int)caller->pid);
	return 0;
}

int grace_find(struct grace *g, const char *digits, struct store_queued *out)
{
	struct entry *e;

	pthread_mutex_lock(&g->lock);
	e = find(g, digits);
	if (e)
		*out = e->q;
	pthread_mutex_unlock(&g->lock);
	return e ? 0 : -ENOENT;
}

void grace_stats(struct grace *g, struct grace_stats *out)
{
	*out = (struct grace_stats){ 0 };
	if (!g)
		return;
	pthread_mutex_lock(&g->lock);
	out->queued = (unsigned)g->n;
	for (size_t i = 0; i < g->n; i++)
		if (!out->next_due_wall_ms || g->v[i].q.due_wall_ms < out->next_due_wall_ms)
			out->next_due_wall_ms = g->v[i].q.due_wall_ms;
	pthread_mutex_unlock(&g->lock);
	out->sent = atomic_load(&g->sent);
	out->refused = atomic_load(&g->refused);
	out->cancelled = atomic_load(&g->cancelled);
	out->dropped = atomic_load(&g->dropped);
}

#define XATTR_DUE "user.vobiz.release_due"
#define XATTR_BY "user.vobiz.release_requested_by"

static ssize_t put(const char *text, size_t len, char *out, size_t size)
{
	if (size == 0)
		return (ssize_t)len;
	if (size < len)
		return -ERANGE;
	memcpy(out, text, len);
	return (ssize_t)len;
}

ssize_t grace_xattr_get(struct grace *g, const char *digits, const char *name, char *value, size_t size)
{
	struct store_queued q;
	char text[96];

	if (!g || grace_find(g, digits, &q))
		return -ENODATA;
	if (!strcmp(name, XATTR_DUE))
		format_wall(q.due_wall_ms, text);
	else if (!strcmp(name, XATTR_BY))
		snprintf(text, sizeof(text), "%s (pid %d, uid %u)", q.comm[0] ? q.comm : "?", (int)q.pid,
			 (unsigned)q.uid);
	else
		return -ENODATA;
	return put(text, strlen(text), value, size);
}

ssize_t grace_xattr_list(struct grace *g, const char *digits, char *list, size_t size)
{
	static const char names[] = XATTR_DUE "\0" XATTR_BY;
	struct store_queued q;

	if (!g || grace_find(g, digits, &q))
		return 0;
	return put(names, sizeof(names), list, size);
}

/* listing.c — the full listing, fetched in parallel and checked for
 * consistency.  Offset pagination shifts when numbers come or go mid-read;
 * a changed "total", a page of the wrong size or a number seen twice is how
 * we notice, and we start over.  What the API claims is bounded before it is
 * used, and sizes nothing.
 *
 * Worker threads ask for pages as fast as the pace allows (pace.h); the
 * calling thread collects them in page order as they arrive, copies their
 * numbers into the table (in one thread, so the table is packed in memory)
 * and frees each page at once.  A page is not asked for until the one
 * LISTING_LOOKAHEAD windows before it has been collected, so memory follows
 * the numbers, not the pages. */
#include "listing.h"

#include "clock.h"
#include "log.h"
#include "pace.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define WAIT_TICK_MS 250 /* how often a waiting thread looks at the stop flag */

/* A page that has arrived and waits to be collected. */
struct slot {
	long page; /* 0: empty */
	int err;
	struct list_page data;
};

/* One read of the listing, shared by the workers and the collector. */
struct read {
	struct api *api;
	const struct listing_query *q;
	const struct listing_params *p;

	pthread_mutex_t lock;   /* guards everything below */
	pthread_cond_t arrived; /* for the collector: a page arrived, a worker ended */
	pthread_cond_t room;    /* for the workers: one may ask for a page */
	struct pace pace;
	long per_page, total;
	bool judged;       /* page 1 has been collected: limit is the listing's */
	long limit;        /* no page past this one is asked for or used */
	long next;         /* the next page to ask for */
	long collected;    /* pages 1..collected have been collected */
	unsigned inflight; /* requests being answered */
	unsigned workers;  /* worker threads alive */
	bool done;         /* ask for nothing more */
	struct slot *ring; /* ring[page % ring_size] */
	long ring_size;
	long cap;     /* the last page that may be asked for, whatever "total" says */
	bool changed; /* the pages disagreed: the account changed */
	bool twice;   /* ... or so it seemed: why is one page naming a number twice */
	char why[160];
	char refused[160];          /* why page 1's claims were refused, or "" */
	bool ended_short;           /* the read ended at a short page */
	size_t items;               /* items collected, skipped ones included */
	size_t skipped[LIST_SKIPS]; /* of them, skipped, by reason */
};

static bool stopped(const struct read *r)
{
	return r->p->stop && atomic_load(r->p->stop);
}

/* The read saw the account change; the first reason is kept for the log. */
static void note_change(struct read *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void note_change(struct read *r, const char *fmt, ...)
{
	va_list ap;

	if (r->changed)
		return;
	r->changed = true;
	va_start(ap, fmt);
	vsnprintf(r->why, sizeof(r->why), fmt, ap);
	va_end(ap);
}

/* Ask for no page past PAGE.  Called with the lock held. */
static void end_at(struct read *r, long page)
{
	if (page < r->limit)
		r->limit = page;
}

static void wait_until(struct read *r, pthread_cond_t *cond, int64_t at_ms)
{
	struct timespec ts = { .tv_sec = at_ms / 1000, .tv_nsec = (at_ms % 1000) * 1000000 };

	pthread_cond_timedwait(cond, &r->lock, &ts);
}

/* May a worker ask for another page now?  As many in flight as the pace
 * allows, and none too far ahead of the collector.  Called with the lock
 * held. */
static bool may_ask(const struct read *r, int64_t now)
{
	long window = pace_window(&r->pace);

	return r->inflight < (unsigned)window && r->next <= r->collected + LISTING_LOOKAHEAD * window &&
	       now >= r->pace.resume_at;
}

/* Ask for PAGE: at most page_ms, never past the read's deadline. */
static int ask(struct read *r, long page, long per_page, struct list_page *data, struct api_outcome *how)
{
	int64_t deadline = clock_now_ms() + r->p->page_ms;

	*data = (struct list_page){ 0 };
	*how = (struct api_outcome){ .retry_after_ms = -1 };
	if (deadline > r->p->deadline)
		deadline = r->p->deadline;
	if (clock_left_ms(deadline) <= 0)
		return -ETIMEDOUT; /* however fast the answers come, none is asked for late */
	return api_list_page(r->api, r->q, page, per_page, deadline, data, how);
}

static void *worker(void *arg)
{
	struct read *r = arg;

	pthread_mutex_lock(&r->lock);
	while (!r->done && !stopped(r) && r->next <= r->limit) {
		int64_t now = clock_now_ms(), asked;
		struct api_outcome how;
		struct list_page data;
		struct slot *slot;
		long page, per_page;
		int ret;

		if (!may_ask(r, now)) {
			wait_until(r, &r->room, now < r->pace.resume_at ? r->pace.resume_at : now + WAIT_TICK_MS);
			continue;
		}
		page = r->next++;
		per_page = r->per_page;
		r->inflight++;
		pthread_mutex_unlock(&r->lock);

		asked = clock_now_ms();
		ret = ask(r, page, per_page, &data, &how);
		now = clock_now_ms();

		pthread_mutex_lock(&r->lock);
		r->inflight--;
		slot = &r->ring[page % r->ring_size];
		*slot = (struct slot){ .page = page, .err = ret, .data = data };
		/* Before page 1 is judged, a page may lie past the end: it
		 * says nothing of the pace, and its failure nothing of the
		 * read.  After, a failure fails the read (ask for nothing
		 * more), and an empty page ends it. */
		if (r->judged && page <= r->limit) {
			unsigned window = pace_window(&r->pace);

			pace_answered(&r->pace, now, now - asked, how.rate_limited || how.server_error,
				      how.retry_after_ms);
			if (ret)
				r->done = true;
			else if (data.count + data.skipped == 0)
				end_at(r, page);
			if (pace_window(&r->pace) > window || r->done)
				pthread_cond_broadcast(&r->room); /* more may ask, or none */
		}
		/* This worker asks for the next page itself; only the collector
		 * needs waking. */
		pthread_cond_signal(&r->arrived);
	}
	r->workers--;
	pthread_cond_signal(&r->arrived);
	pthread_mutex_unlock(&r->lock);
	return NULL;
}

/* Start workers until there is one for each request the pace allows in
 * flight, and no more than pages are left to ask for.  Returns 0, or -EAGAIN
 * when no worker is alive and none could be started.  Called with the lock
 * held. */
static int staff(struct read *r)
{
	unsigned want = pace_window(&r->pace);

	if (want > r->pace.ceiling)
		want = r->pace.ceiling;
	while (!r->done && r->workers < want && (long)(r->workers - r->inflight) < r->limit - r->next + 1) {
		pthread_attr_t attr;
		pthread_t thread;
		int err;

		pthread_attr_init(&attr);
		pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
		err = pthread_create(&thread, &attr, worker, r);
		pthread_attr_destroy(&attr);
		if (err)
			break;
		r->workers++;
	}
	return r->workers == 0 && r->next <= r->limit ? -EAGAIN : 0;
}

static const char *listing_name(const struct listing_query *q, char *buf, size_t len)
{
	if (q->country)
		snprintf(buf, len, "the inventory of %s", q->country);
	else if (q->search)
		snprintf(buf, len, "the account's numbers matching %s", q->search);
	else
		snprintf(buf, len, "the account's numbers");
	return buf;
}

/* Page 1's claims are refused: the reason is logged and kept for the
 * caller's own message (a mount that will not start says it). */
static int refuse(struct read *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int refuse(struct read *r, const char *fmt, ...)
{
	char name[96];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->refused, sizeof(r->refused), fmt, ap);
	va_end(ap);
	log_warn("%s: %s", listing_name(r->q, name, sizeof(name)), r->refused);
	return -EIO;
}

/* The most pages Q may take at PER_PAGE a page. */
static long pages_allowed(const struct listing_query *q, long per_page)
{
	long pages = LISTING_MAX_PAGES;

	if (q->max && (long)((q->max + (size_t)per_page - 1) / (size_t)per_page) < pages)
		pages = (long)((q->max + (size_t)per_page - 1) / (size_t)per_page);
	return pages;
}

/* Page 1 has arrived: learn the size of the listing, within bounds, and make
 * room for it in OUT.  Returns 0, or -EIO for a claim vobizfs refuses. */
static int judge_first_page(struct read *r, const struct list_page *first, struct numtab *out)
{
	long per_page = LISTING_PER_PAGE, pages;
	size_t hint;

	if (first->total > LISTING_MAX_TOTAL)
		return refuse(r, "page 1 claims %ld numbers, more than the %ld a listing may hold; refused",
			      first->total, LISTING_MAX_TOTAL);
	/* Honour a server that pages smaller than asked: its pages are what it
	 * says they are, the first wave's included.  But a tiny page for a
	 * large listing is a request per number: refused. */
	if (first->per_page > 0 && first->per_page < LISTING_PER_PAGE)
		per_page = first->per_page;
	if (per_page < LISTING_MIN_PER_PAGE && first->total > per_page)
		return refuse(r, "the API pages by %ld numbers (%d asked) for %ld; below %ld a page, refused", per_page,
			      LISTING_PER_PAGE, first->total, LISTING_MIN_PER_PAGE);
	pages = first->total == 0 ? 1 : (first->total + per_page - 1) / per_page;
	if (r->q->max && pages > pages_allowed(r->q, per_page))
		pages = pages_allowed(r->q, per_page);
	if (pages > LISTING_MAX_PAGES)
		return refuse(r, "%ld numbers by %ld a page would take %ld requests, more than %ld; refused",
			      first->total, per_page, pages, LISTING_MAX_PAGES);
	/* Room for what the last listing held, never for what the API claims. */
	hint = r->q->expected < (size_t)first->total ? r->q->expected : (size_t)first->total;
	if (numtab_init(out, hint) < 0)
		return -ENOMEM;
	pthread_mutex_lock(&r->lock);
	r->total = first->total;
	r->per_page = per_page;
	r->limit = pages;
	r->cap = pages_allowed(r->q, per_page);
	r->judged = true;
	pthread_cond_broadcast(&r->room);
	pthread_mutex_unlock(&r->lock);
	return 0;
}

/* The number to keep for DRAFT: the interned twin, or a copy made here, in
 * one thread and in order, which packs the table densely. */
static struct number *keep(const struct read *r, const struct number *draft)
{
	struct number *twin = r->p->intern ? r->p->intern(r->p->intern_arg, draft) : NULL;

	return twin ? twin : number_dup(draft);
}

/* Whether item I of DATA's number is also an earlier item of the same page. */
static bool listed_before_on(const struct list_page *data, size_t i)
{
	for (size_t j = 0; j < i; j++)
		if (!strcmp(data->items[j]->digits, data->items[i]->digits))
			return true;
	return false;
}

/* Check PAGE against page 1 and copy its numbers into OUT.  A number
 * already there means the pages overlap: the account changed (a number
 * twice on one page is named as such).  A short page ends the read; a full
 * one at the last page "total" allows, holding more than it claims, is
 * followed by the next (pages decide, "total" advises).  A page that brings
 * no new number ends the read (a server repeating itself would never end
 * it). */
static int collect(struct read *r, long page, const struct list_page *data, struct numtab *out)
{
	long items = (long)(data->count + data->skipped);
	size_t added = 0;

	r->items += (size_t)items;
	for (int i = 0; i < LIST_SKIPS; i++)
		r->skipped[i] += data->skipped_by[i];
	if (page > 1 && data->total != r->total)
		note_change(r, "page %ld says %ld numbers, page 1 said %ld", page, data->total, r->total);
	else if (items > r->per_page)
		note_change(r, "page %ld holds %ld numbers, more than the %ld of a page", page, items, r->per_page);
	for (size_t i = 0; i < data->count; i++) {
		struct number *n = keep(r, data->items[i]);
		int ret;

		if (!n)
			return -ENOMEM;
		ret = numtab_add(out, n);
		if (ret == 0) {
			added++;
			continue;
		}
		number_unref(n);
		if (ret != -EEXIST)
			return ret;
		if (listed_before_on(data, i) && !r->twice) {
			/* No change of the account lists a number twice on one
			 * page: that is the reason to give (it also explains a
			 * page holding more than was due), not "the listing
			 * changed". */
			r->changed = r->twice = true;
			snprintf(r->why, sizeof(r->why), "page %ld lists +%s twice", page, data->items[i]->digits);
		} else if (!listed_before_on(data, i))
			note_change(r, "page %ld repeats %s, read before", page, data->items[i]->digits);
	}
	pthread_mutex_lock(&r->lock);
	if (items < r->per_page || (data->count > 0 && added == 0)) {
		end_at(r, page); /* the listing ended: later pages hold nothing */
		r->ended_short = items < r->per_page;
	} else if (page == r->limit && page < r->cap && (long)r->items > r->total) {
		/* A full last page, past what "total" claims: it was low.
		 * (A full page that ends at "total" agrees with it: no request
		 * is spent on the page after.) */
		r->limit = page + 1;
		pthread_cond_broadcast(&r->room);
	}
	pthread_mutex_unlock(&r->lock);
	return 0;
}

/* Wait for the next page in order and take it out of the ring.  Returns 0,
 * -ECANCELED (stopped), or -EAGAIN (no worker could be started). */
static int next_page(struct read *r, struct slot *got)
{
	struct slot *slot;
	int ret = 0;

	pthread_mutex_lock(&r->lock);
	for (;;) {
		slot = &r->ring[(r->collected + 1) % r->ring_size];
		if (slot->page == r->collected + 1)
			break;
		if (stopped(r)) {
			ret = -ECANCELED;
			break;
		}
		if ((ret = staff(r)))
			break;
		wait_until(r, &r->arrived, clock_now_ms() + WAIT_TICK_MS);
	}
	if (ret == 0) {
		*got = *slot;
		*slot = (struct slot){ 0 };
	}
	pthread_mutex_unlock(&r->lock);
	return ret;
}

/* Stop the workers, wait for the ones still answering, free what they left. */
static void finish(struct read *r)
{
	pthread_mutex_lock(&r->lock);
	r->done = true;
	pthread_cond_broadcast(&r->room);
	while (r->workers > 0)
		pthread_cond_wait(&r->arrived, &r->lock);
	pthread_mutex_unlock(&r->lock);
	for (long i = 0; i < r->ring_size; i++)
		list_page_free(&r->ring[i].data);
}

/* How many pages to ask for together with page 1: as many as the last
 * listing had (up to the pace's window), so their connections' handshakes
 * overlap with page 1's instead of following it. */
static long first_wave(const struct listing_query *q, unsigned window)
{
	size_t expected = q->max && q->expected > q->max ? q->max : q->expected;
	long wave = (long)((expected + LISTING_PER_PAGE - 1) / LISTING_PER_PAGE);

	return wave < 1 ? 1 : (wave > (long)window ? (long)window : wave);
}

/* What R found, for the caller. */
static void report(const struct read *r, struct listing_report *out)
{
	*out = (struct listing_report){ .total = r->judged ? r->total : -1, .items = r->items };
	memcpy(out->skipped, r->skipped, sizeof(out->skipped));
	snprintf(out->why, sizeof(out->why), "%s", r->refused);
	/* Short of the total with a page left short, or past it; a max that
	 * stopped the read early is no disagreement. */
	out->short_of_total = r->judged && (long)r->items != r->total &&
			      (r->ended_short || (long)r->items > r->total) && !(r->q->max && r->items >= r->q->max);
}

/* One read of every page.  Returns 0, -ESTALE (the pages disagreed: OUT holds
 * what was seen, WHY says how), or another negative errno (OUT empty). */
static int read_once(struct api *api, const struct listing_query *q, const struct listing_params *p, struct numtab *out,
		     char *why, size_t whylen, bool *twice)
{
	struct read r = { .api = api, .q = q, .p = p, .per_page = LISTING_PER_PAGE, .next = 1 };
	int64_t started = clock_now_ms();
	pthread_condattr_t attr;
	unsigned max;
	int ret = 0;

	*out = (struct numtab){ 0 };
	pace_init(&r.pace, p->parallel, p->parallel_max);
	max = r.pace.ceiling;
	r.limit = first_wave(q, pace_window(&r.pace));
	r.ring_size = (long)max * LISTING_LOOKAHEAD;
	if (!(r.ring = calloc((size_t)r.ring_size, sizeof(*r.ring))))
		return -ENOMEM;
	pthread_mutex_init(&r.lock, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&r.arrived, &attr);
	pthread_cond_init(&r.room, &attr);
	pthread_condattr_destroy(&attr);

	while (ret == 0) {
		struct slot got;
		bool last;

		if ((ret = next_page(&r, &got)))
			break;
		ret = got.err;
		if (ret == 0 && got.page == 1)
			ret = judge_first_page(&r, &got.data, out);
		if (ret == 0)
			ret = collect(&r, got.page, &got.data, out);
		list_page_free(&got.data);
		pthread_mutex_lock(&r.lock);
		r.collected = got.page;
		last = r.collected >= r.limit;
		pthread_cond_signal(&r.room); /* one more page may be asked for ahead */
		pthread_mutex_unlock(&r.lock);
		if (last)
			break;
	}
	finish(&r);
	log_debug("listing: %ld pages in %lld ms, up to %u at once at the end", r.collected,
		  (long long)(clock_now_ms() - started), pace_window(&r.pace));
	if (p->paced && (ret == 0 || ret == -ESTALE))
		*p->paced = pace_window(&r.pace);
	if (r.pace.halvings)
		log_info("listing: the API pushed back; %u pages at once after %u halvings", pace_window(&r.pace),
			 r.pace.halvings);
	*twice = r.twice;
	if (ret == 0 && r.changed) {
		snprintf(why, whylen, "%s", r.why);
		ret = -ESTALE;
	}
	if (p->report)
		report(&r, p->report);
	free(r.ring);
	pthread_cond_destroy(&r.arrived);
	pthread_cond_destroy(&r.room);
	pthread_mutex_destroy(&r.lock);
	if (ret && ret != -ESTALE)
		numtab_destroy(out);
	return ret;
}

int listing_fetch(struct api *api, const struct listing_query *q, const struct listing_params *p, struct numtab *out)
{
	char why[160] = "";
	bool twice = false;
	int ret = -ESTALE;

	if (p->report)
		*p->report = (struct listing_report){ .total = -1 };
	for (int attempt = 1; attempt <= LISTING_ATTEMPTS && ret == -ESTALE; attempt++) {
		ret = read_once(api, q, p, out, why, sizeof(why), &twice);
		if (ret == -ESTALE && p->settle)
			ret = p->settle(out, p->settle_arg);
		if (ret)
			numtab_destroy(out);
		if (ret == -ESTALE && attempt < LISTING_ATTEMPTS)
			log_info("the listing changed while it was read (%s); reading it again", why);
	}
	if (ret == -ESTALE) {
		if (twice)
			log_warn("the API's listing names a number twice (%d reads; last: %s): it is not trusted",
				 LISTING_ATTEMPTS, why);
		else
			log_warn("the listing kept changing while it was read (%d attempts; last: %s)",
				 LISTING_ATTEMPTS, why);
		if (p->report)
			snprintf(p->report->why, sizeof(p->report->why), "%s (%s)",
				 twice ? "the listing names a number twice"
				       : "the listing kept changing while it was read",
				 why);
		ret = -EIO;
	}
	return ret;
}
